// Running a trained program with some latents held at given values: the guide's draws of the
// local latents, the guide's means of the global latents, a grid of codes. Everything here runs
// in the caller's tidy scope, except globalGuideMeans, which returns plain arrays.
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { Trace } from '../runtime/trace.js';
import type { Rng } from '../runtime/random.js';
import type { Handler } from '../runtime/effects/messages.js';
import { block, plate, seed, substitute } from '../runtime/effects/handlers.js';
import { traceGuide, traceGuideSummed, traceModel } from '../inference/run.js';

/** A value of one latent or data point, without particle or batch axes. */
export interface FixedValue {
  shape: number[];
  values: Float32Array;
}

/** Global latents' values by name. */
export type GlobalValues = ReadonlyMap<string, FixedValue>;

export const NO_GLOBALS: GlobalValues = new Map();

/** `data` completed with zeros [1, rows, ...shape] for every data declaration it lacks. */
export function withPlaceholders(program: CompiledProgram, rows: number, data: ReadonlyMap<string, Tensor> = new Map()): Map<string, Tensor> {
  const out = new Map(data);
  for (const d of program.lowered.data) if (!out.has(d.name)) out.set(d.name, tf.zeros([1, rows, ...d.shape]));
  return out;
}

export function hasGlobals(program: CompiledProgram): boolean {
  return program.lowered.latents.some((l) => l.plate === 'global');
}

/**
 * The guide's mean of every global latent. A global's guide depends only on globals, params
 * and nets (the checker enforces it), so the guide is run on placeholder data; a global whose
 * guide depends on another global's draw is averaged over `particles` draws.
 */
export function globalGuideMeans(program: CompiledProgram, rng: Rng, particles = 256): GlobalValues {
  if (!hasGlobals(program)) return NO_GLOBALS;
  const out = new Map<string, FixedValue>();
  tf.tidy(() => {
    const guide = traceGuide(program, withPlaceholders(program, 1), [onlyGlobals(), seed(rng), plate(particles, 1)]);
    for (const site of guide.latents()) {
      const mean = tf.mean(tf.broadcastTo(site.dist.mean(), site.value.shape), [0, 1]);
      out.set(site.name, { shape: mean.shape, values: new Float32Array(mean.dataSync()) });
    }
  });
  return out;
}

/** Local sites hidden from the trace: a run on placeholder data says nothing about them. */
export function onlyGlobals(): Handler {
  return block((msg) => msg.type === 'sample' && msg.plate === 'local');
}

function globalTensors(globals: GlobalValues): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, g] of globals) out.set(name, tf.tensor(g.values, [1, 1, ...g.shape], 'float32'));
  return out;
}

/** Every global latent held at its value in `globals`. */
export function fixGlobals(globals: GlobalValues): Handler {
  return substitute(globalTensors(globals));
}

export interface ConditionedRun {
  guide: Trace;
  model: Trace;
}

/**
 * The guide under `handlers`, then the model scored at the guide's draws of the local latents
 * with every global latent held at `globals` (its guide mean). With no globals this is exactly
 * the SVI pair.
 */
export function runConditioned(program: CompiledProgram, inputs: ReadonlyMap<string, Tensor>, handlers: readonly Handler[], globals: GlobalValues): ConditionedRun {
  const guide = traceGuideSummed(program, inputs, handlers);
  if (globals.size === 0) return { guide, model: traceModel(program, inputs, handlers, guide) };
  const locals = guide.filter((s) => s.plate === 'local');
  const model = traceModel(program, inputs, [fixGlobals(globals), ...handlers], locals);
  return { guide, model };
}

export type OtherLatents = 'sample' | 'prior-mean';

/**
 * Every local latent not otherwise given at its prior's mean given the latents before it: one
 * model run, since each site's prior is built from the values already set.
 */
export function priorMeans(): Handler {
  return substitute((msg) => {
    if (msg.type !== 'sample' || msg.kind !== 'latent' || msg.plate !== 'local' || !msg.batchShape) return undefined;
    return tf.broadcastTo(msg.fn.mean(), [...msg.batchShape, ...msg.eventShape]);
  });
}

/**
 * The model with the local latents in `fixed` ([P or 1, M, ...shape]) and the globals at
 * `globals` held, and every other local latent drawn from its prior ('sample') or set to its
 * prior mean given the latents before it ('prior-mean'). Data absent from `inputs` are drawn from
 * the likelihood; their sites' distributions give the likelihood means.
 */
export function runModelWith(
  program: CompiledProgram,
  inputs: ReadonlyMap<string, Tensor>,
  handlers: readonly Handler[],
  fixed: ReadonlyMap<string, Tensor>,
  globals: GlobalValues,
  others: OtherLatents,
  /** Sum Markov chains out (scoring data) rather than draw them step by step (generating data). */
  sumChains = true,
): Trace {
  const given = [fixGlobals(globals), substitute(fixed)];
  return traceModel(program, inputs, others === 'prior-mean' ? [priorMeans(), ...given, ...handlers] : [...given, ...handlers], undefined, { sumChains });
}
