// Model sources in files (Node only).
import * as fs from 'node:fs';
import { UserError } from '../runtime/errors.js';

/** The text of a .ppl file; a UserError when it is missing or a folder. */
export function readModelFile(file: string): string {
  if (!fs.existsSync(file)) throw new UserError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new UserError(`${file}: is a directory, expected a .ppl file`);
  return fs.readFileSync(file, 'utf8');
}
