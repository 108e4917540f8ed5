// The compiler: a lowered program becomes a runnable one, its learnables in a parameter store
// and its blocks as closures that send messages through a stack of effect handlers.
import type { CheckedProgram } from '../checked.js';
import { lowerProgram } from '../lower/lower.js';
import type { LoweredParam, LoweredProgram } from '../lower/program.js';
import { ParamStore } from '../../runtime/params.js';
import type { NetModule } from '../../runtime/nets.js';
import { buildNet } from './net-builders.js';
import { Rng } from '../../runtime/random.js';
import { shapeSize } from '../../runtime/data/dataset.js';
import { tf, type Tensor } from '../../runtime/tf.js';
import { enumerationTable, supportValues } from '../../runtime/enumeration.js';
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

/** Latents summed out (@enumerate): each one's joint-value table and its stride in the joint index. */
interface EnumeratedLatent {
  name: string;
  shape: readonly number[];
  table: Float32Array;
  count: number;
  stride: number;
}

export class CompiledProgram {
  readonly params = new ParamStore();
  readonly nets = new Map<string, NetModule>();
  private readonly guideSteps: Step[];
  private readonly modelSteps: Step[];
  private readonly enumerated: EnumeratedLatent[] = [];
  /** The number of joint values of the enumerated latents (1 when none is). */
  readonly enumerationSize: number;
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
    let stride = 1;
    for (const l of lowered.latents) {
      if (!l.enumerated || l.chain) continue;
      const values = supportValues(l.support);
      if (!values) throw new Error(`internal: ${l.name} is enumerated but its support is not finite`);
      const count = values.length ** l.shape.reduce((a, b) => a * b, 1);
      this.enumerated.push({ name: l.name, shape: l.shape, table: enumerationTable(values, l.shape), count, stride });
      stride *= count;
    }
    this.enumerationSize = stride;
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

  /**
   * Each enumerated latent's value for every joint value of them all, [size, 1, ...shape]:
   * joint value k gives latent j its own value index floor(k / stride_j) mod count_j. New tensors.
   */
  enumerationValues(): EnumeratedValues[] {
    const e = this.enumerationSize;
    return this.enumerated.map((site) => {
      const size = site.table.length / site.count;
      const rows = new Float32Array(e * size);
      for (let k = 0; k < e; k++) {
        const own = Math.floor(k / site.stride) % site.count;
        rows.set(site.table.subarray(own * size, own * size + size), k * size);
      }
      return { name: site.name, values: tf.tensor(rows, [e, 1, ...site.shape], 'float32') };
    });
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
