// Checkpoints on disk (Node only): one JSON file, written through writeFileSafely so that a crash
// or a full disk mid-write never replaces a good checkpoint with a torn one. The format itself
// (schema, integrity record) is inference/checkpoint.ts; docs/checkpoint-format.md describes it.
import * as fs from 'node:fs';
import { UserError } from '../runtime/errors.js';
import { parseCheckpoint, serializeCheckpoint, type Checkpoint } from '../inference/checkpoint.js';
import { writeFileSafely, type WriteOps } from './safe-write.js';

/**
 * Write `ckpt` to `file` (its folder is created): a temporary file, every byte checked, fsynced,
 * read back and compared, then renamed over the old one. A failure is a UserError naming the file
 * and saying the previous checkpoint is intact.
 */
export function saveCheckpoint(file: string, ckpt: Checkpoint, ops?: WriteOps): void {
  writeFileSafely(file, serializeCheckpoint(ckpt), { what: 'checkpoint', ops });
}

export function readCheckpoint(file: string): Checkpoint {
  if (!fs.existsSync(file)) throw new UserError(`${file}: no checkpoint there (train first, or name another checkpoint file)`);
  if (fs.statSync(file).isDirectory()) throw new UserError(`${file}: is a folder; name the checkpoint.json in it`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read the checkpoint: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseCheckpoint(text, file);
}
