// The compiler: a checked program becomes a runnable one, its learnables in a parameter store
// and its blocks as closures over tfjs ops.
import type { CheckedProgram, SiteInfo } from '../checked.js';
import { ParamStore } from '../../runtime/params.js';
import { constraintOfSupport } from '../../runtime/constraints.js';
import { createAutoGuides } from './auto-guides.js';
import { Mlp } from '../../runtime/nets.js';
import type { Activation } from '../../runtime/dense.js';
import { Rng } from '../../runtime/random.js';
import { tf, type Tensor } from '../../runtime/tf.js';
import { enumerationTable, supportValues } from '../../runtime/enumeration.js';
import type { EstimatorKind, Trace } from '../../runtime/trace.js';
import { ExpressionCompiler, type Env, type RtValue } from './expressions.js';
import { compileBlock, runSteps, type RunContext } from './block.js';

export type { RunContext } from './block.js';

export type EstimatorMode = 'auto' | 'reparam' | 'score';

export interface CompileOptions {
  /** Seed of the initial values of nets (params start at their declared init). */
  seed: string;
  /** How guide sites' gradients are estimated: 'auto' is pathwise where the distribution allows. */
  estimator?: EstimatorMode;
}

const ACTIVATIONS: ReadonlySet<string> = new Set(['relu', 'tanh', 'sigmoid', 'softplus', 'linear']);

/** The estimator of a guide site: its @score / @reparam pin, else the mode's choice. */
export function siteEstimator(site: SiteInfo, mode: EstimatorMode): EstimatorKind {
  const pinned = site.stmt.annotations.find((a) => a.name.name === 'score' || a.name.name === 'reparam');
  if (pinned) return pinned.name.name === 'score' ? 'score' : 'reparam';
  if (mode === 'score' || !site.dist.reparameterizable) return 'score';
  return 'reparam';
}

export class CompiledProgram {
  readonly params = new ParamStore();
  readonly nets = new Map<string, Mlp>();
  private readonly guideSteps;
  private readonly modelSteps;
  private mode: EstimatorMode = 'auto';
  /** Latents summed out (@enumerate): each one's joint-value table and its stride. */
  private readonly enumerated: { name: string; shape: readonly number[]; table: Float32Array; count: number; stride: number }[] = [];
  private readonly enumerationSize: number;
  private readonly guideEstimators = new Map<string, EstimatorKind>();

  constructor(
    readonly checked: CheckedProgram,
    readonly options: CompileOptions,
  ) {
    const initRng = new Rng(`${options.seed}/init`);
    createAutoGuides(checked, this.params, this.nets, initRng.derive('auto'));
    for (const p of checked.params) this.params.create(p.name, p.shape, p.init, constraintOfSupport(p.constraint));
    for (const n of checked.nets) {
      if (!ACTIVATIONS.has(n.activation)) throw new Error(`internal: unknown activation '${n.activation}'`);
      const mlp = new Mlp(
        {
          name: n.name,
          layers: n.layers,
          activation: n.activation as Activation,
          heads: n.heads?.map((h) => ({ name: h.name, size: h.size, constraint: constraintOfSupport(h.constraint) })),
        },
        this.params,
        initRng.derive(n.name),
      );
      this.nets.set(n.name, mlp);
    }
    let stride = 1;
    for (const l of checked.latents) {
      if (!l.enumerated) continue;
      const values = supportValues(l.support);
      if (!values) throw new Error(`internal: ${l.name} is enumerated but its support is not finite`);
      const count = values.length ** l.shape.reduce((a, b) => a * b, 1);
      this.enumerated.push({ name: l.name, shape: l.shape, table: enumerationTable(values, l.shape), count, stride });
      stride *= count;
    }
    this.enumerationSize = stride;
    const exprs = new ExpressionCompiler(checked);
    this.setEstimatorMode(options.estimator ?? 'auto');
    // A model site on a latent inherits its guide site's estimator; data sites are never sampled
    // during training, so theirs does not matter.
    const estimatorOf = (s: SiteInfo): EstimatorKind => this.guideEstimators.get(s.target) ?? siteEstimator(s, this.mode);
    this.guideSteps = compileBlock(checked, exprs, 'guide', checked.guide, estimatorOf);
    this.modelSteps = compileBlock(checked, exprs, 'model', checked.model, estimatorOf);
  }

  /** Choose how guide sites' gradients are estimated from now on (pins still win). */
  setEstimatorMode(mode: EstimatorMode): void {
    this.mode = mode;
    for (const s of this.checked.sites) if (s.block === 'guide') this.guideEstimators.set(s.target, siteEstimator(s, mode));
  }

  get estimatorMode(): EstimatorMode {
    return this.mode;
  }

  /** The estimator each guide site uses under the current mode. */
  estimators(): ReadonlyMap<string, EstimatorKind> {
    return this.guideEstimators;
  }

  private env(ctx: RunContext): Env {
    const values = new Map<string, RtValue>();
    for (const [k, v] of ctx.data) values.set(k, v);
    return { values, params: this.params, nets: this.nets };
  }

  /** Draw every latent from the guide, given the data in `ctx`. */
  runGuide(ctx: RunContext): Trace {
    return runSteps(this.guideSteps, 'guide', this.env(ctx), ctx, undefined);
  }

  /**
   * Score the model at the guide's latents (`replay`) and the data. Latents missing from
   * `replay` are drawn from their priors, data missing from `ctx.data` from the likelihood:
   * with no replay and no observed data this is ancestral sampling.
   */
  runModel(ctx: RunContext, replay?: Trace): Trace {
    if (this.enumerationSize === 1) return runSteps(this.modelSteps, 'model', this.env(ctx), ctx, replay);
    const e = this.enumerationSize;
    const values = new Map<string, Tensor>();
    for (const site of this.enumerated) {
      const size = site.table.length / site.count;
      // joint value k of all enumerated latents -> this latent's own value index
      const rows = new Float32Array(e * size);
      for (let k = 0; k < e; k++) {
        const own = Math.floor(k / site.stride) % site.count;
        rows.set(site.table.subarray(own * size, own * size + size), k * size);
      }
      const perValue = tf.tensor(rows, [e, 1, ...site.shape], 'float32');
      values.set(site.name, tf.tile(perValue, [ctx.particles, 1, ...site.shape.map(() => 1)]));
    }
    const enumCtx: RunContext = { ...ctx, particles: ctx.particles * e, enumeration: { size: e, values } };
    const trace = runSteps(this.modelSteps, 'model', this.env(enumCtx), enumCtx, replay);
    trace.enumeration = e;
    return trace;
  }

  /** Data names the program reads (observed or used as inputs). */
  dataNames(): string[] {
    return this.checked.data.map((d) => d.name);
  }

  dispose(): void {
    this.params.dispose();
  }
}

export function compileProgram(checked: CheckedProgram, options: CompileOptions): CompiledProgram {
  return new CompiledProgram(checked, options);
}

