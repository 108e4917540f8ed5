// Importance weighting with the guide as proposal: log w_k = log p(x, z_k) - log q(z_k | x) for
// K draws z_k ~ q(z | x), per data point. Their log-mean-exp is the K-sample bound of Burda et
// al. (2016), L_K = E[log (1/K) sum_k w_k] <= log p(x), non-decreasing in K; for large K it
// estimates log p(x) itself.
import { tf, type Tensor } from '../runtime/tf.js';
import type { Rng } from '../runtime/random.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { Handler } from '../runtime/effects/messages.js';
import { guideThenModel, type Minibatch } from './run.js';
import { estimateElbo } from './elbo.js';

/**
 * log w [K, M] for the local latents of each data point of the minibatch (the densities of
 * global latents are not part of a per-data-point weight). `extra` handlers go outside the
 * run's own (a mask of the observed part, say). Runs in the caller's tidy scope.
 */
export function logImportanceWeights(program: CompiledProgram, batch: Minibatch, k: number, rng: Rng, extra: readonly Handler[] = []): Tensor {
  const { guide, model } = guideThenModel(program, batch, { particles: k, rng, handlers: extra });
  return estimateElbo(guide, model, k, { kl: 'mc' }).logWeights;
}

/** log (1/K) sum_k exp(logW[k, i]) for each i: [K, M] -> [M]. */
export function logMeanExp(logW: Tensor): Tensor {
  return tf.sub(tf.logSumExp(logW, 0), Math.log(logW.shape[0] ?? 1));
}

/** Normalized importance weights over the K axis: [K, M]. */
export function normalizedWeights(logW: Tensor): Tensor {
  return tf.softmax(tf.transpose(logW)).transpose();
}

/** Effective sample size (sum w)^2 / sum w^2 per data point: [M], between 1 and K. */
export function effectiveSampleSize(logW: Tensor): Tensor {
  const w = normalizedWeights(logW);
  return tf.div(1, tf.sum(tf.square(w), 0));
}
