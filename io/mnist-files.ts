// Full MNIST from a directory of the four standard IDX files, raw or gzipped, under either the
// dash names (train-images-idx3-ubyte) or the dot names the original archives stored inside
// (train-images.idx3-ubyte). The parsing is runtime/data/idx.ts.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../runtime/errors.js';
import { labelledImages, parseIdxImages, parseIdxLabels } from '../runtime/data/idx.js';
import type { RawImages } from '../runtime/data/images.js';
import { readMaybeGzipped } from './maybe-gzipped.js';

export interface RawMnist {
  train: RawImages;
  test: RawImages;
  /** The files read, for the description. */
  files: string[];
}

const EMBEDDED_HINT = 'use `data` mnist for the embedded set of 10,000 digits';

/** Candidate names of one file: `train-images-idx3-ubyte` with its dot variant, each raw or .gz. */
export function candidateNames(stem: string, kind: 'idx3' | 'idx1'): string[] {
  const dash = `${stem}-${kind}-ubyte`;
  const dot = `${stem}.${kind}-ubyte`;
  return [dash, `${dash}.gz`, dot, `${dot}.gz`];
}

function locate(dir: string, stem: string, kind: 'idx3' | 'idx1'): string {
  const candidates = candidateNames(stem, kind).map((n) => path.join(dir, n));
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  throw new UserError(
    `MNIST file ${candidates[0]} not found (looked for ${candidates.map((c) => path.basename(c)).join(', ')} in ${dir}); ${EMBEDDED_HINT}`,
  );
}

async function loadPair(dir: string, stem: 'train' | 't10k', files: string[]): Promise<RawImages> {
  const imageFile = locate(dir, `${stem}-images`, 'idx3');
  const labelFile = locate(dir, `${stem}-labels`, 'idx1');
  files.push(imageFile, labelFile);
  const images = parseIdxImages(await readMaybeGzipped(imageFile), imageFile);
  const labels = parseIdxLabels(await readMaybeGzipped(labelFile), labelFile);
  return labelledImages(images, labels, imageFile, labelFile);
}

export async function loadMnistDir(dir: string): Promise<RawMnist> {
  const abs = path.resolve(dir);
  if (!existsSync(abs)) {
    throw new UserError(`MNIST directory ${abs} not found (from \`data\` mnist:${dir}); ${EMBEDDED_HINT}`);
  }
  if (!statSync(abs).isDirectory()) {
    throw new UserError(`${abs} is not a directory (\`data\` mnist:DIR needs the folder of the four MNIST IDX files); ${EMBEDDED_HINT}`);
  }
  const files: string[] = [];
  const train = await loadPair(abs, 'train', files);
  const test = await loadPair(abs, 't10k', files);
  return { train, test, files };
}
