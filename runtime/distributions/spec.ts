// What the checker and the docs know about a distribution, with no tensors involved.
import type { Support } from '../support.js';
import { BINARY, REAL } from '../support.js';

export interface DistParamSpec {
  name: string;
  /** The set the argument's values must lie in (for messages and docs). */
  domain: 'real' | 'positive' | 'unit';
  doc: string;
}

export interface DistSpec {
  name: string;
  /** Every parameter, in positional order. */
  params: readonly DistParamSpec[];
  /** The allowed sets of parameter names: Bernoulli takes `probs` or `logits`, not both. */
  parameterizations: readonly (readonly string[])[];
  support: Support;
  /** Has a pathwise sample (z = g(eps, params)) so gradients flow through samples. */
  reparameterizable: boolean;
  /** Number of trailing axes that form one event (0: elementwise, like Normal). */
  eventRank: number;
  doc: string;
  example: string;
}

export const NORMAL_SPEC: DistSpec = {
  name: 'Normal',
  params: [
    { name: 'loc', domain: 'real', doc: 'mean' },
    { name: 'scale', domain: 'positive', doc: 'standard deviation' },
  ],
  parameterizations: [['loc', 'scale']],
  support: REAL,
  reparameterizable: true,
  eventRank: 0,
  doc: 'Gaussian with mean `loc` and standard deviation `scale`, elementwise. Pathwise sample z = loc + scale * eps, eps ~ N(0, 1).',
  example: 'z ~ Normal(0, 1)',
};

export const BERNOULLI_SPEC: DistSpec = {
  name: 'Bernoulli',
  params: [
    { name: 'probs', domain: 'unit', doc: 'probability of 1' },
    { name: 'logits', domain: 'real', doc: 'log-odds of 1' },
  ],
  parameterizations: [['probs'], ['logits']],
  support: BINARY,
  reparameterizable: false,
  eventRank: 0,
  doc: 'Binary variable, elementwise, parameterized by `probs` or by `logits` (numerically safer). Not reparameterizable.',
  example: 'x ~ Bernoulli(logits = decoder(z))',
};

export const DIST_SPECS: ReadonlyMap<string, DistSpec> = new Map(
  [NORMAL_SPEC, BERNOULLI_SPEC].map((s) => [s.name, s]),
);
