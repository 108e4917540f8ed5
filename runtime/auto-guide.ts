// Automatic mean-field guides (`w ~ auto` in the guide block), like Pyro's AutoNormal and
// WebPPL's default guides: a learned distribution of the latent's support, one independent
// factor per element, with its own variational parameters.
import type { Support } from './support.js';
import type { Constraint } from './constraints.js';

export interface AutoGuideParam {
  /** The distribution's parameter it feeds. */
  arg: string;
  constraint: Constraint;
  init: number;
}

export interface AutoGuide {
  distribution: string;
  params: readonly AutoGuideParam[];
}

/**
 * The guide family for a support, or undefined when there is none. Reals get a Normal, positive
 * values a LogNormal, the unit interval a Beta (pathwise through implicit reparameterization),
 * binary values a Bernoulli, a simplex a Dirichlet. Scales start small (0.1), as in Pyro.
 */
export function autoGuideFor(s: Support): AutoGuide | undefined {
  switch (s.kind) {
    case 'real':
      return { distribution: 'Normal', params: [{ arg: 'loc', constraint: 'real', init: 0 }, { arg: 'scale', constraint: 'positive', init: 0.1 }] };
    case 'positive':
      return { distribution: 'LogNormal', params: [{ arg: 'loc', constraint: 'real', init: 0 }, { arg: 'scale', constraint: 'positive', init: 0.1 }] };
    case 'unit':
      return {
        distribution: 'Beta',
        params: [
          { arg: 'concentration1', constraint: 'positive', init: 10 },
          { arg: 'concentration0', constraint: 'positive', init: 10 },
        ],
      };
    case 'binary':
      return { distribution: 'Bernoulli', params: [{ arg: 'logits', constraint: 'real', init: 0 }] };
    case 'simplex':
      return { distribution: 'Dirichlet', params: [{ arg: 'concentration', constraint: 'positive', init: 10 }] };
    default:
      return undefined;
  }
}

export function autoParamName(latent: string, arg: string): string {
  return `auto.${latent}.${arg}`;
}
