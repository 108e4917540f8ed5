// Checkpoints on disk (Node only): one JSON file, written atomically so that a crash mid-write
// never leaves a torn checkpoint. The format itself is inference/checkpoint.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../runtime/errors.js';
import { parseCheckpoint, serializeCheckpoint, type Checkpoint } from '../inference/checkpoint.js';

/** Write `ckpt` to `file` (its folder is created): a temporary file, flushed, then renamed over it. */
export function saveCheckpoint(file: string, ckpt: Checkpoint): void {
  const text = serializeCheckpoint(ckpt);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function readCheckpoint(file: string): Checkpoint {
  if (!fs.existsSync(file)) throw new UserError(`${file}: no checkpoint there (train first, or name another checkpoint file)`);
  return parseCheckpoint(fs.readFileSync(file, 'utf8'), file);
}
