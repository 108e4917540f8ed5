// --estimator, shared by check, train, grads and compare; light, so that `ppl check` loads no
// tensor library.
import { Option } from 'commander';
import { ESTIMATOR_MODES } from '../api/node/front.js';

export function estimatorOption(): Option {
  return new Option('--estimator <kind>', 'gradient estimator for guide sites: auto (pathwise where possible), reparam, score')
    .choices(ESTIMATOR_MODES)
    .default(ESTIMATOR_MODES[0]);
}
