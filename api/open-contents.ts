// openDataFrom: a data spec opened from contents the caller already holds (a page's file input, a
// fetched asset) instead of files it reads. The same spec grammar, options and splits as openData
// in Node (io/read-data.ts), so a run trained on them records a spec the command line reopens.
import type { DataSplit } from '../runtime/data/dataset.js';
import { parseCsv, tableFields } from '../runtime/data/csv.js';
import type { RawEmbedded } from '../runtime/data/embedded.js';
import { FREY_FILE, parseFreyMat } from '../runtime/data/frey.js';
import { parseIdxImages } from '../runtime/data/idx.js';
import { freyDataSplit, idxSplit, mnistSplit } from '../runtime/data/image-split.js';
import { checkBinarize, type OpenDataOptions } from '../runtime/data/options.js';
import { parseDataSpec, withDataFlags } from '../runtime/data/spec.js';
import { tableSplit } from '../runtime/data/table-split.js';
import { UserError } from '../runtime/errors.js';

export interface DataContents {
  /** The contents of each file the spec names, by the path as written in the spec: bytes, or text (CSV). */
  files?: Readonly<Record<string, Uint8Array | string>>;
  /**
   * The embedded MNIST digits for the spec `mnist`, split and ordered as Node opens them
   * (runtime/data/embedded.ts): the whole set, or the first images of each part (enough for
   * `trainSize` and `testSize`), since the order interleaves the digits.
   */
  mnist?: RawEmbedded;
}

function fileOf(contents: DataContents, path: string): Uint8Array | string {
  const found = contents.files?.[path];
  if (found === undefined) {
    const given = Object.keys(contents.files ?? {});
    throw new UserError(`no contents for ${path}${given.length ? ` (given: ${given.join(', ')})` : ''}`);
  }
  return found;
}

const bytesOf = (contents: DataContents, path: string): Uint8Array => {
  const v = fileOf(contents, path);
  return typeof v === 'string' ? new TextEncoder().encode(v) : v;
};

const textOf = (contents: DataContents, path: string): string => {
  const v = fileOf(contents, path);
  return typeof v === 'string' ? v : new TextDecoder().decode(v);
};

/**
 * The train/test split a data spec names (`mnist`, `csv:PATH[,TEST]` with `;columns=` and
 * `;test-fraction=`, `idx:PATH[,TEST]`, `frey:PATH`), opened from `contents` with the options of
 * openData. `mnist:DIR` (four files) is for Node's openData.
 */
export function openDataFrom(spec: string, contents: DataContents, options: Partial<OpenDataOptions> = {}): DataSplit {
  const opts: OpenDataOptions = { binarize: 'dynamic', ...options };
  const threshold = checkBinarize(opts);
  const parsed = parseDataSpec(withDataFlags(spec, { testFraction: opts.testFraction, columns: opts.columns }));
  switch (parsed.kind) {
    case 'mnist':
      if (!contents.mnist) throw new UserError('the spec mnist needs the embedded digits (`mnist` of the contents)');
      return mnistSplit(parsed, contents.mnist, opts, threshold);
    case 'mnist-dir':
      throw new UserError(`${spec}: the four MNIST files of a folder are opened in Node (openData); give the images as idx: instead`);
    case 'idx': {
      const train = parseIdxImages(bytesOf(contents, parsed.train), parsed.train, null, null);
      const test = parsed.test !== undefined ? parseIdxImages(bytesOf(contents, parsed.test), parsed.test, null, null) : undefined;
      return idxSplit(parsed, train, test, opts, threshold);
    }
    case 'frey': {
      const path = contents.files?.[parsed.path] !== undefined ? parsed.path : `${parsed.path.replace(/\/$/, '')}/${FREY_FILE}`;
      return freyDataSplit(parseFreyMat(bytesOf(contents, path), path), path, opts);
    }
    case 'csv': {
      const table = parseCsv(textOf(contents, parsed.train), parsed.train);
      const fields = tableFields(table.header, parsed.columns, parsed.train);
      const testTable = parsed.test !== undefined ? parseCsv(textOf(contents, parsed.test), parsed.test) : undefined;
      return tableSplit(parsed, table, testTable, fields, opts);
    }
  }
}
