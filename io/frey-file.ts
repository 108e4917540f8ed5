// Finding and reading frey_rawface.mat for the data spec frey:PATH (PATH the file or its folder);
// the parsing is runtime/data/frey.ts.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../runtime/errors.js';
import { FREY_FILE, FREY_PAGE, parseFreyMat } from '../runtime/data/frey.js';
import type { FreyImages } from '../runtime/data/frey.js';
import { readBytes } from './read-file.js';

/** PATH itself, or PATH/frey_rawface.mat when PATH is a folder. */
export function freyFile(p: string): string {
  if (!existsSync(p)) {
    throw new UserError(`${p}: not found (from \`data\` frey:${p}); get frey_rawface.mat with 'ppl data frey --to DIR' or from ${FREY_PAGE}`);
  }
  if (!statSync(p).isDirectory()) return p;
  const file = path.join(p, FREY_FILE);
  if (!existsSync(file)) {
    throw new UserError(`${p} holds no ${FREY_FILE} (from \`data\` frey:${p}); get it with 'ppl data frey --to ${p}' or from ${FREY_PAGE}`);
  }
  return file;
}

export async function loadFrey(p: string): Promise<FreyImages & { file: string }> {
  const file = freyFile(p);
  return { ...parseFreyMat(await readBytes(file), file), file };
}
