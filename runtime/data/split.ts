// Deterministic train/test splits of a single file (csv:PATH, idx:PATH) or of in-memory arrays.
import { OptionError } from '../errors.js';
import { Rng } from '../random.js';

/**
 * The seed of the held-out permutation. A constant, independent of the training seed, so the
 * same file is always split the same way (and `ppl eval` sees the test set `ppl train` held out).
 */
export const TEST_SPLIT_SEED = 'ppl/test-split';

export interface RowSplit {
  train: Uint32Array;
  test: Uint32Array;
}

/**
 * Rows 0..n-1 split by a permutation drawn with `seed` (TEST_SPLIT_SEED unless given): its first
 * round(fraction * n) entries (at least 1, none for fraction 0) are the test rows, the rest the
 * training rows, each kept in row order. `what` names the data in the message when n rows are too few.
 */
export function holdOut(n: number, fraction: number, what: string, seed: string = TEST_SPLIT_SEED): RowSplit {
  if (fraction === 0) return { train: Uint32Array.from({ length: n }, (_, i) => i), test: new Uint32Array(0) };
  const nTest = Math.max(1, Math.round(fraction * n));
  if (n < 2 || nTest >= n) {
    throw new OptionError(
      'testFraction',
      `${what}: ${n} data point${n === 1 ? '' : 's'} cannot be split into a training and a test set with test fraction ${fraction}; give more rows, a smaller \`testFraction\`, or a separate test file`,
    );
  }
  const perm = new Rng(seed).permutation(n);
  const test = perm.slice(0, nTest).sort();
  const train = perm.slice(nTest).sort();
  return { train, test };
}

/** Below this many points a data set is small enough that the default held-out share is worth a word. */
export const TINY_DATA_POINTS = 100;

/**
 * The warning for a split by the default test fraction that holds out points of a tiny data set
 * (undefined when there is nothing to say): how many, and the option that keeps them.
 */
export function defaultSplitWarning(what: string, split: RowSplit, fraction: number): string | undefined {
  const n = split.train.length + split.test.length;
  if (n >= TINY_DATA_POINTS || split.test.length === 0) return undefined;
  return (
    `${what}: the default test fraction ${fraction} holds out ${split.test.length} of its ${n} points, so training sees ${split.train.length}; ` +
    `\`testFraction\` 0 trains on all ${n} (no test ELBO is reported then)`
  );
}
