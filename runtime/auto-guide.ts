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

/**
 * The stored log-concentration of a global latent's automatic Beta, Gamma or Dirichlet guide is
 * log(concentration) / AUTO_CONCENTRATION_SCALE: Adam moves each stored value by about the
 * learning rate per step, so the log-concentration moves this many times faster than the
 * location. A sharp posterior's concentration is far (log 2 to log 65 for Beta(15, 50)) and its
 * gradient noisy, while the mean is near and well determined; one step size for both leaves the
 * concentration thousands of steps behind (docs/language.md, "Automatic guides", has the
 * measurements).
 */
export const AUTO_CONCENTRATION_SCALE = 10;

/**
 * A global latent's automatic guide in mean-concentration form: Beta(sigmoid(m) e^(s k),
 * sigmoid(-m) e^(s k)) on the unit interval, Dirichlet(softmax(m) e^(s k)) on the simplex (m per
 * class, k per point), Gamma(e^(s k), e^(s k - m)) for a positive latent whose prior is a Gamma (m is the logit or the log of the mean, k the scaled log-concentration
 * or shape, s = AUTO_CONCENTRATION_SCALE). Both start at the prior's mean and concentration when
 * the prior's arguments are constants (Beta(1, 1) and Gamma(1, 1) otherwise).
 */
export interface ConcentrationGuide {
  distribution: 'Beta' | 'Gamma' | 'Dirichlet';
  /** The guide's mean and concentration (Beta: a + b; Gamma: its shape) at the start. */
  init: { mean: number; concentration: number };
}

/**
 * The mean-concentration guide of a global latent, or undefined when its guide is the plain
 * family of its support: unit latents get a Beta, positive latents with a Gamma prior a Gamma.
 * `priorArgs` are the prior's constant arguments by parameter name (absent when not constant).
 */
export function concentrationGuideFor(s: Support, prior: string, priorArgs?: ReadonlyMap<string, number>): ConcentrationGuide | undefined {
  const a = (name: string): number | undefined => priorArgs?.get(name);
  if (s.kind === 'unit') {
    const c1 = a('concentration1');
    const c0 = a('concentration0');
    const init = prior === 'Beta' && c1 !== undefined && c0 !== undefined ? { mean: c1 / (c1 + c0), concentration: c1 + c0 } : { mean: 0.5, concentration: 2 };
    return { distribution: 'Beta', init };
  }
  if (s.kind === 'simplex') {
    // the mean is uniform and the concentration K (Dirichlet(1, ..., 1)) unless the prior's
    // concentration is one constant (a vector's entries are not folded here)
    const c = prior === 'Dirichlet' ? a('concentration') : undefined;
    return { distribution: 'Dirichlet', init: { mean: Number.NaN, concentration: c ?? Number.NaN } };
  }
  if (s.kind === 'positive' && prior === 'Gamma') {
    const shape = a('concentration');
    const rate = a('rate');
    const init = shape !== undefined && rate !== undefined ? { mean: shape / rate, concentration: shape } : { mean: 1, concentration: 1 };
    return { distribution: 'Gamma', init };
  }
  return undefined;
}

export function autoMeanName(latent: string): string {
  return `auto.${latent}.mean`;
}

export function autoConcentrationName(latent: string): string {
  return `auto.${latent}.concentration`;
}
