// In-memory data: plain JS arrays or typed arrays, one field per data declaration name, as the
// same Dataset the training loop consumes. Rows are data points:
//
//   arrayData({ x: [[0, 1, 1], [1, 0, 0]], y: [1, 0] })           rows given as arrays
//   arrayData({ x: images /* Float32Array, n * 784 */, y: labels })  flat typed arrays
//
// A field given as an array holds one entry per point: a number (a scalar point) or an array (of
// arrays ...) of numbers, read row-major. A flat typed array is split into rows when it binds:
// by the number of rows of the array fields, or, when every field is flat, by the size of the
// declaration it binds to. Binding is by exact name, and checks each row against the declared
// size and every value against the declared support, naming the field and the row (0-based).
// NaN marks a missing entry: allowed only where the declaration says `missing`.
import { formatCount } from '../format.js';
import { OptionError, UserError } from '../errors.js';
import { describeSupport, REAL } from '../support.js';
import type { Batch, BatchOptions, DataDeclLike, DataSplit, Dataset, FieldInfo } from './dataset.js';
import { formatShape, minibatches, shapeSize } from './dataset.js';
import { holdOut, TEST_SPLIT_SEED } from './split.js';
import { formatFloat32, outside } from './values.js';

export type FlatArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array;

/** One data point's values: a number, or an array (of arrays ...) of numbers, read row-major. */
export type ArrayRow = number | ArrayLike<number> | readonly ArrayRow[];

/** A field: one row per data point, or a flat typed array split into rows when it binds. */
export type ArrayField = readonly ArrayRow[] | FlatArray;

/** Data declaration name -> its values. */
export type ArrayFields = Readonly<Record<string, ArrayField>>;

export interface ArrayDataOptions {
  /** The test points, with the same fields. */
  test?: ArrayFields;
  /** A share of the points to hold out as the test set instead. Without either, every point trains and there is no test set. */
  testFraction?: number;
  /** The seed of the held-out permutation (default TEST_SPLIT_SEED): one seed, one split. */
  seed?: string;
  /** Names the data sets (NAME/train, NAME/test) and starts messages; default 'arrays'. */
  name?: string;
}


function isFlat(v: unknown): v is FlatArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string '${v.length > 20 ? `${v.slice(0, 20)}...` : v}'`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** One field of one set of arrays, its values flattened row after row. */
interface Column {
  name: string;
  flat: boolean;
  values: Float32Array;
  /** Values per row, for a field given as rows (undefined for a flat field). */
  counts?: Uint32Array;
  /** Values per point, once every row is known to hold the same number (undefined before). */
  size?: number;
  /** Shape of one point: the nesting of row 0, the declaration's once fitted; undefined for a flat field before its rows are known. */
  shape?: number[];
}

/** The training arrays or the test arrays of a split. */
class ArraySource {
  readonly columns = new Map<string, Column>();
  /** Number of rows, once known, and the field that fixed it (for messages). */
  rows?: number;
  private rowsFrom = '';

  constructor(
    /** Starts every message: 'arrays', 'arrays (test)'. */
    readonly label: string,
    fields: ArrayFields,
  ) {
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields) || Object.keys(fields).length === 0) {
      throw new UserError(`${label}: expected an object with one field per data declaration, e.g. { x: [[0, 1], [1, 0]] }, got ${describeValue(fields)}`);
    }
    for (const [name, v] of Object.entries(fields)) {
      if (isFlat(v)) {
        this.columns.set(name, { name, flat: true, values: v instanceof Float32Array ? v : Float32Array.from(v) });
      } else if (Array.isArray(v)) {
        const column = this.rowsColumn(name, v as readonly unknown[]);
        if (this.rows === undefined) {
          this.rows = v.length;
          this.rowsFrom = name;
        } else if (v.length !== this.rows) {
          throw new UserError(`${label}: field '${name}' has ${formatCount(v.length)} row${v.length === 1 ? '' : 's'}, but field '${this.rowsFrom}' has ${formatCount(this.rows)}: every field holds one row per data point`);
        }
        this.columns.set(name, column);
      } else {
        throw new UserError(`${label}: field '${name}' must be an array with one row per data point, or a typed array, got ${describeValue(v)}`);
      }
    }
    if (this.rows !== undefined) for (const c of this.columns.values()) if (c.flat) this.splitFlat(c);
  }

  private where(name: string, row: number, entry?: number): string {
    return `${this.label}: field '${name}', row ${row}${entry === undefined ? '' : ` (entry ${entry})`}`;
  }

  private rowsColumn(name: string, rows: readonly unknown[]): Column {
    if (rows.length === 0) throw new UserError(`${this.label}: field '${name}' has no rows; give one row per data point`);
    const values: number[] = [];
    const counts = new Uint32Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const start = values.length;
      const add = (v: unknown): void => {
        if (typeof v === 'number') {
          values.push(v);
        } else if (Array.isArray(v) || isFlat(v)) {
          for (let i = 0; i < v.length; i++) add(v[i]);
        } else {
          throw new UserError(`${this.where(name, r, values.length - start)}: ${describeValue(v)} is not a number`);
        }
      };
      add(rows[r]);
      counts[r] = values.length - start;
    }
    const size = counts.every((n) => n === counts[0]) ? counts[0] : undefined;
    const nested = rowShape(rows[0]);
    const shape = size === undefined ? undefined : shapeSize(nested) === size ? nested : [size];
    return { name, flat: false, values: Float32Array.from(values), counts, size, shape };
  }

  /** A flat field cut into this.rows rows (which must be known). */
  private splitFlat(c: Column): void {
    const n = this.rows!;
    if (c.values.length % n !== 0) {
      throw new UserError(`${this.label}: field '${c.name}' holds ${formatCount(c.values.length)} values, which do not split into the ${formatCount(n)} rows of field '${this.rowsFrom}'`);
    }
    const size = c.values.length / n;
    c.size = size;
    c.shape ??= size === 1 ? [] : [size];
  }

  /** Fits field `name` to `decl` (see Dataset.fitField). */
  fit(decl: DataDeclLike, name: string): void {
    const c = this.columns.get(name);
    if (!c) throw new UserError(`${this.label}: has no field '${name}'`);
    const want = shapeSize(decl.shape);
    const declared = `data ${decl.name} ${formatShape(decl.shape)} takes ${formatCount(want)} value${want === 1 ? '' : 's'} per point`;
    if (c.flat && this.rows === undefined) {
      if (want === 0 || c.values.length === 0 || c.values.length % want !== 0) {
        throw new UserError(`${this.label}: field '${name}' holds ${formatCount(c.values.length)} values, which do not split into rows of ${formatCount(want)}: ${declared}`);
      }
      this.rows = c.values.length / want;
      this.rowsFrom = name;
      this.splitFlat(c);
      for (const other of this.columns.values()) if (other.flat && other !== c) this.splitFlat(other);
    }
    if (c.flat) {
      if (c.size !== want) {
        throw new UserError(`${this.label}: field '${name}' holds ${formatCount(c.values.length)} values, ${formatCount(c.size!)} per row for the ${formatCount(this.rows!)} rows of field '${this.rowsFrom}', but ${declared}`);
      }
    } else {
      const r = c.counts!.findIndex((n) => n !== want);
      if (r >= 0) throw new UserError(`${this.where(name, r)}: ${formatCount(c.counts![r]!)} value${c.counts![r] === 1 ? '' : 's'}, but ${declared}`);
      c.size = want;
    }
    c.shape = [...decl.shape];
  }

  /** Checks every value of field `name` (fitted to `decl`) against the declared support. */
  check(decl: DataDeclLike, name: string): void {
    const c = this.columns.get(name);
    if (!c || c.size === undefined) throw new Error(`internal: ${this.label}: field '${name}' is not fitted`);
    const { values, size } = c;
    const s = decl.support;
    const k = s.kind === 'simplex' ? (decl.shape[decl.shape.length - 1] ?? 1) : 0;
    for (let r = 0; r < this.rows!; r++) {
      const base = r * size;
      for (let j = 0; j < size; j++) {
        if (Number.isNaN(values[base + j]!)) {
          if (decl.missing) continue;
          throw new UserError(`${this.where(name, r, size > 1 ? j : undefined)}: NaN (a missing entry), but data ${decl.name} is not declared with missing entries: declare it \`data ${decl.name} : ... missing\` to treat them as latents, or fill them in`);
        }
        const why = outside(values[base + j]!, s);
        if (why) {
          throw new UserError(
            `${this.where(name, r, size > 1 ? j : undefined)} holds ${formatFloat32(values[base + j]!)}, but data ${decl.name} is declared ${describeSupport(s)}: ${why}`,
          );
        }
      }
      if (k > 1) {
        for (let start = 0; start < size; start += k) {
          let sum = 0;
          for (let j = start; j < start + k; j++) sum += values[base + j]!;
          if (Math.abs(sum - 1) > 1e-4) {
            throw new UserError(
              `${this.where(name, r)}: entries ${start} .. ${start + k - 1} sum to ${formatFloat32(Math.fround(sum))}, but data ${decl.name} is declared simplex: each group of ${k} must sum to 1`,
            );
          }
        }
      }
    }
  }

  /** Each field with its point shape; before the rows are known, a flat field reports all its values as one point. */
  fields(): FieldInfo[] {
    return [...this.columns.values()].map((c) => ({ name: c.name, shape: c.shape ?? [c.values.length], domain: REAL }));
  }

  /** `x [784], y []`, or `x (7,840 values)` for a flat field whose rows are not known yet. */
  describeFields(): string {
    return [...this.columns.values()].map((c) => (c.shape ? `${c.name} ${formatShape(c.shape)}` : `${c.name} (${formatCount(c.values.length)} values)`)).join(', ');
  }
}

/** The nesting of one row: 3 -> [], [1, 2] -> [2], [[1, 2], [3, 4], [5, 6]] -> [3, 2]. */
function rowShape(row: unknown): number[] {
  if (Array.isArray(row) || isFlat(row)) return row.length === 0 ? [0] : [row.length, ...rowShape(row[0])];
  return [];
}

/** Some rows of a set of arrays as a data set; the sets of one split fit and check their fields together. */
export class ArrayDataset implements Dataset {
  readonly bindBy = 'name' as const;
  /** Every set of the split (this one included): fitting and checking a field covers them all. */
  companions: readonly ArrayDataset[] = [this];
  private picked?: Uint32Array;

  constructor(
    readonly name: string,
    private readonly source: ArraySource,
    /** The source rows this set holds, in order, given the source's row count. */
    private readonly pick: (rows: number) => Uint32Array,
  ) {}

  /** Whether the number of rows is known (it is not before binding when every field is a flat typed array). */
  get resolved(): boolean {
    return this.source.rows !== undefined;
  }

  /** The source rows this set holds. */
  get rows(): Uint32Array {
    if (this.source.rows === undefined) {
      throw new UserError(`${this.name}: every field is a flat typed array, so the number of points follows from the declared shapes: bind the data to the program's declarations (bindFields) first`);
    }
    this.picked ??= this.pick(this.source.rows);
    return this.picked;
  }

  get size(): number {
    return this.rows.length;
  }

  get fields(): FieldInfo[] {
    return this.source.fields();
  }

  /** The fields for a description. */
  describeFields(): string {
    return this.source.describeFields();
  }

  private sources(): ArraySource[] {
    return [...new Set(this.companions.map((d) => d.source))];
  }

  bindingHint(decl: DataDeclLike): string {
    return `give the arrays a field named '${decl.name}' (one row per data point), or rename the declaration`;
  }

  fitField(decl: DataDeclLike, field: string): void {
    for (const s of this.sources()) s.fit(decl, field);
  }

  checkValues(decl: DataDeclLike, field: string): void {
    for (const s of this.sources()) s.check(decl, field);
  }

  batches(batchSize: number, opts: BatchOptions): AsyncIterable<Batch> {
    return minibatches(this.name, this.size, batchSize, opts, (indices) => this.gather(indices));
  }

  /** The batch of the given points (positions in this set): every field whose rows all hold the same number of values. */
  gather(indices: Uint32Array): Batch {
    const rows = this.rows;
    const fields: Record<string, Float32Array> = {};
    for (const c of this.source.columns.values()) {
      const k = c.size;
      if (k === undefined) continue;
      const out = new Float32Array(indices.length * k);
      for (let b = 0; b < indices.length; b++) {
        const base = rows[indices[b]!]! * k;
        out.set(c.values.subarray(base, base + k), b * k);
      }
      fields[c.name] = out;
    }
    return { size: indices.length, indices, fields };
  }
}

function checkTestFraction(f: number): number {
  if (typeof f !== 'number' || !Number.isFinite(f) || f < 0 || f >= 1) {
    throw new OptionError('testFraction', `must be a number in [0, 1): 0 trains on every point (got ${String(f)})`);
  }
  return f;
}

/**
 * A train/test split of in-memory arrays, one field per data declaration name (see the top of
 * this file): the test arrays given as `options.test`, or a share `testFraction` of the points
 * held out by a permutation seeded with `seed` (the same seed, the same split), or, with
 * neither, every point for training and an empty test set (small data sets keep every point).
 * Bind it with bindFields like any data set; the split's sets are ArrayDatasets.
 */
export function arrayData(fields: ArrayFields, options: ArrayDataOptions = {}): DataSplit {
  const name = options.name ?? 'arrays';
  const seed = options.seed ?? TEST_SPLIT_SEED;
  let train: ArrayDataset;
  let test: ArrayDataset;
  let how: string;
  if (options.test !== undefined) {
    if (options.testFraction !== undefined) {
      throw new OptionError('testFraction', 'holds out part of the training arrays, but test arrays are given: give one or the other');
    }
    const trainSource = new ArraySource(name, fields);
    const testSource = new ArraySource(`${name} (test)`, options.test);
    const names = [...trainSource.columns.keys()];
    for (const n of names) {
      if (!testSource.columns.has(n)) throw new UserError(`${name} (test): has no field '${n}'; the test arrays need every field of the training arrays (${names.join(', ')})`);
    }
    for (const n of testSource.columns.keys()) {
      if (!trainSource.columns.has(n)) throw new UserError(`${name} (test): field '${n}' is not a field of the training arrays (${names.join(', ')})`);
    }
    const all = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);
    train = new ArrayDataset(`${name}/train`, trainSource, all);
    test = new ArrayDataset(`${name}/test`, testSource, all);
    how = 'test arrays given';
  } else if (options.testFraction === undefined) {
    const source = new ArraySource(name, fields);
    train = new ArrayDataset(`${name}/train`, source, (n) => Uint32Array.from({ length: n }, (_, i) => i));
    test = new ArrayDataset(`${name}/test`, source, () => new Uint32Array(0));
    how = 'no test set';
  } else {
    const f = checkTestFraction(options.testFraction);
    const source = new ArraySource(name, fields);
    let split: { train: Uint32Array; test: Uint32Array } | undefined;
    const part = (which: 'train' | 'test') => (n: number): Uint32Array => (split ??= holdOut(n, f, name, seed))[which];
    train = new ArrayDataset(`${name}/train`, source, part('train'));
    test = new ArrayDataset(`${name}/test`, source, part('test'));
    how = `test fraction ${f}: points held out by a ${options.seed === undefined ? 'fixed-seed' : `'${seed}'-seeded`} permutation`;
  }
  train.companions = test.companions = [train, test];
  if (train.resolved) void train.size; // a split that cannot be made fails here, not at the first batch
  return {
    train,
    test,
    get description(): string {
      const points = train.resolved && test.resolved ? `${formatCount(train.size)} train / ${formatCount(test.size)} test points` : 'points split by the declared shapes when bound';
      return `in-memory arrays (${how}): ${points}; fields ${train.describeFields()}`;
    },
  };
}
