// Inpainting with a trained model: hide part of the first points of a data set and infer it from
// the rest by the posterior, scored against the truth and against filling in the mean point.
import { UserError } from '../runtime/errors.js';
import { Rng } from '../runtime/random.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { buildHiddenMask, parseMaskSpec, type MaskSpec } from '../trained/mask.js';
import { hiddenError, inpaintBatch, type HiddenError, type InpaintMethod } from '../trained/inpaint.js';
import { fieldMean } from '../trained/data-mean.js';
import { disposeMinibatch, toMinibatch } from '../inference/minibatch.js';
import { imageLayout, primaryData, valuesPerPoint, type ImageLayout } from '../trained/observed.js';
import type { GlobalValues } from '../trained/replay.js';
import type { BoundData } from './data.js';
import { firstPoints } from './first-points.js';

export interface InpaintOptions {
  /** Which entries to hide: top, bottom, left, right, square:K, random:F, or an explicit pattern. */
  mask: string | MaskSpec;
  /** 'is': importance sampling with the guide as proposal; 'gibbs': iterated conditional sampling. Default 'is'. */
  method?: InpaintMethod;
  /** 'is': importance samples per point and round. Default 1000. */
  samples?: number;
  /** 'is': adaptive rounds, each proposing from the guide at the previous round's estimate. Default 3. */
  rounds?: number;
  /** 'gibbs': sweeps per chain (the second half is averaged). Default 100. */
  iterations?: number;
  /** 'gibbs': chains per point. Default 10. */
  chains?: number;
  /** The hidden values before inference: the reference data's mean point, or 0.5. Default 'mean'. */
  init?: 'mean' | 'half';
  /** Points to inpaint: the first n. Default 100. */
  n?: number;
  /** Posterior draws returned per point. Default 3. */
  keep?: number;
  seed?: string;
}

export interface Inpainting {
  /** The modelled data variable inpainted, and its shape. */
  data: string;
  shape: number[];
  /** Positions of the points in the data set. */
  indices: Uint32Array;
  /** [points * size] each: the true values, the mask (1 = hidden), and the filled-in values. */
  truth: Float32Array;
  hidden: Uint8Array;
  filled: Float32Array;
  /** `keep` posterior draws, each [points * size]. */
  samples: Float32Array[];
  /** 'is': effective sample size of the pooled weights, per point. */
  ess?: Float32Array;
  /** Error on the hidden values. */
  error: HiddenError;
  /** The error of filling in the reference data's mean point instead. */
  baseline: HiddenError;
  /** Seconds of inference (mask building and data reading excluded). */
  seconds: number;
}

export const INPAINT_DEFAULTS = { method: 'is', samples: 1000, rounds: 3, iterations: 100, chains: 10, init: 'mean', n: 100, keep: 3 } as const;

/** The picture size of the field bound to data declaration `name`, when it is an image. */
export function fieldPicture(data: BoundData, name: string): ImageLayout | undefined {
  const field = data.bindings.get(name);
  return data.dataset.fields.find((f) => f.name === field)?.picture;
}

/**
 * `points`: the data inpainted; `reference`: the data whose mean point fills the hidden values
 * (init 'mean') and scores the baseline, bound like `points` (e.g. the training set); `picture`:
 * the points' picture size, when they are images (masks such as `top` need one).
 */
export async function inpaintPoints(
  program: CompiledProgram,
  globals: GlobalValues,
  points: BoundData,
  reference: BoundData,
  seed: string,
  options: InpaintOptions,
  picture: ImageLayout | undefined,
): Promise<Inpainting> {
  const o = { ...INPAINT_DEFAULTS, ...options };
  const d = primaryData(program.lowered, 'inpaint');
  const size = valuesPerPoint(d.shape);
  const layout = imageLayout(d.shape, picture);
  const parsed = typeof o.mask === 'string' ? parseMaskSpec(o.mask) : o.mask;
  if (parsed.kind === 'file') throw new UserError(`mask '${parsed.path}' names a file: read it into a pattern mask ({ kind: 'pattern', hidden, origin })`);
  const batch = await firstPoints(points.dataset, o.n, seed);
  const n = batch.size;
  const hidden = buildHiddenMask(parsed, size, n, layout, new Rng(`${seed}/mask`));
  const field = points.bindings.get(d.name)!;
  const meanPoint = await fieldMean(reference.dataset, reference.bindings.get(d.name)!, `${seed}/mean`);
  const fill = o.init === 'mean' ? meanPoint : new Float32Array(size).fill(0.5);
  const mb = toMinibatch(batch, program.lowered, points.bindings);
  const started = performance.now();
  let result;
  try {
    result = inpaintBatch(program, mb, hidden, new Rng(`${seed}/inpaint`), {
      method: o.method,
      data: d.name,
      samples: o.samples,
      rounds: o.rounds,
      iterations: o.iterations,
      chains: o.chains,
      fill,
      keep: o.keep,
      globals,
    });
  } finally {
    disposeMinibatch(mb);
  }
  const seconds = (performance.now() - started) / 1000;
  const truth = batch.fields[field]!;
  return {
    data: d.name,
    shape: [...d.shape],
    indices: batch.indices,
    truth,
    hidden,
    filled: result.filled,
    samples: result.samples,
    ess: result.ess,
    error: hiddenError(truth, result.filled, hidden),
    baseline: hiddenError(truth, Float32Array.from(truth, (_, i) => meanPoint[i % size]!), hidden),
    seconds,
  };
}
