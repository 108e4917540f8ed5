// Options several commands share, declared once so their names, defaults and help agree.
import { Command, Option } from 'commander';
import { BACKEND_CHOICES } from '../runtime/backend.js';
import { BINARIZE_MODES } from '../runtime/data/index.js';
import type { EstimatorMode } from '../lang/compiler/index.js';
import type { KlMode } from '../inference/elbo.js';
import { positiveInt, positiveNumber } from './flags.js';

export const ESTIMATORS: readonly EstimatorMode[] = ['auto', 'reparam', 'score'];
export const KL_MODES: readonly KlMode[] = ['analytic', 'mc'];

export function estimatorOption(): Option {
  return new Option('--estimator <kind>', 'gradient estimator for guide sites: auto (pathwise where possible), reparam, score')
    .choices(ESTIMATORS)
    .default('auto');
}

export function backendOption(): Option {
  return new Option('--backend <name>', 'tfjs backend (auto: tfjs-node, else wasm, else cpu)').choices(BACKEND_CHOICES).default('auto');
}

export function seedOption(): Option {
  return new Option('--seed <seed>', 'random seed (same seed, same backend: same numbers)').default('0');
}

/** --data, --binarize, --threshold, --train-size, --test-size. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('--data <spec>', "data set: 'mnist' (embedded, 10,000 digits) or 'mnist:DIR' (IDX files)", 'mnist')
    .addOption(new Option('--binarize <mode>', 'binarization of grey images').choices(BINARIZE_MODES).default('dynamic'))
    .option('--threshold <t>', 'threshold for --binarize threshold', positiveNumber('--threshold'), 0.5)
    .option('--train-size <n>', 'use only the first n training points', positiveInt('--train-size'))
    .option('--test-size <n>', 'use only the first n test points', positiveInt('--test-size'));
}
