// The marginal likelihood of held-out data: log p(x) per data point estimated by importance
// sampling with the guide as proposal (Burda et al. 2016, App. "IWAE"): with K draws
// z_k ~ q(z | x), log (1/K) sum_k p(x, z_k) / q(z_k | x). In expectation a lower bound that
// rises with K to log p(x). K can be large (1000 by default): the draws are processed in chunks
// and combined exactly, so memory stays bounded.
//
// Global latents are held at their guide means w: every figure here is then log p(x | w), and
// the ELBO reported beside it is the per-point bound on that same quantity. (Each chunk's
// guide still draws its own w' ~ q(w) for the local proposal q(z | x, w'); any proposal gives
// unbiased weights p(x, z | w) / q(z | x, w').)
import { tf } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { onMinibatch } from '../inference/run.js';
import type { Dataset } from '../runtime/data/dataset.js';
import { Rng } from '../runtime/random.js';
import type { Minibatch } from '../inference/svi.js';
import { estimateElbo } from '../inference/elbo.js';
import { effectiveSampleSize, logMeanExp } from '../inference/importance.js';
import { disposeMinibatch, toMinibatch, type Bindings } from '../inference/minibatch.js';
import { runConditioned, type GlobalValues } from './replay.js';

export interface LogLikOptions {
  /** Importance samples per data point (K). */
  k: number;
  globals: GlobalValues;
  /** At most this many (particle x point) rows per chunk; default 2^21 values / values per point. */
  rowsPerChunk?: number;
}

export interface BatchLogLik {
  /** log p(x_i) estimate per point. */
  logp: Float64Array;
  /** Effective sample size of the K weights per point. */
  ess: Float64Array;
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

function pointSize(batch: Minibatch): number {
  let n = 1;
  for (const t of batch.data.values()) n = Math.max(n, t.size / Math.max(1, batch.size));
  return n;
}

/**
 * The K-sample estimate for each point of the minibatch. Chunks of c draws give log mean w and
 * the ESS; they combine exactly: log sum w = logaddexp over chunks of (log mean w + log c), and
 * log sum w^2 = logaddexp of (2 log sum w - log ESS).
 */
export function logLikelihoodBatch(program: CompiledProgram, batch: Minibatch, rng: Rng, opts: LogLikOptions, onChunk?: (draws: number) => void): BatchLogLik {
  const M = batch.size;
  const rows = opts.rowsPerChunk ?? Math.max(1, Math.floor(2 ** 21 / pointSize(batch)));
  const chunk = Math.max(1, Math.min(opts.k, Math.floor(rows / M)));
  const logSum = new Float64Array(M).fill(-Infinity);
  const logSumSq = new Float64Array(M).fill(-Infinity);
  for (let done = 0; done < opts.k; done += chunk) {
    const c = Math.min(chunk, opts.k - done);
    const [lme, ess] = tf.tidy(() => {
      const { guide, model } = runConditioned(program, batch.data, onMinibatch(batch, { particles: c, rng }), opts.globals);
      const logW = estimateElbo(guide, model, c, { kl: 'mc' }).logWeights;
      return [logMeanExp(logW), effectiveSampleSize(logW)];
    });
    const lmeA = lme!.dataSync();
    const essA = ess!.dataSync();
    lme!.dispose();
    ess!.dispose();
    for (let i = 0; i < M; i++) {
      const chunkLog = lmeA[i]! + Math.log(c);
      logSum[i] = logAddExp(logSum[i]!, chunkLog);
      logSumSq[i] = logAddExp(logSumSq[i]!, 2 * chunkLog - Math.log(essA[i]!));
    }
    onChunk?.(c * M);
  }
  const logp = new Float64Array(M);
  const ess = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    logp[i] = logSum[i]! - Math.log(opts.k);
    ess[i] = Math.exp(2 * logSum[i]! - logSumSq[i]!);
  }
  return { logp, ess };
}

/**
 * The per-point ELBO estimate (analytic KL where training uses it), averaged over `particles`,
 * and its split into distortion -E_q[log p(x | z)] and rate KL(q(z | x) || p(z)) (NaN where
 * latents are summed out).
 */
export function elboBatch(program: CompiledProgram, batch: Minibatch, rng: Rng, particles: number, globals: GlobalValues): { elbo: Float64Array; distortion: Float64Array; rate: Float64Array } {
  const parts = tf.tidy(() => {
    const { guide, model } = runConditioned(program, batch.data, onMinibatch(batch, { particles, rng }), globals);
    const est = estimateElbo(guide, model, particles, { kl: 'analytic' });
    const none = (): tf.Tensor => tf.fill([batch.size], NaN);
    return [tf.mean(est.local, 0), est.split ? tf.neg(tf.mean(est.split.data, 0)) : none(), est.split ? tf.neg(tf.mean(est.split.latent, 0)) : none()];
  });
  const [elbo, distortion, rate] = parts.map((t) => {
    const v = Float64Array.from(t.dataSync());
    t.dispose();
    return v;
  }) as [Float64Array, Float64Array, Float64Array];
  return { elbo, distortion, rate };
}

/** Mean and its standard error over points. */
export interface MeanWithError {
  mean: number;
  stderr: number;
}

export function meanWithError(v: ArrayLike<number>): MeanWithError {
  const n = v.length;
  if (n === 0) return { mean: NaN, stderr: NaN };
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i]! - mean) ** 2;
  return { mean, stderr: n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN };
}

export interface EvaluationOptions extends LogLikOptions {
  seed: string;
  batchSize?: number;
  /** Particles of the per-point ELBO estimate. */
  elboParticles?: number;
  /** Called as draws complete: (draws done, draws in all) where a draw is one z for one point. */
  onProgress?(done: number, total: number): void;
}

export interface Evaluation {
  count: number;
  k: number;
  /** Per point, in nats. */
  logp: Float64Array;
  elbo: Float64Array;
  ess: Float64Array;
  /** log p(x) per point: mean over points and its Monte Carlo standard error. */
  logLikelihood: MeanWithError;
  elboMean: MeanWithError;
  /** log p(x) - ELBO, paired per point. */
  gap: MeanWithError;
  meanEss: number;
  /**
   * -E_q[log p(x | z)] and KL(q(z | x) || p(z)) per point, unweighted by @scale (without one,
   * ELBO = -(distortion + rate)); NaN where latents are summed out.
   */
  distortion: MeanWithError;
  rate: MeanWithError;
}

/** ELBO and K-sample log p(x) of every point of a data set, per point in nats. */
export async function evaluateLogLikelihood(program: CompiledProgram, dataset: Dataset, bindings: Bindings, opts: EvaluationOptions): Promise<Evaluation> {
  const rng = new Rng(opts.seed);
  const isRng = rng.derive('is');
  const elboRng = rng.derive('elbo');
  const total = dataset.size * opts.k;
  let done = 0;
  const logp: number[] = [];
  const elbo: number[] = [];
  const distortion: number[] = [];
  const rate: number[] = [];
  const ess: number[] = [];
  for await (const batch of dataset.batches(opts.batchSize ?? 100, { rng: rng.derive('data'), shuffle: false })) {
    const mb = toMinibatch(batch, program.lowered, bindings);
    try {
      const e = elboBatch(program, mb, elboRng, opts.elboParticles ?? 1, opts.globals);
      elbo.push(...e.elbo);
      distortion.push(...e.distortion);
      rate.push(...e.rate);
      const r = logLikelihoodBatch(program, mb, isRng, opts, (d) => {
        done += d;
        opts.onProgress?.(done, total);
      });
      logp.push(...r.logp);
      ess.push(...r.ess);
    } finally {
      disposeMinibatch(mb);
    }
    // let signals and timers run between batches
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const gap = logp.map((v, i) => v - elbo[i]!);
  return {
    count: logp.length,
    k: opts.k,
    logp: Float64Array.from(logp),
    elbo: Float64Array.from(elbo),
    ess: Float64Array.from(ess),
    logLikelihood: meanWithError(logp),
    elboMean: meanWithError(elbo),
    gap: meanWithError(gap),
    meanEss: ess.reduce((a, b) => a + b, 0) / Math.max(1, ess.length),
    distortion: meanWithError(distortion),
    rate: meanWithError(rate),
  };
}
