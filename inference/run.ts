// Runs of a compiled program as handler stacks. Every use of a program (training, importance
// sampling, encoding, prediction, conditioning) is one of these with its own handlers; the
// enumeration of summed-out latents is added here, so that callers never see it.
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { Tensor } from '../runtime/tf.js';
import type { Rng } from '../runtime/random.js';
import { Trace } from '../runtime/trace.js';
import type { Handler } from '../runtime/effects/messages.js';
import { condition, enumerate, followEnumeratedGuide, markov, mask, observedEntries, partlyObserved, plate, replay, seed, subsample, trace } from '../runtime/effects/handlers.js';

/** Data by declared name, laid out [1, M, ...shape]. */
export interface Minibatch {
  data: ReadonlyMap<string, Tensor>;
  size: number;
  /** For data declared with missing entries that a guide proposes or the model sums out by enumeration: 1 where an entry is observed, 0 where missing, like its data. */
  observed?: ReadonlyMap<string, Tensor>;
  /** For data declared with missing entries that are summed out: 1 where an entry counts, 0 where it is missing. */
  counted?: ReadonlyMap<string, Tensor>;
}

/** The guide's trace under `handlers` (outermost first), reading the data in `inputs`. */
export function traceGuide(program: CompiledProgram, inputs: ReadonlyMap<string, Tensor>, handlers: readonly Handler[]): Trace {
  const t = new Trace('guide');
  program.guide([trace(t), ...handlers], inputs);
  return t;
}

/**
 * The model's trace under `handlers`, reading the data in `inputs`, its latents replayed from
 * `guide` where it has them. With latents summed out (@enumerate), the particle axis carries
 * their joint values too; Markov chains are summed out by the forward algorithm unless
 * `sumChains` is false (drawing from the model: then they are drawn step by step).
 */
export function traceModel(program: CompiledProgram, inputs: ReadonlyMap<string, Tensor>, handlers: readonly Handler[], guide?: Trace, options: { sumChains?: boolean } = {}): Trace {
  const t = new Trace('model');
  const inner = guide ? [...handlers, replay(guide)] : handlers;
  const e = program.enumerationSize;
  const sums = program.hasChains && options.sumChains !== false ? [markov()] : [];
  const followed = guide && guide.enumeration > 1 ? [followEnumeratedGuide(guide.enumeration)] : [];
  program.model(e === 1 ? [trace(t), ...followed, ...sums, ...inner] : [trace(t), enumerate(e, program.enumerationValues()), ...followed, ...sums, ...inner], inputs);
  t.enumeration = e;
  return t;
}

export interface BatchRun {
  particles: number;
  rng: Rng;
  /** N: local terms are scaled by N/M to estimate the whole data set; 1 per point when absent. */
  datasetSize?: number;
  /** Handlers around the run's own (an estimator mode, a mask). */
  handlers?: readonly Handler[];
}

/** Draws from `rng`, `particles` per site, the minibatch's data observed, local terms scaled by N/M. */
export function onMinibatch(batch: Minibatch, run: BatchRun): Handler[] {
  const gaps = new Map([...(batch.observed ?? []), ...(batch.counted ?? [])]);
  const partial = [
    ...(batch.observed?.size ? [partlyObserved(batch.data, batch.observed)] : []),
    ...(batch.counted?.size ? [mask(batch.counted)] : []),
    ...(gaps.size ? [observedEntries(gaps)] : []),
  ];
  return [...(run.handlers ?? []), seed(run.rng), subsample(run.datasetSize ?? batch.size, batch.size), plate(run.particles, batch.size), condition(batch.data), ...partial];
}

export interface GuideAndModel {
  guide: Trace;
  model: Trace;
}

/**
 * The guide's trace for an objective or importance weights: discrete sites the guide sums over
 * (@enumerate in the guide) take every joint value along the particle axis (row p * size + k),
 * and so does everything drawn after them. (Encoding draws them instead: `traceGuide`.)
 */
export function traceGuideSummed(program: CompiledProgram, inputs: ReadonlyMap<string, Tensor>, handlers: readonly Handler[]): Trace {
  const eg = program.guideEnumerationSize;
  const guide = traceGuide(program, inputs, eg === 1 ? handlers : [enumerate(eg, program.guideEnumerationValues()), ...handlers]);
  guide.enumeration = eg;
  return guide;
}

/** The guide on a minibatch (summing over its enumerated sites), then the model replayed on its draws: one SVI or importance-sampling pass. */
export function guideThenModel(program: CompiledProgram, batch: Minibatch, run: BatchRun): GuideAndModel {
  const handlers = onMinibatch(batch, run);
  const guide = traceGuideSummed(program, batch.data, handlers);
  return { guide, model: traceModel(program, batch.data, handlers, guide) };
}
