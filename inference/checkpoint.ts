// Checkpoints: parameters, optimizer state, the model source's hash, the training options and
// the history, as one JSON document. This module is the pure (de)serialization, usable where
// there is no file system; reading and writing files is api/checkpoint-file.ts (Node only).
import { UserError } from '../runtime/errors.js';
import { sha256Hex } from '../runtime/sha256.js';
import { decodeBase64, encodeBase64 } from '../runtime/base64.js';
import type { Picture } from '../runtime/data/dataset.js';
import type { SavedParam, Constraint } from '../runtime/params.js';
import type { SavedOptimizer, SavedTensor } from './optimizers.js';
import type { RngState } from '../runtime/random.js';

export const CHECKPOINT_FORMAT = 'ppl-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface EpochRecord {
  epoch: number;
  steps: number;
  trainElbo: number;
  /** NaN when the epoch was not evaluated on a test set. */
  testElbo: number;
  seconds: number;
  samplesPerSecond: number;
}

/**
 * How far training went into the epoch after the last completed one, when a checkpoint is taken
 * inside an epoch (by time, at an interrupt, or at the end of a run of `steps`): enough to
 * finish that epoch exactly as an uninterrupted run would have.
 */
export interface EpochProgress {
  /** Steps of the epoch taken. */
  steps: number;
  /** Sum of their minibatch ELBO estimates, and the data points they saw. */
  elboSum: number;
  samples: number;
  /** Training seconds spent in the epoch so far. */
  seconds: number;
  /** Where the epoch's noise stream stands. */
  noise: RngState;
}

/** One recorded training option: a number, a string, a switch, or a list of names. */
export type OptionValue = string | number | boolean | readonly string[];

export interface Checkpoint {
  model: { file: string; sha256: string };
  /** The training options, so a resumed run and a reader know how it was made. */
  flags: Record<string, OptionValue>;
  backend: string;
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  history: EpochRecord[];
  /** Set when the checkpoint was taken inside epoch `epoch + 1`. */
  inEpoch?: EpochProgress;
  params: SavedParam[];
  optimizer?: SavedOptimizer;
  /** Data declarations that are pictures in the training data (images of MNIST, IDX, Frey faces), by name. */
  pictures?: Record<string, Picture>;
  savedAt: string;
}

export function sourceHash(source: string): string {
  return sha256Hex(source);
}

function encode(values: Float32Array): string {
  return encodeBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

function decode(b64: string, count: number, where: string): Float32Array {
  const bytes = typeof b64 === 'string' ? decodeBase64(b64) : undefined;
  if (!bytes) throw new UserError(`${where}: the values are not base64 text`);
  if (bytes.byteLength !== count * 4) throw new UserError(`${where}: expected ${count} values, found ${bytes.byteLength / 4}`);
  const out = new Float32Array(count);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

type Encoded<T> = Omit<T, 'values'> & { values: string };

interface CheckpointDocument extends Omit<Checkpoint, 'params' | 'optimizer'> {
  format: string;
  version: number;
  params: Encoded<SavedParam>[];
  optimizer?: Omit<SavedOptimizer, 'weights'> & { weights: Encoded<SavedTensor>[] };
}

/** The checkpoint as JSON text (float arrays as base64 of their little-endian bytes). */
export function serializeCheckpoint(ckpt: Checkpoint): string {
  const body: CheckpointDocument = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...ckpt,
    params: ckpt.params.map((p) => ({ ...p, values: encode(p.values) })),
    optimizer: ckpt.optimizer && {
      ...ckpt.optimizer,
      weights: ckpt.optimizer.weights.map((w) => ({ ...w, values: encode(w.values) })),
    },
  };
  return JSON.stringify(body);
}

/** JSON has no NaN: an epoch without a test evaluation comes back as null. */
function epochRecord(r: EpochRecord): EpochRecord {
  return { ...r, testElbo: typeof r.testElbo === 'number' ? r.testElbo : NaN };
}

/** A checkpoint from its JSON text; `origin` (a file name, say) starts every error message. */
export function parseCheckpoint(text: string, origin: string): Checkpoint {
  let body: CheckpointDocument;
  try {
    body = JSON.parse(text) as CheckpointDocument;
  } catch (e) {
    throw new UserError(`${origin}: not a readable checkpoint (${e instanceof Error ? e.message : String(e)})`);
  }
  if (body === null || typeof body !== 'object' || body.format !== CHECKPOINT_FORMAT) {
    throw new UserError(`${origin}: not a ppl checkpoint (format '${String((body as Partial<CheckpointDocument> | null)?.format)}')`);
  }
  if (body.version !== CHECKPOINT_VERSION) throw new UserError(`${origin}: checkpoint version ${body.version}, this ppl reads version ${CHECKPOINT_VERSION}`);
  const params: SavedParam[] = body.params.map((p) => ({
    name: p.name,
    shape: p.shape,
    constraint: p.constraint as Constraint,
    values: decode(p.values, size(p.shape), `${origin}: parameter '${p.name}'`),
  }));
  const optimizer: SavedOptimizer | undefined = body.optimizer && {
    name: body.optimizer.name,
    lr: body.optimizer.lr,
    weights: body.optimizer.weights.map((w) => ({
      name: w.name,
      shape: w.shape,
      values: decode(w.values, size(w.shape), `${origin}: optimizer slot '${w.name}'`),
    })),
  };
  const { format: _f, version: _v, ...rest } = body;
  return { ...rest, history: rest.history.map(epochRecord), params, optimizer };
}
