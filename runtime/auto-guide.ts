// Automatic mean-field guides (`w ~ auto`, or a latent the guide block does not mention), like
// Pyro's AutoNormal and WebPPL's default guides: a learned distribution of the latent's support,
// one independent factor per element. A global latent's factors have their own variational
// parameters; a local latent's come from a generated net reading the data point (an amortized
// guide, so that held-out points get a posterior without refitting).
import type { Support } from './support.js';
import type { Constraint } from './constraints.js';

export interface AutoGuideParam {
  /** The distribution's parameter it feeds. */
  arg: string;
  constraint: Constraint;
  /** Initial value (constrained) of a global latent's parameter. */
  init: number;
  /**
   * Start a global latent's parameter at a uniform draw from (-2, 2) around its init, in
   * unconstrained space (NumPyro's init_to_uniform): locations only, so that symmetric models
   * (mixture means) do not start at a saddle where every component is the same.
   */
  jitter: boolean;
  /** Size of a trailing class axis (Categorical logits), beyond the latent's shape. */
  classes?: number;
}

export interface AutoGuide {
  distribution: string;
  params: readonly AutoGuideParam[];
  /** Arguments fixed by the support, not learned: an interval's bounds, int(lo, hi)'s lo. */
  constants?: readonly { arg: string; value: number }[];
}

/** The half-width of the uniform jitter of auto-guide locations, in unconstrained space. */
export const AUTO_INIT_RADIUS = 2;

/** Hidden units of the generated net of a local latent's automatic guide (data -> hidden -> heads, relu). */
export const AUTO_GUIDE_HIDDEN = 200;

/**
 * The guide family for a support, or undefined when there is none. Reals get a Normal, positive
 * values a LogNormal, the unit interval a Beta (pathwise through implicit reparameterization),
 * interval(lo, hi) a Normal squashed into it (LogitNormal, as Pyro's AutoNormal transforms a
 * Normal by biject_to(support)), binary values a Bernoulli, int(lo, hi) a Categorical over its
 * hi - lo + 1 values, counts a Poisson (score function), a simplex a Dirichlet, a correlation
 * Cholesky factor a Normal pushed through Stan's transform (CorrCholeskyNormal, starting at the identity). Scales start
 * small (0.1), as in Pyro.
 */
export function autoGuideFor(s: Support): AutoGuide | undefined {
  switch (s.kind) {
    case 'real':
      return { distribution: 'Normal', params: [{ arg: 'loc', constraint: 'real', init: 0, jitter: true }, { arg: 'scale', constraint: 'positive', init: 0.1, jitter: false }] };
    case 'positive':
      return { distribution: 'LogNormal', params: [{ arg: 'loc', constraint: 'real', init: 0, jitter: true }, { arg: 'scale', constraint: 'positive', init: 0.1, jitter: false }] };
    case 'unit':
      return {
        distribution: 'Beta',
        params: [
          { arg: 'concentration1', constraint: 'positive', init: 10, jitter: false },
          { arg: 'concentration0', constraint: 'positive', init: 10, jitter: false },
        ],
      };
    case 'interval':
      return {
        distribution: 'LogitNormal',
        params: [{ arg: 'loc', constraint: 'real', init: 0, jitter: true }, { arg: 'scale', constraint: 'positive', init: 0.1, jitter: false }],
        constants: [
          { arg: 'low', value: s.low },
          { arg: 'high', value: s.high },
        ],
      };
    case 'binary':
      return { distribution: 'Bernoulli', params: [{ arg: 'logits', constraint: 'real', init: 0, jitter: false }] };
    case 'int':
      return {
        distribution: 'Categorical',
        params: [{ arg: 'logits', constraint: 'real', init: 0, jitter: false, classes: s.high - s.low + 1 }],
        ...(s.low !== 0 ? { constants: [{ arg: 'low', value: s.low }] } : {}),
      };
    case 'count':
      return { distribution: 'Poisson', params: [{ arg: 'rate', constraint: 'positive', init: 1, jitter: false }] };
    case 'corr_cholesky':
      return { distribution: 'CorrCholeskyNormal', params: [{ arg: 'loc', constraint: 'real', init: 0, jitter: false }, { arg: 'scale', constraint: 'positive', init: 0.1, jitter: false }] };
    case 'simplex':
      return { distribution: 'Dirichlet', params: [{ arg: 'concentration', constraint: 'positive', init: 10, jitter: false }] };
    default:
      return undefined;
  }
}

/** The shape of an auto-guide parameter for a latent of event shape `shape`. */
export function autoParamShape(p: AutoGuideParam, shape: readonly number[]): number[] {
  return p.classes === undefined ? [...shape] : [...shape, p.classes];
}

export function autoParamName(latent: string, arg: string): string {
  return `auto.${latent}.${arg}`;
}

/** The name of the generated net of a local latent's automatic guide. */
export function autoNetName(latent: string): string {
  return `auto.${latent}`;
}
