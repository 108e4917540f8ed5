// Inpainting: fill in the hidden part of a data point from its observed part, by the trained
// model's posterior p(x_hid | x_obs). Two methods:
//
// - 'is': self-normalized importance sampling with the guide as proposal. z_k ~ q(z | x_in),
//   where x_in is x_obs with every hidden entry replaced by a fixed fill-in (0.5 or the mean
//   image), and log w_k = log p(x_obs | z_k) + log p(z_k) - log q(z_k | x_in) (the masked
//   likelihood under a mask handler). E[x_hid | x_obs] ~ sum_k wbar_k E[x_hid | z_k]. Consistent
//   as K grows for any guide that covers the posterior (q only needs to be a proposal).
//   With `rounds` R > 1 the proposal adapts: round r proposes from q(z | x_obs, xhat_{r-1})
//   where xhat_{r-1} is the estimate so far, and the weights of all R * K draws are pooled
//   (each draw weighted against its own round's proposal, so the pooled estimate stays
//   consistent). The fill-ins are computed from observed entries only.
// - 'gibbs': iterated conditional sampling (Rezende et al. 2014, missing-data imputation): from x_hid = fill,
//   alternate z ~ q(z | x_obs, x_hid) and x_hid ~ p(x_hid | z). It is exact Gibbs only when q
//   is the true posterior; the estimate averages E[x_hid | z_t] over the second half of the
//   sweeps and over chains.
//
// Neither ever shows the guide the hidden truth: the first thing inpaintBatch does is overwrite
// the hidden entries with the fill-in, and the true values are not read after that.
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { mask } from '../runtime/effects/handlers.js';
import type { Rng } from '../runtime/random.js';
import { UserError } from '../runtime/errors.js';
import { onMinibatch, traceGuide, type Minibatch } from '../inference/run.js';
import { estimateElbo } from '../inference/elbo.js';
import { effectiveSampleSize, logMeanExp, normalizedWeights } from '../inference/importance.js';
import { runConditioned, runModelWith, type GlobalValues } from './replay.js';
import { valuesPerPoint } from './observed.js';

export type InpaintMethod = 'is' | 'gibbs';
export const INPAINT_METHODS: readonly InpaintMethod[] = ['is', 'gibbs'];

export interface InpaintOptions {
  method: InpaintMethod;
  /** The modelled data variable to inpaint. */
  data: string;
  /** 'is': proposals z_k per point and round (K). */
  samples: number;
  /** 'is': rounds of adaptive importance sampling (default 1: plain IS from the fill-in). */
  rounds?: number;
  /** 'gibbs': sweeps per chain (T). */
  iterations: number;
  /** 'gibbs': independent chains per point. */
  chains: number;
  /** Written in place of every hidden entry before the guide sees the point: [values per point]. */
  fill: Float32Array;
  /** Posterior draws to return per point. */
  keep: number;
  /** Global latents held at these values (their guide means). */
  globals: GlobalValues;
  /** 'is': at most this many values in one [particles, points, ...shape] tensor. */
  budget?: number;
}

export interface InpaintResult {
  /** [M * size]: observed entries as given, hidden entries at their posterior mean. */
  filled: Float32Array;
  /**
   * `keep` arrays [M * size]: observed entries as given, hidden entries at E[x_hid | z] for a
   * posterior draw of z ('is': resampled by weight; 'gibbs': one chain's last sweep).
   */
  samples: Float32Array[];
  /** 'is': effective sample size of the R * K pooled weights, per point. */
  ess?: Float32Array;
}

/** x with every hidden entry replaced by the fill-in (the only view of x the methods get). */
export function maskedInput(x: Float32Array, hidden: Uint8Array, fill: Float32Array): Float32Array {
  const size = fill.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = hidden[i] ? fill[i % size]! : x[i]!;
  return out;
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** Draw an index from normalized weights (column `point` of w [K, M]). */
function drawIndex(w: Float32Array, k: number, m: number, point: number, u: number): number {
  let acc = 0;
  for (let j = 0; j < k; j++) {
    acc += w[j * m + point]!;
    if (u < acc) return j;
  }
  return k - 1;
}

function importanceSampling(program: CompiledProgram, batch: Minibatch, xIn: Float32Array, observed: Float32Array, shape: readonly number[], rng: Rng, opts: InpaintOptions): InpaintResult {
  const M = batch.size;
  const size = valuesPerPoint(shape);
  const K = opts.samples;
  const chunk = Math.max(1, Math.min(K, Math.floor((opts.budget ?? 2 ** 21) / (M * size))));
  // Running totals over chunks, per point: log sum w, log sum w^2, sum w * E[x | z] / sum w.
  const logSum = new Float64Array(M).fill(-Infinity);
  const logSumSq = new Float64Array(M).fill(-Infinity);
  const mean = new Float64Array(M * size);
  const kept = Array.from({ length: opts.keep }, () => new Float32Array(M * size));
  const maskTensor = tf.tensor(observed, [1, M, ...shape], 'float32');
  const rounds = opts.rounds ?? 1;
  // The guide's view of the points: observed entries, hidden ones at the current fill-in.
  const view = Float32Array.from(xIn);
  try {
    for (let round = 0; round < rounds; round++) {
      if (round > 0) for (let n = 0; n < M * size; n++) if (!observed[n]) view[n] = mean[n]!;
      const xTensor = tf.tensor(view, [1, M, ...shape], 'float32');
      try {
        for (let done = 0; done < K; done += chunk) {
          const c = Math.min(chunk, K - done);
          const [lme, ess, wbar, wmean, means] = tf.tidy(() => {
            const data = new Map(batch.data);
            data.set(opts.data, xTensor);
            const handlers = onMinibatch({ data, size: M }, { particles: c, rng, handlers: [mask(new Map([[opts.data, maskTensor]]))] });
            const { guide, model } = runConditioned(program, data, handlers, opts.globals);
            const logW = estimateElbo(guide, model, c, { kl: 'mc' }).logWeights;
            const site = model.get(opts.data);
            if (!site) throw new Error(`internal: no model site '${opts.data}'`);
            const xMean = tf.reshape(tf.broadcastTo(site.dist.mean(), [c, M, ...shape]), [c, M, size]);
            const w = normalizedWeights(logW);
            const weighted = tf.sum(tf.mul(tf.expandDims(w, 2), xMean), 0);
            return [logMeanExp(logW), effectiveSampleSize(logW), w, weighted, opts.keep > 0 ? xMean : tf.zeros([1])];
          });
          const lmeA = lme!.dataSync();
          const essA = ess!.dataSync();
          const wA = wbar!.dataSync() as Float32Array;
          const wmA = wmean!.dataSync();
          const meansA = opts.keep > 0 ? means!.dataSync() : undefined;
          for (const t of [lme, ess, wbar, wmean, means]) t!.dispose();
          for (let i = 0; i < M; i++) {
            const chunkLog = lmeA[i]! + Math.log(c);
            const total = logAddExp(logSum[i]!, chunkLog);
            const share = Math.exp(chunkLog - total);
            for (let j = 0; j < size; j++) mean[i * size + j] = (1 - share) * mean[i * size + j]! + share * wmA[i * size + j]!;
            // A weighted draw with replacement over all draws, streamed: each kept draw moves to
            // this chunk with probability (its weight) / (the weight so far), then picks within it.
            for (const slot of kept) {
              if (rng.uniform() >= share) continue;
              const k = drawIndex(wA, c, M, i, rng.uniform());
              slot.set(meansA!.subarray((k * M + i) * size, (k * M + i + 1) * size), i * size);
            }
            logSumSq[i] = logAddExp(logSumSq[i]!, 2 * chunkLog - Math.log(essA[i]!));
            logSum[i] = total;
          }
        }
      } finally {
        xTensor.dispose();
      }
    }
  } finally {
    maskTensor.dispose();
  }
  const filled = new Float32Array(M * size);
  for (let n = 0; n < M * size; n++) filled[n] = observed[n] ? xIn[n]! : mean[n]!;
  for (const s of kept) for (let n = 0; n < M * size; n++) if (observed[n]) s[n] = xIn[n]!;
  const ess = new Float32Array(M);
  for (let i = 0; i < M; i++) ess[i] = Math.exp(2 * logSum[i]! - logSumSq[i]!);
  return { filled, samples: kept, ess };
}

function tileRows(t: Tensor, copies: number): Tensor {
  return tf.tile(t, [1, copies, ...t.shape.slice(2).map(() => 1)]);
}

function iteratedSampling(program: CompiledProgram, batch: Minibatch, xIn: Float32Array, observed: Float32Array, shape: readonly number[], rng: Rng, opts: InpaintOptions): InpaintResult {
  const M = batch.size;
  const C = opts.chains;
  const T = opts.iterations;
  const size = valuesPerPoint(shape);
  const R = M * C;
  // Chain-major rows: row c * M + i is chain c of point i.
  const current = new Float32Array(R * size);
  for (let c = 0; c < C; c++) current.set(xIn, c * M * size);
  const burn = Math.floor(T / 2);
  const acc = new Float64Array(R * size);
  let last = new Float32Array(R * size);
  const inputs = tf.tidy(() => {
    const out: Record<string, Tensor> = {};
    for (const [k, v] of batch.data) if (k !== opts.data) out[k] = tileRows(v, C);
    return out;
  });
  try {
    for (let t = 0; t < T; t++) {
      const [meanT, drawT] = tf.tidy(() => {
        const x = tf.tensor(current, [1, R, ...shape], 'float32');
        const others = new Map(Object.entries(inputs));
        const withX = new Map(others);
        withX.set(opts.data, x);
        const guide = traceGuide(program, withX, onMinibatch({ data: withX, size: R }, { particles: 1, rng }));
        const fixed = new Map<string, Tensor>();
        for (const s of guide.latents()) if (s.plate === 'local') fixed.set(s.name, s.value);
        const model = runModelWith(program, others, onMinibatch({ data: others, size: R }, { particles: 1, rng }), fixed, opts.globals, 'sample');
        const site = model.get(opts.data);
        if (!site) throw new Error(`internal: no model site '${opts.data}'`);
        return [tf.broadcastTo(site.dist.mean(), [1, R, ...shape]), site.value];
      });
      const meanA = meanT!.dataSync() as Float32Array;
      const drawA = drawT!.dataSync();
      for (let n = 0; n < R * size; n++) if (!observed[n % (M * size)]) current[n] = drawA[n]!;
      if (t >= burn) for (let n = 0; n < R * size; n++) acc[n]! += meanA[n]!;
      last = new Float32Array(meanA);
      meanT!.dispose();
      drawT!.dispose();
    }
  } finally {
    for (const v of Object.values(inputs)) v.dispose();
  }
  const sweeps = T - burn;
  const filled = new Float32Array(M * size);
  for (let n = 0; n < M * size; n++) {
    if (observed[n]) filled[n] = xIn[n]!;
    else {
      let s = 0;
      for (let c = 0; c < C; c++) s += acc[c * M * size + n]!;
      filled[n] = s / (C * sweeps);
    }
  }
  const samples: Float32Array[] = [];
  for (let c = 0; c < Math.min(opts.keep, C); c++) {
    const s = new Float32Array(M * size);
    for (let n = 0; n < M * size; n++) s[n] = observed[n] ? xIn[n]! : last[c * M * size + n]!;
    samples.push(s);
  }
  return { filled, samples };
}

/**
 * Inpaint the points of `batch` (data variable opts.data laid out [1, M, ...shape]) whose
 * entries with hidden[n] = 1 are missing. The hidden entries of the batch are replaced by
 * opts.fill before anything else happens, so their true values never influence the result.
 */
export function inpaintBatch(program: CompiledProgram, batch: Minibatch, hidden: Uint8Array, rng: Rng, opts: InpaintOptions): InpaintResult {
  const xt = batch.data.get(opts.data);
  if (!xt) throw new UserError(`inpaint: the data have no variable '${opts.data}'`);
  const shape = xt.shape.slice(2);
  const size = valuesPerPoint(shape);
  if (opts.fill.length !== size && opts.fill.length !== batch.size * size) throw new Error(`internal: fill has ${opts.fill.length} values, a point has ${size}`);
  if (hidden.length !== batch.size * size) throw new Error(`internal: mask has ${hidden.length} entries for ${batch.size} points of ${size}`);
  const xIn = maskedInput(xt.dataSync() as Float32Array, hidden, opts.fill);
  const observed = new Float32Array(hidden.length);
  for (let n = 0; n < hidden.length; n++) observed[n] = hidden[n] ? 0 : 1;
  // From here on only xIn is read: the hidden truth is gone.
  const rest = new Map(batch.data);
  rest.delete(opts.data);
  const safe: Minibatch = { data: rest, size: batch.size };
  return opts.method === 'is'
    ? importanceSampling(program, safe, xIn, observed, shape, rng, opts)
    : iteratedSampling(program, safe, xIn, observed, shape, rng, opts);
}

export interface HiddenError {
  /** Mean squared error over hidden entries. */
  mse: number;
  /** Mean binary cross-entropy -[x log p + (1 - x) log(1 - p)] over hidden entries (p clipped to [1e-6, 1 - 1e-6]); null when the data are not in [0, 1]. */
  bce: number | null;
  hidden: number;
}

/** Reconstruction error of `filled` against `truth` on the hidden entries only. */
export function hiddenError(truth: Float32Array, filled: Float32Array, hidden: Uint8Array): HiddenError {
  let se = 0;
  let ce = 0;
  let n = 0;
  let unit = true;
  for (let i = 0; i < truth.length; i++) {
    if (!hidden[i]) continue;
    const t = truth[i]!;
    const f = filled[i]!;
    se += (f - t) ** 2;
    if (t < 0 || t > 1 || f < 0 || f > 1) unit = false;
    const p = Math.min(1 - 1e-6, Math.max(1e-6, f));
    ce -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
    n++;
  }
  return { mse: n ? se / n : NaN, bce: unit && n ? ce / n : null, hidden: n };
}
