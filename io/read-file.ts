// Reading a whole file, as bytes or as UTF-8 text; a failure is a UserError naming the file.
import { readFile } from 'node:fs/promises';
import { UserError } from '../runtime/errors.js';

export async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new UserError(`${file}: cannot read: ${(e as Error).message}`);
  }
}

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read: ${(e as Error).message}`);
  }
}
