// A term added to the model's log-density, sent as an observed site whose value is the term
// (NumPyro's `factor`): `factor(e)` statements and the log-likelihood of a summed-out Markov chain.
import type { Tensor } from '../../runtime/tf.js';
import { FactorTerm } from '../../runtime/distributions/factor.js';
import { send, type Plate, type Stack } from '../../runtime/effects/messages.js';

export interface FactorSite {
  name: string;
  plate: Plate;
  /** @scale(c): the term counts c times in the objective. */
  weight?: number;
  /** Latents were summed out inside the term (a Markov chain's factor). */
  summedOut?: boolean;
}

/** Send `term` ([P, B]) as a factor site through `stack`. */
export function sendFactor(stack: Stack, site: FactorSite, term: Tensor): void {
  send(stack, {
    type: 'sample',
    name: site.name,
    block: 'model',
    kind: 'data',
    plate: site.plate,
    fn: new FactorTerm(term),
    eventShape: [],
    value: term,
    observed: true,
    scale: 1,
    infer: { estimator: 'reparam', rule: { reparameterizable: true }, enumerated: site.summedOut ?? false, ...(site.weight !== undefined ? { weight: site.weight } : {}) },
    stop: false,
  });
}
