// The compiler: a lowered program becomes a runnable one, its learnables in a parameter store
// and its blocks as closures that send messages through a stack of effect handlers.
import type { CheckedProgram } from '../checked.js';
import { lowerProgram } from '../lower/lower.js';
import { sitesOf, type LoweredParam, type LoweredProgram } from '../lower/program.js';
import { ParamStore } from '../../runtime/params.js';
import type { NetModule } from '../../runtime/nets.js';
import { buildNet } from './net-builders.js';
import { Rng } from '../../runtime/random.js';
import { shapeSize } from '../../runtime/data/dataset.js';
import type { Tensor } from '../../runtime/tf.js';
import { EnumerationTables } from './enumeration-tables.js';
import type { EstimatorKind, EstimatorMode, Stack } from '../../runtime/effects/messages.js';
import type { EnumeratedValues } from '../../runtime/effects/handlers.js';
import type { Env, RtValue } from './expressions.js';
import { compileBlock, runSteps, type Step } from './block.js';

export type { EstimatorMode } from '../../runtime/effects/messages.js';

export interface CompileOptions {
  /** Seed of the initial values of nets and jittered parameters (params start at their declared init). */
  seed: string;
}

function initialValues(p: LoweredParam, rng: Rng | undefined): Float32Array | number {
  const { init, jitter, shape } = p;
  const size = shapeSize(shape);
  if (p.initValues) return broadcastValues(p.initValues.values, p.initValues.shape, shape);
  if (p.initRandom && rng) {
    const { dist, a, b } = p.initRandom;
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      // strictly inside (a, b): a bound may sit on the edge of an open constraint
      const u = (rng.uniform() * (2 ** 32 - 1) + 0.5) / 2 ** 32;
      out[i] = dist === 'uniform' ? a + (b - a) * u : a + b * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform());
    }
    return out;
  }
  if (jitter === undefined || !rng) return init;
  const out = new Float32Array(size);
  for (let i = 0; i < out.length; i++) out[i] = init + (2 * rng.uniform() - 1) * jitter;
  return out;
}

/** Row-major `values` of shape `from` broadcast (numpy rules) to `to`. */
function broadcastValues(values: readonly number[], from: readonly number[], to: readonly number[]): Float32Array {
  const out = new Float32Array(shapeSize(to));
  const pad = to.length - from.length;
  const strides = from.map((_, i) => shapeSize(from.slice(i + 1)));
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let src = 0;
    for (let axis = to.length - 1; axis >= 0; axis--) {
      const coord = rest % to[axis]!;
      rest = Math.floor(rest / to[axis]!);
      const f = axis - pad;
      if (f >= 0 && from[f]! > 1) src += coord * strides[f]!;
    }
    out[i] = values[src]!;
  }
  return out;
}

export class CompiledProgram {
  readonly params = new ParamStore();
  readonly nets = new Map<string, NetModule>();
  private readonly guideSteps: Step[];
  private readonly modelSteps: Step[];
  /** Latents summed out in the model (@enumerate), outside Markov chains. */
  private readonly modelEnumeration: EnumerationTables;
  /** Discrete sites the guide sums over (@enumerate in the guide), each value weighted by its probability. */
  private readonly guideEnumeration: EnumerationTables;
  /** Some latent is a Markov chain summed out by the forward algorithm. */
  readonly hasChains: boolean;

  constructor(
    readonly lowered: LoweredProgram,
    readonly options: CompileOptions,
  ) {
    const initRng = new Rng(`${options.seed}/init`);
    for (const p of lowered.params) {
      const rng = p.initStream ? new Rng(`${initRng.seed}/${p.initStream}`) : undefined;
      this.params.create(p.name, p.shape, initialValues(p, rng), p.constraint);
    }
    for (const n of lowered.nets) {
      this.nets.set(n.name, buildNet(n.family, n.name, n.spec, n.heads, this.params, new Rng(`${initRng.seed}/${n.initStream}`)));
    }
    this.modelEnumeration = new EnumerationTables([...lowered.latents.filter((l) => l.enumerated && !l.chain), ...lowered.data.filter((d) => d.enumerated)]);
    const supportOf = (name: string) => (lowered.latents.find((l) => l.name === name) ?? lowered.data.find((d) => d.name === name))!;
    this.guideEnumeration = new EnumerationTables(
      sitesOf(lowered, 'guide')
        .filter((s) => s.enumerated)
        .map((s) => ({ name: s.name, support: supportOf(s.name).support, shape: s.shape })),
    );
    this.hasChains = lowered.latents.some((l) => l.chain);
    this.guideSteps = compileBlock(lowered.guide);
    this.modelSteps = compileBlock(lowered.model);
  }

  /** The estimator of each guide site under the mode the program was lowered with. */
  estimators(): ReadonlyMap<string, EstimatorKind> {
    return new Map(this.lowered.guide.flatMap((s) => (s.kind === 'sample' && s.target === 'latent' ? [[s.name, s.estimator] as const] : [])));
  }

  private env(stack: Stack, inputs: ReadonlyMap<string, Tensor>): Env {
    return { values: new Map<string, RtValue>(inputs), params: this.params, nets: this.nets, stack, loops: new Map(), elements: new Map() };
  }

  /** Run the guide block under `stack`, reading the data in `inputs` ([1, M, ...shape] by name). */
  guide(stack: Stack, inputs: ReadonlyMap<string, Tensor>): void {
    runSteps(this.guideSteps, this.env(stack, inputs));
  }

  /** Run the model block under `stack`, reading the data in `inputs`; data it lacks are sampled unless a handler gives them. */
  model(stack: Stack, inputs: ReadonlyMap<string, Tensor>): void {
    runSteps(this.modelSteps, this.env(stack, inputs));
  }

  /** The number of joint values of the latents summed out in the model (1 when none is). */
  get enumerationSize(): number {
    return this.modelEnumeration.size;
  }

  /** Each model-enumerated latent's value for every joint value of them all, [size, 1, ...shape]. New tensors. */
  enumerationValues(): EnumeratedValues[] {
    return this.modelEnumeration.values();
  }

  /** The number of joint values of the sites the guide sums over (1 when none is). */
  get guideEnumerationSize(): number {
    return this.guideEnumeration.size;
  }

  /** Each guide-enumerated site's value for every joint value of them all, [size, 1, ...shape]. New tensors. */
  guideEnumerationValues(): EnumeratedValues[] {
    return this.guideEnumeration.values();
  }

  dispose(): void {
    this.params.dispose();
  }
}

export interface ProgramOptions extends CompileOptions {
  /** How unpinned guide sites' gradients are estimated; 'auto' is pathwise where possible. */
  estimator?: EstimatorMode;
}

/** Lower and compile a checked program. */
export function compileProgram(checked: CheckedProgram, options: ProgramOptions): CompiledProgram {
  return new CompiledProgram(lowerProgram(checked, { estimator: options.estimator }), { seed: options.seed });
}
