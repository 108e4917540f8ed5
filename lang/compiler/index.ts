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

export function siteEstimator(site: SiteInfo, mode: EstimatorMode): EstimatorKind {
  if (mode === 'score' || !site.dist.reparameterizable) return 'score';
  return 'reparam';
}

export class CompiledProgram {
  readonly params = new ParamStore();
  readonly nets = new Map<string, Mlp>();
  private readonly guideSteps;
  private readonly modelSteps;

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
    const mode = options.estimator ?? 'auto';
    const guideEstimators = new Map<string, EstimatorKind>();
    for (const s of checked.sites) if (s.block === 'guide') guideEstimators.set(s.target, siteEstimator(s, mode));
    // A model site on a latent inherits its guide site's estimator; data sites are never sampled
    // during training, so theirs does not matter.
    const estimatorOf = (s: SiteInfo): EstimatorKind => guideEstimators.get(s.target) ?? siteEstimator(s, mode);
    this.guideSteps = compileBlock(checked, exprs, 'guide', checked.guide, estimatorOf);
    this.modelSteps = compileBlock(checked, exprs, 'model', checked.model, estimatorOf);
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

