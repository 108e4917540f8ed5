// The spec of the point mass that generated guides use (delta.ts), apart from its tensors so
// that lowering can name it without loading TensorFlow.js. Not in DIST_SPECS: no program can write it.
import type { DistSpec } from './spec.js';
import { REAL } from '../support.js';

export const DELTA_SPEC: DistSpec = {
  name: 'Delta',
  params: [
    { name: 'value', domain: 'real', doc: 'the point' },
    { name: 'log_density', domain: 'real', doc: 'the log-density the point counts, one per draw (no event axes)' },
  ],
  parameterizations: [['value', 'log_density']],
  support: REAL,
  reparameterizable: true,
  eventRank: 0,
  doc: 'A point mass at `value` whose log-density is `log_density` (generated guides only).',
  example: 'z ~ Delta(v, 0)',
};
