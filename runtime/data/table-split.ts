// Train/test splits of CSV tables already parsed (csv:TRAIN,TEST, or one file with a fixed-seed
// share held out): the options trainSize and testSize applied, as TableDatasets.
import { formatCount } from '../format.js';
import { UserError } from '../errors.js';
import type { DataSplit } from './dataset.js';
import { TableDataset } from './csv.js';
import type { CsvTable, TableField } from './csv.js';
import { checkSize } from './options.js';
import type { OpenDataOptions } from './options.js';
import { DEFAULT_TEST_FRACTION } from './spec.js';
import type { DataSpec } from './spec.js';
import { defaultSplitWarning, holdOut } from './split.js';


/**
 * The split of `table` (the training file) and `testTable` (the test file, when the spec names
 * one); `fields` are tableFields of the training header and the spec's column overrides.
 */
export function tableSplit(
  parsed: Extract<DataSpec, { kind: 'csv' }>,
  table: CsvTable,
  testTable: CsvTable | undefined,
  fields: readonly TableField[],
  opts: OpenDataOptions,
): DataSplit {
  let train: TableDataset;
  let test: TableDataset;
  let how: string;
  let warning: string | undefined;
  const rowsOf = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);
  if (parsed.test !== undefined && testTable) {
    const missing = table.header.filter((h) => !testTable.header.includes(h));
    if (missing.length) {
      throw new UserError(`${parsed.test}: lacks column${missing.length === 1 ? '' : 's'} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''} of the training file ${parsed.train}`);
    }
    const nTrain = checkSize(opts.trainSize, table.rows, 'trainSize', 'training');
    const nTest = checkSize(opts.testSize, testTable.rows, 'testSize', 'test');
    train = new TableDataset(`${parsed.train}`, table, rowsOf(nTrain), fields, parsed.columns);
    test = new TableDataset(`${parsed.test}`, testTable, rowsOf(nTest), fields, parsed.columns);
    how = `${parsed.train} (train) and ${parsed.test} (test)`;
  } else {
    const f = parsed.testFraction ?? DEFAULT_TEST_FRACTION;
    const split = holdOut(table.rows, f, parsed.train);
    if (parsed.testFraction === undefined) warning = defaultSplitWarning(parsed.train, split, f);
    const nTrain = checkSize(opts.trainSize, split.train.length, 'trainSize', 'training');
    const nTest = checkSize(opts.testSize, split.test.length, 'testSize', 'test');
    train = new TableDataset(`${parsed.train}/train`, table, split.train.slice(0, nTrain), fields, parsed.columns);
    test = new TableDataset(`${parsed.train}/test`, table, split.test.slice(0, nTest), fields, parsed.columns);
    how = f === 0 ? `${parsed.train} (test fraction 0: every row trains, no test set)` : `${parsed.train} (test fraction ${f}: rows held out by a fixed-seed permutation)`;
  }
  train.companions = test.companions = [train, test];
  const vectors = fields.filter((x) => x.info.shape.length > 0).map((x) => `${x.info.name} [${x.info.shape.join(', ')}]`);
  return {
    train,
    test,
    ...(warning ? { warnings: [warning] } : {}),
    description:
      `CSV ${how}: ${formatCount(train.size)} train / ${formatCount(test.size)} test rows of ${table.header.length} columns` +
      (vectors.length ? `; vector fields ${vectors.slice(0, 6).join(', ')}${vectors.length > 6 ? ', ...' : ''}` : ''),
  };
}
