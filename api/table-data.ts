// Data given as arrays in memory, one array per column: `tableData({ x: [1, 1, 0] })` is a
// training set of three points whose field x binds to `data x`. A column of numbers is a scalar
// field; a column of equal-length number arrays is a vector field. The data layer's own
// in-memory data sets (arrayData) may replace the implementation below; the function stays.
import { UserError } from '../runtime/errors.js';
import { describeSupport, REAL } from '../runtime/support.js';
import { outside } from '../runtime/data/values.js';
import { minibatches, type Batch, type BatchOptions, type DataDeclLike, type Dataset, type DataSplit, type FieldInfo } from '../runtime/data/dataset.js';

/** One column: a number per point, or an equal-length array of numbers per point. */
export type Column = ArrayLike<number> | readonly ArrayLike<number>[];

export type Columns = Readonly<Record<string, Column>>;

export interface TableDataOptions {
  /** The held-out points, with the same columns (default: none, so training reports no test ELBO). */
  test?: Columns;
  /** Named in messages and descriptions. Default 'table'. */
  name?: string;
}

interface Field {
  info: FieldInfo;
  /** size * per values, row-major. */
  values: Float32Array;
  per: number;
}

function isVectorColumn(c: Column): c is readonly ArrayLike<number>[] {
  return c.length > 0 && typeof c[0] !== 'number';
}

function toField(name: string, column: Column, where: string): { field: Field; size: number } {
  if (!isVectorColumn(column)) {
    const values = Float32Array.from(column);
    return { field: { info: { name, shape: [], domain: REAL }, values, per: 1 }, size: values.length };
  }
  const per = column[0]!.length;
  const values = new Float32Array(column.length * per);
  column.forEach((row, i) => {
    if (row.length !== per) throw new UserError(`${where}: column ${name}: point ${i} has ${row.length} values, point 0 has ${per}`);
    values.set(Array.from(row), i * per);
  });
  return { field: { info: { name, shape: [per], domain: REAL }, values, per }, size: column.length };
}

/** Columns in memory as a data set; the sets of one split check their values together. */
class ColumnTable implements Dataset {
  readonly bindBy = 'name' as const;
  readonly fields: readonly FieldInfo[];
  companions: readonly ColumnTable[] = [this];

  constructor(
    readonly name: string,
    readonly size: number,
    readonly columns: ReadonlyMap<string, Field>,
  ) {
    this.fields = [...columns.values()].map((f) => f.info);
  }

  bindingHint(decl: DataDeclLike): string {
    return `give a column named ${decl.name}`;
  }

  checkValues(decl: DataDeclLike, field: string): void {
    for (const t of this.companions) t.checkOwn(decl, field);
  }

  private checkOwn(decl: DataDeclLike, field: string): void {
    const f = this.columns.get(field);
    if (!f) throw new Error(`internal: ${this.name} has no field '${field}'`);
    const k = decl.support.kind === 'simplex' ? (decl.shape[decl.shape.length - 1] ?? 1) : 1;
    for (let i = 0; i < f.values.length; i++) {
      const why = outside(f.values[i]!, decl.support);
      if (why) throw new UserError(`${this.name}: column ${field}, point ${Math.floor(i / f.per)}: holds ${f.values[i]}, but data ${decl.name} is declared ${describeSupport(decl.support)}: ${why}`);
    }
    if (k > 1) {
      for (let start = 0; start < f.values.length; start += k) {
        let sum = 0;
        for (let j = start; j < start + k; j++) sum += f.values[j]!;
        if (Math.abs(sum - 1) > 1e-4) throw new UserError(`${this.name}: column ${field}, point ${Math.floor(start / f.per)}: entries sum to ${sum}, but data ${decl.name} is declared simplex`);
      }
    }
  }

  batches(batchSize: number, opts: BatchOptions): AsyncIterable<Batch> {
    return minibatches(this.name, this.size, batchSize, opts, (indices) => this.gather(indices));
  }

  private gather(indices: Uint32Array): Batch {
    const size = indices.length;
    const fields: Record<string, Float32Array> = {};
    for (const [name, f] of this.columns) {
      const out = new Float32Array(size * f.per);
      for (let b = 0; b < size; b++) out.set(f.values.subarray(indices[b]! * f.per, (indices[b]! + 1) * f.per), b * f.per);
      fields[name] = out;
    }
    return { size, indices, fields };
  }
}

function table(name: string, columns: Columns): ColumnTable {
  const fields = new Map<string, Field>();
  let size: number | undefined;
  let first = '';
  for (const [col, values] of Object.entries(columns)) {
    const { field, size: n } = toField(col, values, name);
    if (size !== undefined && n !== size) throw new UserError(`${name}: column ${col} has ${n} points, column ${first} has ${size}`);
    if (size === undefined) [size, first] = [n, col];
    fields.set(col, field);
  }
  return new ColumnTable(name, size ?? 0, fields);
}

/**
 * A train/test split from columns of numbers in memory. Declarations bind to columns by name;
 * values are checked against each declaration's domain when a model binds them.
 */
export function tableData(train: Columns, options: TableDataOptions = {}): DataSplit {
  const name = options.name ?? 'table';
  const trainSet = table(`${name}/train`, train);
  if (trainSet.fields.length === 0) throw new UserError(`${name}: no columns`);
  const testSet = options.test
    ? table(`${name}/test`, options.test)
    : new ColumnTable(`${name}/test`, 0, new Map([...trainSet.columns].map(([k, f]) => [k, { ...f, values: new Float32Array(0) }])));
  trainSet.companions = testSet.companions = [trainSet, testSet];
  const points = (n: number): string => `${n.toLocaleString('en-US')} point${n === 1 ? '' : 's'}`;
  return { train: trainSet, test: testSet, description: `${name}: ${points(trainSet.size)} train / ${points(testSet.size)} test, in memory` };
}
