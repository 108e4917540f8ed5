// An IDX image file of any image size (the data spec idx:PATH), raw or gzipped.
import { existsSync } from 'node:fs';
import { UserError } from '../runtime/errors.js';
import { parseIdxImages } from '../runtime/data/idx.js';
import type { IdxImages } from '../runtime/data/idx.js';
import { readMaybeGzipped } from './maybe-gzipped.js';

export async function readIdxImages(file: string): Promise<IdxImages> {
  if (!existsSync(file)) throw new UserError(`${file}: not found (from \`data\` idx:...)`);
  return parseIdxImages(await readMaybeGzipped(file), file, null, null);
}
