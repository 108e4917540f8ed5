// Checkpoints: parameters, optimizer state, the model source's hash, the flags and the history,
// in one JSON file written atomically (a crash mid-write never leaves a torn checkpoint).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../runtime/errors.js';
import type { SavedParam, Constraint } from '../runtime/params.js';
import type { SavedOptimizer, SavedTensor } from './optimizers.js';

export const CHECKPOINT_FORMAT = 'ppl-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface EpochRecord {
  epoch: number;
  steps: number;
  trainElbo: number;
  testElbo: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface Checkpoint {
  model: { file: string; sha256: string };
  /** The training flags, so a resumed run and a reader know how it was made. */
  flags: Record<string, string | number | boolean>;
  backend: string;
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  history: EpochRecord[];
  params: SavedParam[];
  optimizer?: SavedOptimizer;
  savedAt: string;
}

export function sourceHash(source: string): string {
  return createHash('sha256').update(source).digest('hex');
}

function encode(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function decode(b64: string, count: number, where: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength !== count * 4) throw new UserError(`${where}: expected ${count} values, found ${buf.byteLength / 4}`);
  const out = new Float32Array(count);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

type Encoded<T> = Omit<T, 'values'> & { values: string };

interface CheckpointFile extends Omit<Checkpoint, 'params' | 'optimizer'> {
  format: string;
  version: number;
  params: Encoded<SavedParam>[];
  optimizer?: Omit<SavedOptimizer, 'weights'> & { weights: Encoded<SavedTensor>[] };
}

export function writeCheckpoint(file: string, ckpt: Checkpoint): void {
  const body: CheckpointFile = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...ckpt,
    params: ckpt.params.map((p) => ({ ...p, values: encode(p.values) })),
    optimizer: ckpt.optimizer && {
      ...ckpt.optimizer,
      weights: ckpt.optimizer.weights.map((w) => ({ ...w, values: encode(w.values) })),
    },
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, JSON.stringify(body));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

export function readCheckpoint(file: string): Checkpoint {
  if (!fs.existsSync(file)) throw new UserError(`${file}: no checkpoint there (train first, or name the file with --checkpoint)`);
  let body: CheckpointFile;
  try {
    body = JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointFile;
  } catch (e) {
    throw new UserError(`${file}: not a readable checkpoint (${e instanceof Error ? e.message : String(e)})`);
  }
  if (body.format !== CHECKPOINT_FORMAT) throw new UserError(`${file}: not a ppl checkpoint (format '${String(body.format)}')`);
  if (body.version !== CHECKPOINT_VERSION) throw new UserError(`${file}: checkpoint version ${body.version}, this ppl reads version ${CHECKPOINT_VERSION}`);
  const params: SavedParam[] = body.params.map((p) => ({
    name: p.name,
    shape: p.shape,
    constraint: p.constraint as Constraint,
    values: decode(p.values, size(p.shape), `${file}: parameter '${p.name}'`),
  }));
  const optimizer: SavedOptimizer | undefined = body.optimizer && {
    name: body.optimizer.name,
    lr: body.optimizer.lr,
    weights: body.optimizer.weights.map((w) => ({
      name: w.name,
      shape: w.shape,
      values: decode(w.values, size(w.shape), `${file}: optimizer slot '${w.name}'`),
    })),
  };
  const { format: _f, version: _v, ...rest } = body;
  return { ...rest, params, optimizer };
}
