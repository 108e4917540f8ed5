// Running a trained program with some latents held at given values: the guide's draws of the
// local latents, the guide's means of the global latents, a grid of codes. Everything here runs
// in the caller's tidy scope, except globalGuideMeans, which returns plain arrays.
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram, RunContext } from '../lang/compiler/index.js';
import type { Distribution } from '../runtime/distributions/index.js';
import type { DistSpec } from '../runtime/distributions/spec.js';
import { REAL } from '../runtime/support.js';
import { Trace } from '../runtime/trace.js';
import type { Rng } from '../runtime/random.js';

/** A value of one latent or data point, without particle or batch axes. */
export interface FixedValue {
  shape: number[];
  values: Float32Array;
}

/** Global latents' values by name. */
export type GlobalValues = ReadonlyMap<string, FixedValue>;

export const NO_GLOBALS: GlobalValues = new Map();

const POINT_MASS_SPEC: DistSpec = {
  name: 'PointMass',
  params: [],
  parameterizations: [[]],
  support: REAL,
  reparameterizable: false,
  eventRank: 0,
  doc: 'a value held fixed (replay only)',
  example: '',
};

/** The distribution of a replayed value: all its mass on that value. */
class PointMass implements Distribution {
  readonly spec = POINT_MASS_SPEC;
  readonly args: Readonly<Record<string, Tensor>>;

  constructor(readonly value: Tensor) {
    this.args = { value };
  }

  sample(shape: readonly number[]): Tensor {
    return tf.broadcastTo(this.value, [...shape]);
  }

  logProb(value: Tensor): Tensor {
    return tf.zerosLike(value);
  }

  mean(): Tensor {
    return this.value;
  }
}

/** A trace that only carries values for runModel to replay. */
export function replayTrace(values: ReadonlyMap<string, Tensor>, plates: (name: string) => 'local' | 'global'): Trace {
  const trace = new Trace('guide');
  for (const [name, value] of values) {
    trace.add({
      name,
      block: 'guide',
      kind: 'latent',
      plate: plates(name),
      dist: new PointMass(value),
      value,
      get logProb(): Tensor {
        return tf.zeros(value.shape.slice(0, 2));
      },
      estimator: 'score',
      scale: 1,
    });
  }
  return trace;
}

function plateOf(program: CompiledProgram): (name: string) => 'local' | 'global' {
  return (name) => program.checked.latents.find((l) => l.name === name)?.plate ?? 'local';
}

/** `data` completed with zeros [1, rows, ...shape] for every data declaration it lacks. */
export function withPlaceholders(program: CompiledProgram, rows: number, data: ReadonlyMap<string, Tensor> = new Map()): Map<string, Tensor> {
  const out = new Map(data);
  for (const d of program.checked.data) if (!out.has(d.name)) out.set(d.name, tf.zeros([1, rows, ...d.shape]));
  return out;
}

export function hasGlobals(program: CompiledProgram): boolean {
  return program.checked.latents.some((l) => l.plate === 'global');
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
    const ctx: RunContext = { particles, batchSize: 1, localScale: 1, data: withPlaceholders(program, 1), rng };
    const guide = program.runGuide(ctx);
    for (const site of guide.latents()) {
      if (site.plate !== 'global') continue;
      const mean = tf.mean(tf.broadcastTo(site.dist.mean(), site.value.shape), [0, 1]);
      out.set(site.name, { shape: mean.shape, values: new Float32Array(mean.dataSync()) });
    }
  });
  return out;
}

function globalTensors(globals: GlobalValues): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, g] of globals) out.set(name, tf.tensor(g.values, [1, 1, ...g.shape], 'float32'));
  return out;
}

export interface ConditionedRun {
  guide: Trace;
  model: Trace;
}

/**
 * The guide on `ctx`, then the model scored at the guide's draws of the local latents with every
 * global latent held at `globals` (its guide mean). With no globals this is exactly the SVI
 * pair runGuide / runModel(ctx, guide).
 */
export function runConditioned(program: CompiledProgram, ctx: RunContext, globals: GlobalValues): ConditionedRun {
  const guide = program.runGuide(ctx);
  if (globals.size === 0) return { guide, model: program.runModel(ctx, guide) };
  const values = globalTensors(globals);
  for (const site of guide.latents()) if (site.plate === 'local') values.set(site.name, site.value);
  return { guide, model: program.runModel(ctx, replayTrace(values, plateOf(program))) };
}

export type OtherLatents = 'sample' | 'prior-mean';

/**
 * The model with the local latents in `fixed` ([P or 1, M, ...shape]) replayed, the globals at
 * `globals`, and every other local latent drawn from its prior ('sample') or set to its prior
 * mean given the latents before it ('prior-mean'). Data absent from ctx.data are drawn from the
 * likelihood; their sites' distributions give the likelihood means.
 */
export function runModelWith(
  program: CompiledProgram,
  ctx: RunContext,
  fixed: ReadonlyMap<string, Tensor>,
  globals: GlobalValues,
  others: OtherLatents,
): Trace {
  const values = globalTensors(globals);
  for (const [k, v] of fixed) values.set(k, v);
  const plates = plateOf(program);
  for (;;) {
    const trace = program.runModel(ctx, replayTrace(values, plates));
    if (others === 'sample') return trace;
    const next = trace.latents().find((s) => s.plate === 'local' && !values.has(s.name));
    if (!next) return trace;
    values.set(next.name, tf.broadcastTo(next.dist.mean(), next.value.shape));
  }
}
