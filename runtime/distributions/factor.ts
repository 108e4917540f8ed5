// A factor: not a distribution of a value but an extra term of the log-density (Stan's
// `target += e`; NumPyro's `factor` is a sample site of a unit distribution observed at nothing).
// Its value is the term itself, and its log-density reads it back.
import type { Tensor } from '../tf.js';
import type { Distribution } from './distribution.js';
import { REAL } from '../support.js';
import type { DistSpec } from './spec.js';

const FACTOR_SPEC: DistSpec = {
  name: 'factor',
  params: [],
  parameterizations: [[]],
  support: REAL,
  reparameterizable: false,
  eventRank: 0,
  doc: 'an extra term of the log-density',
  example: 'factor(-0.5 * sum(w ^ 2))',
};

export class FactorTerm implements Distribution {
  readonly spec = FACTOR_SPEC;

  constructor(private readonly term: Tensor) {}

  sample(): Tensor {
    throw new Error('internal: a factor is never sampled');
  }

  /** The term, whatever value is asked about. */
  logProb(): Tensor {
    return this.term;
  }

  mean(): Tensor {
    return this.term;
  }
}
