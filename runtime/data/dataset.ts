// What a training loop sees of a data set: named per-point fields and seeded minibatches.
// Batches come through an AsyncIterable so a set larger than memory can be streamed from disk.
import type { Rng } from '../random.js';
import type { Support } from '../support.js';

/** One field of every data point, e.g. `image` of shape [784]. */
export interface FieldInfo {
  name: string;
  shape: number[];
  domain: Support;
}

/**
 * A minibatch. Each field is row-major [size, ...shape]. `indices` are the points' positions
 * in the data set. Every batch owns fresh arrays, so a consumer may keep them (tfjs's CPU
 * backend keeps a reference to the array a tensor is made from instead of copying it).
 */
export interface Batch {
  size: number;
  indices: Uint32Array;
  fields: Record<string, Float32Array>;
}

export interface BatchOptions {
  rng: Rng;
  shuffle: boolean;
  dropLast?: boolean;
}

export interface Dataset {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly FieldInfo[];
  /** Minibatches: a fresh seeded permutation when shuffle, else in order; the last partial batch is kept unless dropLast. */
  batches(batchSize: number, opts: BatchOptions): AsyncIterable<Batch>;
}

export interface DataSplit {
  train: Dataset;
  test: Dataset;
  description: string;
}

/** Number of values in one point of a field of this shape ([] is a scalar: 1). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
