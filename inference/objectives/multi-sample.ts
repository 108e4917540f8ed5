// What the multi-sample bounds (IWAE, Rényi) share: per-data-point log-weights of K draws from
// the guide, log w_k = log p(x, z_k) - log q(z_k | x), with every density in the estimate (the
// importance weights need them: no closed-form KL), and a bound computed from them per point.
import { tf, stopGradient, type Tensor } from '../../runtime/tf.js';
import type { CompiledProgram } from '../../lang/compiler/index.js';
import type { ParamStore, SavedParam } from '../../runtime/params.js';
import { OptionError, UserError } from '../../runtime/errors.js';
import { estimateElbo } from '../elbo.js';
import { guideThenModel, type BatchRun, type Minibatch } from '../run.js';
import { logMeanExp } from '../importance.js';
import type { Objective, ObjectiveValue } from './objective.js';

/**
 * A bound that is a function of the K log-weights of each point. `bound` maps log w [K, M] to
 * the per-point bound [M]; score-function sites get VIMCO's per-sample signals where the bound
 * allows them (`vimco`), and are refused otherwise.
 */
export abstract class MultiSampleBound implements Objective {
  abstract readonly name: string;
  abstract describe(particles: number): string;
  protected abstract bound(logW: Tensor): Tensor;
  /** Whether score-function sites can be trained with VIMCO's signals under this bound. */
  protected abstract readonly vimco: boolean;

  estimate(program: CompiledProgram, batch: Minibatch, run: BatchRun): ObjectiveValue {
    const { guide, model } = guideThenModel(program, batch, run);
    const particles = run.particles;
    const est = estimateElbo(guide, model, particles, { kl: 'mc' });
    const bound = this.bound(est.logWeights); // [M]
    const value = tf.add(tf.mul(est.scale, tf.sum(bound)), tf.mean(est.global));
    let extra: Tensor | undefined;
    const scoreSites = guide.latents().filter((q) => q.estimator === 'score' && !q.enumerated);
    if (scoreSites.length > 0) {
      if (!this.vimco) throw new UserError(`the ${this.name} objective trains pathwise sites only; ${scoreSites.map((q) => q.name).join(', ')} would need the score function (use the ELBO or IWAE objective, or a reparameterizable guide)`);
      if (particles < 2) throw new OptionError('particles', 'the IWAE objective with score-function sites (VIMCO) needs K >= 2 samples (`particles`)');
      if (est.perGuideValue) throw new UserError(`the ${this.name} objective cannot train the score-function sites ${scoreSites.map((q) => q.name).join(', ')} after values the guide sums over (@enumerate); use the ELBO objective`);
      const signal = stopGradient(vimcoSignals(est.logWeights, bound));
      for (const q of scoreSites) {
        if (q.plate !== 'local') throw new UserError(`VIMCO: the global latent ${q.name} cannot be estimated by the score function under the IWAE objective; use the ELBO objective`);
        const term = tf.mul(q.scale, tf.sum(tf.mul(signal, q.logProb)));
        extra = extra ? tf.add(extra, term) : term;
      }
    }
    const surrogate = extra ? tf.add(value, tf.sub(extra, stopGradient(extra))) : value;
    return { value, surrogate, local: est.logWeights, total: tf.reshape(value, [1]) };
  }

  variables(): tf.Variable[] {
    return [];
  }

  snapshot(): SavedParam[] {
    return [];
  }

  restore(): void {}

  stores(): ParamStore[] {
    return [];
  }

  dispose(): void {}
}

/** The K-sample importance weighted bound of Burda et al. (2016); VIMCO for score-function sites (Mnih & Rezende 2016). */
export class IwaeObjective extends MultiSampleBound {
  readonly name = 'iwae';
  protected readonly vimco = true;

  describe(particles: number): string {
    return `IWAE bound (K = ${particles})`;
  }

  protected bound(logW: Tensor): Tensor {
    return logMeanExp(logW);
  }
}

/**
 * VIMCO's per-sample learning signals L - L_{-k} [K, M], where L_{-k} replaces log w_k by the
 * mean of the other K - 1 log-weights (their geometric mean), a baseline independent of z_k.
 */
export function vimcoSignals(logW: Tensor, bound: Tensor): Tensor {
  const k = logW.shape[0]!;
  const othersMean = tf.div(tf.sub(tf.sum(logW, 0, true), logW), k - 1); // [K, M]
  // log sum_j w_j with w_k replaced: logsumexp over j of (j == k ? othersMean_k : logW_j)
  const m = logW.shape[1]!;
  const diagonal = tf.broadcastTo(tf.expandDims(tf.cast(tf.eye(k), 'bool'), 2), [k, k, m]); // [K(k), K(j), M]
  const replaced = tf.where(diagonal, tf.broadcastTo(tf.expandDims(othersMean, 1), [k, k, m]), tf.broadcastTo(tf.expandDims(logW, 0), [k, k, m]));
  const without = tf.sub(tf.logSumExp(replaced, 1), Math.log(k)); // [K, M]
  return tf.sub(tf.expandDims(bound, 0), without);
}

