// What a training loop sees of a data set: named per-point fields and seeded minibatches.
// Batches come through an AsyncIterable so a set larger than memory can be streamed from disk.
import { UserError } from '../errors.js';
import type { Rng } from '../random.js';
import type { Support } from '../support.js';

/** What binding needs to know of a `data` declaration. */
export interface DataDeclLike {
  name: string;
  shape: readonly number[];
  support: Support;
  /** Entries may be missing (NaN in memory, empty in a CSV file). */
  missing?: boolean;
}

/** One field of every data point, e.g. `image` of shape [784]. */
/** How a flat field of pixels is laid out as a picture. */
export interface Picture {
  rows: number;
  cols: number;
}

export interface FieldInfo {
  name: string;
  shape: number[];
  domain: Support;
  /** Set by image sources (MNIST, IDX, Frey faces): the field's values are a picture of this size. */
  picture?: Picture;
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
  /**
   * How declarations find their fields (see bindFields): 'shape' (the default) by exact name,
   * then by values per point when that is unambiguous; 'name' by exact name only (tables, where
   * many columns share a shape).
   */
  readonly bindBy?: 'name' | 'shape';
  /** Why no field is named after `decl`, e.g. the CSV columns it looked for; ends the binding error. */
  bindingHint?(decl: DataDeclLike): string;
  /**
   * Gives `field` the declaration's shape before bindFields compares sizes, for sets whose fields
   * take their shape from the declaration they bind to (in-memory arrays: a flat typed array is
   * split into rows of the declared size). Throws a UserError naming the field (and the row) when
   * its values do not fit; after it returns, the field's shape is the declaration's.
   */
  fitField?(decl: DataDeclLike, field: string): void;
  /**
   * Checks every value of `field` (in this set and the sets opened with it) against the
   * declaration's support; a UserError names the file and row of the first value outside it.
   * A set with this method is checked exactly instead of by domainWarnings.
   */
  checkValues?(decl: DataDeclLike, field: string): void;
}

/**
 * Dataset.batches for a set of `size` points that `gather` can read in any order: checks the
 * batch size at once, then (when iterated) yields the batches of a fresh seeded permutation when
 * shuffle, else in order, keeping the last partial batch unless dropLast.
 */
export function minibatches(name: string, size: number, batchSize: number, opts: BatchOptions, gather: (indices: Uint32Array) => Batch): AsyncIterable<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new UserError(`${name}: batch size must be a positive integer, got ${batchSize}`);
  }
  return generate(size, batchSize, opts, gather);
}

async function* generate(n: number, batchSize: number, opts: BatchOptions, gather: (indices: Uint32Array) => Batch): AsyncGenerator<Batch> {
  const order = opts.shuffle ? opts.rng.permutation(n) : null;
  const end = opts.dropLast ? n - (n % batchSize) : n;
  for (let start = 0; start < end; start += batchSize) {
    const size = Math.min(batchSize, end - start);
    const indices = new Uint32Array(size);
    if (order) indices.set(order.subarray(start, start + size));
    else for (let b = 0; b < size; b++) indices[b] = start + b;
    yield gather(indices);
  }
}

export interface DataSplit {
  train: Dataset;
  test: Dataset;
  description: string;
  /** What the user should know about how the data were split (e.g. points of a tiny set held out). */
  warnings?: readonly string[];
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
