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
import { checkDocument } from './checkpoint-schema.js';

export const CHECKPOINT_FORMAT = 'ppl-checkpoint';
/** 2 added the closing `integrity` member; version 1 files (without it) are still read. */
export const CHECKPOINT_VERSION = 2;
const READABLE_VERSIONS = [1, 2];
/** The member that closes a version-2 document: the byte count and SHA-256 of the text before it. */
const INTEGRITY_KEY = ',"integrity":';
/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED_PROBLEMS = 12;

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
  let bad = 0;
  let first = -1;
  for (let i = 0; i < count; i++) {
    if (!Number.isFinite(out[i]!)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad) throw new UserError(`${where}: ${bad} of ${count} values are not finite (the first, at index ${first}, is ${out[first]}); the file is damaged or was written by a diverged run`);
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

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/**
 * The checkpoint as JSON text (float arrays as base64 of their little-endian bytes), closed by an
 * `integrity` member: the byte count and SHA-256 of the document written without it, so a reader
 * tells a cut-off or altered file from a good one (docs/checkpoint-format.md).
 */
export function serializeCheckpoint(ckpt: Checkpoint): string {
  const text = serializeBody(ckpt);
  return `${text.slice(0, -1)}${INTEGRITY_KEY}${JSON.stringify({ bytes: utf8Length(text), sha256: sha256Hex(text) })}}`;
}

function serializeBody(ckpt: Checkpoint): string {
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

/**
 * The integrity member of a version-2 document checked against the text before it; a problem
 * when they disagree (a file cut short, edited by hand or damaged on disk).
 */
function integrityProblem(text: string, body: Record<string, unknown>): string | undefined {
  const cut = text.lastIndexOf(INTEGRITY_KEY);
  const recorded = body['integrity'] as { bytes?: unknown; sha256?: unknown } | undefined;
  if (cut < 0 || recorded === null || typeof recorded !== 'object') return 'has no integrity record (its last member); it may have been cut short or rewritten by another tool';
  const before = `${text.slice(0, cut)}}`;
  const bytes = utf8Length(before);
  if (recorded.bytes !== bytes) return `integrity: records ${String(recorded.bytes)} bytes before it, the file has ${bytes}; it was cut short or altered`;
  if (recorded.sha256 !== sha256Hex(before)) return 'integrity: the SHA-256 recorded does not match the contents; the file was altered or damaged';
  return undefined;
}

function listed(origin: string, problems: readonly string[]): UserError {
  const shown = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  ${p}`);
  const more = problems.length > MAX_LISTED_PROBLEMS ? [`  ... and ${problems.length - MAX_LISTED_PROBLEMS} more`] : [];
  const head = problems.length === 1 ? 'not a valid checkpoint:' : `not a valid checkpoint (${problems.length} problems):`;
  return new UserError([`${origin}: ${head}`, ...shown, ...more].join('\n'));
}

/**
 * A checkpoint from its JSON text; `origin` (a file name, say) starts every error message. The
 * document is checked against its schema (every problem listed), its integrity record verified
 * and every saved value required to be finite, before anything is returned.
 */
export function parseCheckpoint(text: string, origin: string): Checkpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const cut = text.length > 0 && !text.trimEnd().endsWith('}') ? ' (it looks cut short)' : '';
    throw new UserError(`${origin}: not a readable checkpoint${cut} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || (parsed as { format?: unknown }).format !== CHECKPOINT_FORMAT) {
    const format = parsed !== null && typeof parsed === 'object' ? (parsed as { format?: unknown }).format : undefined;
    throw new UserError(`${origin}: not a ppl checkpoint (format '${String(format)}'; expected '${CHECKPOINT_FORMAT}')`);
  }
  const raw = parsed as Record<string, unknown>;
  if (!READABLE_VERSIONS.includes(raw['version'] as number)) {
    throw new UserError(`${origin}: checkpoint version ${String(raw['version'])}, this ppl reads versions ${READABLE_VERSIONS.join(' and ')}`);
  }
  const problems = checkDocument(raw);
  if (raw['version'] !== 1) {
    const integrity = integrityProblem(text, raw);
    if (integrity) problems.unshift(integrity);
  }
  if (problems.length) throw listed(origin, problems);
  const body = raw as unknown as CheckpointDocument;
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
  const { format: _f, version: _v, integrity: _i, ...rest } = body as CheckpointDocument & { integrity?: unknown };
  return { ...rest, history: rest.history.map(epochRecord), params, optimizer };
}
