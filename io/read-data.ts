// openData: from a data spec (grammar in runtime/data/spec.ts) to a train/test split of data
// sets, reading the files it names. Everything after the reading is runtime/data.
import type { DataSplit } from '../runtime/data/dataset.js';
import { tableFields } from '../runtime/data/csv.js';
import { freyDataSplit, idxSplit, mnistSplit } from '../runtime/data/image-split.js';
import { checkBinarize } from '../runtime/data/options.js';
import type { OpenDataOptions } from '../runtime/data/options.js';
import { parseDataSpec, withDataFlags } from '../runtime/data/spec.js';
import { tableSplit } from '../runtime/data/table-split.js';
import { readCsv } from './csv-file.js';
import { loadEmbeddedMnist } from './embedded-mnist.js';
import { loadFrey } from './frey-file.js';
import { readIdxImages } from './idx-file.js';
import { loadMnistDir } from './mnist-files.js';

export type { OpenDataOptions } from '../runtime/data/options.js';

export async function openData(spec: string, opts: OpenDataOptions): Promise<DataSplit> {
  const threshold = checkBinarize(opts);
  const parsed = parseDataSpec(withDataFlags(spec, { testFraction: opts.testFraction, columns: opts.columns }));
  switch (parsed.kind) {
    case 'mnist':
      return mnistSplit(parsed, await loadEmbeddedMnist(), opts, threshold);
    case 'mnist-dir':
      return mnistSplit(parsed, await loadMnistDir(parsed.dir), opts, threshold);
    case 'idx': {
      const train = await readIdxImages(parsed.train);
      const test = parsed.test !== undefined ? await readIdxImages(parsed.test) : undefined;
      return idxSplit(parsed, train, test, opts, threshold);
    }
    case 'frey': {
      const frey = await loadFrey(parsed.path);
      return freyDataSplit(frey, frey.file, opts);
    }
    case 'csv': {
      const table = await readCsv(parsed.train);
      const fields = tableFields(table.header, parsed.columns, table.file);
      const testTable = parsed.test !== undefined ? await readCsv(parsed.test) : undefined;
      return tableSplit(parsed, table, testTable, fields, opts);
    }
  }
}
