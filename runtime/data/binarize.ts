// Turning uint8 grey levels (0..255) into model inputs: grey values in [0, 1], a fixed
// threshold, or Bernoulli(pixel / 255) draws (dynamic binarization).
import { UserError } from '../errors.js';
import { Rng } from '../random.js';

export type Binarize = 'dynamic' | 'threshold' | 'none';

export const BINARIZE_MODES: readonly Binarize[] = ['dynamic', 'threshold', 'none'];

/**
 * The seed of the one-off binarization of a dynamic test set. A constant, independent of the
 * training seed, so test-set numbers are comparable across runs.
 */
export const TEST_BINARIZATION_SEED = 'ppl/test-set-binarization';

export function testBinarizationRng(): Rng {
  return new Rng(TEST_BINARIZATION_SEED);
}

/** Float value of each grey level k: k / 255. */
export const GREY_LEVELS: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let k = 0; k < 256; k++) t[k] = k / 255;
  return t;
})();

export function checkThreshold(threshold: number): void {
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new UserError(`binarization threshold must be a number in [0, 1], got ${threshold}`);
  }
}

/** pixel / 255 > threshold, as 0/1 bytes. */
export function thresholdPixels(pixels: Uint8Array, threshold: number): Uint8Array {
  checkThreshold(threshold);
  const table = new Uint8Array(256);
  for (let k = 0; k < 256; k++) table[k] = k / 255 > threshold ? 1 : 0;
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = table[pixels[i]!]!;
  return out;
}

/**
 * Writes Bernoulli(src[srcStart + j] / 255) draws to out[outStart + j], j < n. Levels 0 and 255
 * are certain and consume no draw (most MNIST pixels are 0, which makes this several times
 * faster); every other level consumes exactly one rng.uniform(), in pixel order.
 */
export function sampleBernoulliPixels(
  src: Uint8Array,
  srcStart: number,
  n: number,
  out: Float32Array | Uint8Array,
  outStart: number,
  rng: Rng,
): void {
  for (let j = 0; j < n; j++) {
    const k = src[srcStart + j]!;
    out[outStart + j] = k === 0 ? 0 : k === 255 ? 1 : rng.uniform() * 255 < k ? 1 : 0;
  }
}

/**
 * The uncertain pixels (0 < level < 255) and the certain ones (255) of each image, so a
 * dynamic batch loops over ~20% of an MNIST image instead of all of it: the batch's
 * zero-filled Float32Array already holds the 0 pixels.
 */
export interface SparseImages {
  pixelsPerImage: number;
  /** Image i's uncertain pixels are entries start[i] .. start[i + 1] - 1 of pos / level. */
  start: Uint32Array;
  pos: Uint16Array;
  level: Uint8Array;
  /** Image i's pixels at 255 are entries fullStart[i] .. fullStart[i + 1] - 1 of fullPos. */
  fullStart: Uint32Array;
  fullPos: Uint16Array;
}

export function sparseImages(pixels: Uint8Array, pixelsPerImage: number): SparseImages {
  if (pixelsPerImage > 65536) throw new Error(`sparseImages: ${pixelsPerImage} pixels per image do not fit Uint16 positions`);
  const count = pixels.length / pixelsPerImage;
  let uncertain = 0;
  let full = 0;
  for (let i = 0; i < pixels.length; i++) {
    const k = pixels[i]!;
    if (k === 255) full++;
    else if (k !== 0) uncertain++;
  }
  const start = new Uint32Array(count + 1);
  const pos = new Uint16Array(uncertain);
  const level = new Uint8Array(uncertain);
  const fullStart = new Uint32Array(count + 1);
  const fullPos = new Uint16Array(full);
  let u = 0;
  let f = 0;
  for (let img = 0; img < count; img++) {
    start[img] = u;
    fullStart[img] = f;
    const base = img * pixelsPerImage;
    for (let j = 0; j < pixelsPerImage; j++) {
      const k = pixels[base + j]!;
      if (k === 255) fullPos[f++] = j;
      else if (k !== 0) {
        pos[u] = j;
        level[u++] = k;
      }
    }
  }
  start[count] = u;
  fullStart[count] = f;
  return { pixelsPerImage, start, pos, level, fullStart, fullPos };
}

/**
 * Writes one Bernoulli(level / 255) draw of every pixel of image `img` to out[outStart ..],
 * which must be zero-filled. Consumes the Rng exactly like sampleBernoulliPixels on the dense
 * image (one uniform per uncertain pixel, in pixel order).
 */
export function sampleSparseImage(sp: SparseImages, img: number, out: Float32Array, outStart: number, rng: Rng): void {
  const { pos, level, fullPos } = sp;
  for (let e = sp.start[img]!, end = sp.start[img + 1]!; e < end; e++) {
    if (rng.uniform() * 255 < level[e]!) out[outStart + pos[e]!] = 1;
  }
  for (let e = sp.fullStart[img]!, end = sp.fullStart[img + 1]!; e < end; e++) out[outStart + fullPos[e]!] = 1;
}

/** One fixed Bernoulli draw of every pixel, as 0/1 bytes. */
export function binarizeOnce(pixels: Uint8Array, rng: Rng): Uint8Array {
  const out = new Uint8Array(pixels.length);
  sampleBernoulliPixels(pixels, 0, pixels.length, out, 0, rng);
  return out;
}
