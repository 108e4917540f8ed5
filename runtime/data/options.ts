// The options of opening a data set (openData in io/read-data.ts, and the splits it builds from
// what it reads): their type and their checks. Errors about an option are OptionErrors naming it.
import { formatCount } from '../format.js';
import { OptionError } from '../errors.js';
import { BINARIZE_MODES, checkThreshold } from './binarize.js';
import type { Binarize } from './binarize.js';
import { parseDataSpec } from './spec.js';

export interface OpenDataOptions {
  /** How grey images become model inputs (mnist and idx: data; csv: and frey: data are used as they are). */
  binarize: Binarize;
  /** For binarize 'threshold': a pixel is 1 when pixel / 255 > threshold. Default 0.5. */
  threshold?: number;
  /** Keep only the first N training points. */
  trainSize?: number;
  /** Keep only the first N test points. */
  testSize?: number;
  /** The same as the spec option `test-fraction=F` (csv: and idx: with a single file). */
  testFraction?: number;
  /** The same as spec options `columns=X=a,b,c` (csv:), one entry `X=a,b,c` each. */
  columns?: readonly string[];
}

/** Checks `binarize` (and the threshold it uses); returns the threshold (default 0.5). */
export function checkBinarize(opts: Pick<OpenDataOptions, 'binarize' | 'threshold'>): number {
  if (!BINARIZE_MODES.includes(opts.binarize)) {
    throw new OptionError('binarize', `unknown \`binarize\` '${String(opts.binarize)}'; accepted: ${BINARIZE_MODES.join(', ')}`);
  }
  const threshold = opts.threshold ?? 0.5;
  if (opts.binarize === 'threshold') checkThreshold(threshold);
  return threshold;
}

/** The number of points to keep of `available`: all unless the option (trainSize, testSize) says fewer. */
export function checkSize(n: number | undefined, available: number, option: 'trainSize' | 'testSize', what: string): number {
  if (n === undefined) return available;
  if (!Number.isInteger(n) || n < 1) throw new OptionError(option, `must be a positive integer, got ${n}`);
  if (n > available) {
    throw new OptionError(option, `${n} exceeds the ${formatCount(available)} ${what} points available`);
  }
  return n;
}

/** Does the option `binarize` apply to this spec's data? (csv: and frey: data are used as they are.) */
export function binarizeApplies(spec: string): boolean {
  const kind = parseDataSpec(spec).kind;
  return kind !== 'csv' && kind !== 'frey';
}
