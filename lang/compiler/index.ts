// The compiler: a checked program becomes a runnable one, its learnables in a parameter store
// and its blocks as closures over tfjs ops.
import type { CheckedProgram, SiteInfo } from '../checked.js';
import { ParamStore, type Constraint } from '../../runtime/params.js';
import { Mlp } from '../../runtime/nets.js';
import type { Activation } from '../../runtime/dense.js';
import { Rng } from '../../runtime/random.js';
import type { Support } from '../../runtime/support.js';
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

function constraintOf(s: Support): Constraint {
  if (s.kind === 'real' || s.kind === 'positive' || s.kind === 'unit') return s.kind;
  throw new Error(`internal: '${s.kind}' is not a parameter constraint`);
}

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
  private readonly guideEstimators = new Map<string, EstimatorKind>();

  constructor(
    readonly checked: CheckedProgram,
    readonly options: CompileOptions,
  ) {
    const initRng = new Rng(`${options.seed}/init`);
    for (const p of checked.params) this.params.create(p.name, p.shape, p.init, constraintOf(p.constraint));
    for (const n of checked.nets) {
      if (!ACTIVATIONS.has(n.activation)) throw new Error(`internal: unknown activation '${n.activation}'`);
      const mlp = new Mlp(
        {
          name: n.name,
          layers: n.layers,
          activation: n.activation as Activation,
          heads: n.heads?.map((h) => ({ name: h.name, size: h.size, constraint: constraintOf(h.constraint) })),
        },
        this.params,
        initRng.derive(n.name),
      );
      this.nets.set(n.name, mlp);
    }
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
    return runSteps(this.modelSteps, 'model', this.env(ctx), ctx, replay);
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

