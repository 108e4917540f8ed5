// A file's bytes, gunzipped when they start with the gzip magic (1f 8b), whatever the name: the
// MNIST and idx: files come raw or as .gz.
import { gunzipSync } from 'node:zlib';
import { UserError } from '../runtime/errors.js';
import { readBytes } from './read-file.js';

export async function readMaybeGzipped(file: string): Promise<Uint8Array> {
  const raw = await readBytes(file);
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) return raw;
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new UserError(`${file}: corrupt gzip data: ${(e as Error).message}`);
  }
}
