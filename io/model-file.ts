// Model sources in files (Node only). `-` is standard input, as in most command-line tools.
import * as fs from 'node:fs';
import { UserError } from '../runtime/errors.js';

/** The file name that stands for standard input. */
export const STDIN_FILE = '-';

/** The text of a .ppl file, or of standard input for `-`; a UserError when it is missing or a folder. */
export function readModelFile(file: string): string {
  if (file === STDIN_FILE) {
    try {
      return fs.readFileSync(0, 'utf8');
    } catch (e) {
      throw new UserError(`-: could not read the model from standard input (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!fs.existsSync(file)) throw new UserError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new UserError(`${file}: is a directory, expected a .ppl file`);
  return fs.readFileSync(file, 'utf8');
}
