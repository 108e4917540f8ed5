// Tabular data from CSV (the data spec `csv:PATH`): a header row naming numeric columns, one data point
// per row. Columns become fields by name:
// - every column is a scalar field of its own name (`data y : binary` binds to column y);
// - the columns NAME_0, NAME_1, ..., NAME_{n-1} (0-based, like the language's indexing, in
//   row-major order for a matrix) together form the field NAME of shape [n]
//   (`data X : real[5]` binds to X_0 .. X_4);
// - `columns=NAME=a,b,c` (the option `columns`) makes the field NAME of the listed columns.
// Values are checked against each declaration's domain when it binds, naming the file and line.
import { parse } from 'csv-parse/sync';
import { OptionError, UserError } from '../errors.js';
import { describeSupport, REAL } from '../support.js';
import type { Batch, BatchOptions, DataDeclLike, Dataset, FieldInfo } from './dataset.js';
import { minibatches, shapeSize } from './dataset.js';
import type { ColumnOverride } from './spec.js';
import { formatFloat32, outside } from './values.js';

export { formatFloat32 } from './values.js';

/** A parsed CSV file: the header and every row's values, row-major. */
export interface CsvTable {
  /** The path as given, for messages. */
  file: string;
  header: string[];
  rows: number;
  /** rows * header.length values. */
  values: Float32Array;
  /** The file line (1-based) each row ends on, for messages. */
  lines: Uint32Array;
}

/** How a CSV field says that its entry is missing. */
const MISSING = new Set(['', 'NA', 'NaN', 'nan']);

/** Decimal numbers only: `12`, `-0.5`, `.5`, `1e-3`, `+2.5E+2` (no hex, no Infinity, no NaN). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The column name of a vector's entry k: `X_3` (0-based, row-major for a matrix). */
export function entryColumn(name: string, k: number): string {
  return `${name}_${k}`;
}

/** Column names of a declaration under the convention: its name for a scalar, else NAME_0 .. NAME_{n-1}. */
export function declColumns(name: string, shape: readonly number[]): string[] {
  if (shape.length === 0) return [name];
  return Array.from({ length: shapeSize(shape) }, (_, k) => entryColumn(name, k));
}

function isNumberRow(fields: readonly string[]): boolean {
  return fields.length > 0 && fields.every((f) => NUMBER.test(f));
}

/** Parses CSV text; `file` names it in messages (the text may come from anywhere). Rows are converted as they are parsed (no array of strings per row is kept). */
export function parseCsv(text: string, file: string): CsvTable {
  let header: string[] | undefined;
  let values = new Float32Array(1 << 12);
  let used = 0;
  const lines: number[] = [];
  const onRecord = (record: string[], context: { lines: number }): null => {
    const line = context.lines;
    if (!header) {
      if (isNumberRow(record)) {
        throw new UserError(`${file}:${line}: the first row holds only numbers; a header row naming the columns is required`);
      }
      const where = new Map<string, number>();
      record.forEach((name, c) => {
        if (name === '') throw new UserError(`${file}:${line}: column ${c + 1} of the header has no name`);
        const before = where.get(name);
        if (before !== undefined) throw new UserError(`${file}:${line}: column '${name}' appears twice in the header (columns ${before + 1} and ${c + 1})`);
        where.set(name, c);
      });
      header = record;
      return null;
    }
    const cols = header.length;
    if (record.length !== cols) throw new UserError(`${file}:${line}: expected ${cols} fields, found ${record.length}`);
    if (used + cols > values.length) {
      const grown = new Float32Array(Math.max(values.length * 2, used + cols));
      grown.set(values.subarray(0, used));
      values = grown;
    }
    for (let c = 0; c < cols; c++) {
      const raw = record[c]!;
      // An empty field, NA or NaN is a missing entry: allowed where the declaration says `missing` (checkOwn).
      if (MISSING.has(raw)) {
        values[used++] = NaN;
        continue;
      }
      if (!NUMBER.test(raw)) throw new UserError(`${file}:${line}: column ${header[c]}: '${raw}' is not a number`);
      values[used++] = Number(raw);
    }
    lines.push(line);
    return null;
  };
  try {
    parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, on_record: onRecord });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${file}: not readable as CSV: ${(e as Error).message}`);
  }
  if (!header) throw new UserError(`${file}: empty: expected a header row naming the columns, then one row per data point`);
  if (lines.length === 0) throw new UserError(`${file}: no data rows after the header`);
  return { file, header, rows: lines.length, values: values.slice(0, used), lines: Uint32Array.from(lines) };
}

/** A field of a table: its description and the columns it reads, by name. */
export interface TableField {
  info: FieldInfo;
  columns: string[];
}

/**
 * The fields of a table with this header: each column, each complete NAME_0 .. NAME_{n-1} group
 * (unless a column is itself called NAME), and each override (which wins over both).
 */
export function tableFields(header: readonly string[], overrides: readonly ColumnOverride[], file: string): TableField[] {
  const present = new Set(header);
  const groups = new Map<string, Map<number, string>>();
  for (const col of header) {
    const m = /^(.+)_(0|[1-9]\d*)$/.exec(col);
    if (!m) continue;
    const entries = groups.get(m[1]!) ?? new Map<number, string>();
    entries.set(Number(m[2]), col);
    groups.set(m[1]!, entries);
  }
  const fields = new Map<string, TableField>();
  for (const [name, entries] of groups) {
    if (present.has(name)) continue;
    const n = entries.size;
    if (![...entries.keys()].every((k) => k < n)) continue;
    const columns = Array.from({ length: n }, (_, k) => entries.get(k)!);
    fields.set(name, { info: { name, shape: [n], domain: REAL }, columns });
  }
  for (const col of header) fields.set(col, { info: { name: col, shape: [], domain: REAL }, columns: [col] });
  for (const o of overrides) {
    const missing = o.columns.filter((c) => !present.has(c));
    if (missing.length) {
      throw new OptionError('columns', `${o.decl}=${o.columns.join(',')}: ${file} has no column ${missing.map((c) => `'${c}'`).join(', ')} (columns: ${abbreviate(header)})`);
    }
    fields.set(o.decl, { info: { name: o.decl, shape: o.columns.length === 1 ? [] : [o.columns.length], domain: REAL }, columns: [...o.columns] });
  }
  // Groups and overrides first: they are what vector declarations bind to.
  return [...fields.values()].sort((a, b) => Number(b.info.shape.length > 0) - Number(a.info.shape.length > 0));
}

function abbreviate(names: readonly string[], max = 12): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max - 2).join(', ')}, ... (${names.length} in all)`;
}

function range(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names[0]} .. ${names[names.length - 1]}`;
}

/** Some rows of a CSV table as a data set; the sets opened together check values together. */
export class TableDataset implements Dataset {
  readonly bindBy = 'name' as const;
  readonly size: number;
  readonly fields: readonly FieldInfo[];
  private readonly columnIndex: Map<string, Uint32Array>;
  private readonly columnNames: Map<string, string[]>;
  /** Every set of the split (this one included): binding checks their values too. */
  companions: readonly TableDataset[] = [this];

  constructor(
    readonly name: string,
    readonly table: CsvTable,
    /** The table rows this set holds, in order. */
    readonly rows: Uint32Array,
    fields: readonly TableField[],
    private readonly overrides: readonly ColumnOverride[],
  ) {
    this.size = rows.length;
    this.fields = fields.map((f) => f.info);
    this.columnIndex = new Map();
    this.columnNames = new Map();
    const at = new Map(table.header.map((h, c) => [h, c]));
    for (const f of fields) {
      const idx = f.columns.map((c) => {
        const i = at.get(c);
        if (i === undefined) throw new UserError(`${table.file}: has no column '${c}' (columns: ${abbreviate(table.header)})`);
        return i;
      });
      this.columnIndex.set(f.info.name, Uint32Array.from(idx));
      this.columnNames.set(f.info.name, f.columns);
    }
  }

  bindingHint(decl: DataDeclLike): string {
    const file = this.table.file;
    const option = `\`columns\` ${decl.name}=${Array.from({ length: Math.min(shapeSize(decl.shape), 3) }, (_, k) => `COL${k + 1}`).join(',')}${shapeSize(decl.shape) > 3 ? ',...' : ''}`;
    const override = this.overrides.find((o) => o.decl === decl.name);
    if (override) return `it binds to the columns named by \`columns\` (${range(override.columns)}, ${override.columns.length} of them)`;
    const wanted = declColumns(decl.name, decl.shape);
    const have = new Set(this.table.header);
    const found = wanted.filter((c) => have.has(c));
    const missing = wanted.filter((c) => !have.has(c));
    const looked = `it looks for ${wanted.length === 1 ? `the column ${wanted[0]}` : `the ${wanted.length} columns ${range(wanted)}`} in ${file}`;
    const detail = found.length === 0 ? 'and found none of them' : `and ${missing.length ? `lacks ${missing.length <= 5 ? missing.join(', ') : `${missing.length} of them (${missing.slice(0, 3).join(', ')}, ...)`}` : 'found them all'}`;
    const extra = decl.shape.length > 0 && have.has(entryColumn(decl.name, wanted.length)) ? ` (it also has ${entryColumn(decl.name, wanted.length)}: does the declared shape match the file?)` : '';
    return `${looked} ${detail}${extra}; name the columns with ${option}`;
  }

  checkValues(decl: DataDeclLike, field: string): void {
    for (const ds of this.companions) ds.checkOwn(decl, field);
  }

  private checkOwn(decl: DataDeclLike, field: string): void {
    const idx = this.columnIndex.get(field);
    const names = this.columnNames.get(field);
    if (!idx || !names) throw new Error(`internal: ${this.name} has no field '${field}'`);
    const { values, header, lines, file } = this.table;
    const cols = header.length;
    const s = decl.support;
    const k = s.kind === 'simplex' ? (decl.shape[decl.shape.length - 1] ?? 1) : 0;
    for (const r of this.rows) {
      for (let j = 0; j < idx.length; j++) {
        const v = values[r * cols + idx[j]!]!;
        if (Number.isNaN(v)) {
          if (decl.missing) continue;
          throw new UserError(`${file}:${lines[r]}: column ${names[j]} is empty (a missing entry), but data ${decl.name} is not declared with missing entries: declare it \`data ${decl.name} : ... missing\` to treat them as latents, or fill them in`);
        }
        const why = outside(v, s);
        if (why) {
          throw new UserError(
            `${file}:${lines[r]}: column ${names[j]} holds ${formatFloat32(v)}, but data ${decl.name} is declared ${describeSupport(s)}: ${why}`,
          );
        }
      }
      if (k > 1) {
        for (let start = 0; start < idx.length; start += k) {
          let sum = 0;
          for (let j = start; j < start + k; j++) sum += values[r * cols + idx[j]!]!;
          if (Math.abs(sum - 1) > 1e-4) {
            throw new UserError(
              `${file}:${lines[r]}: columns ${range(names.slice(start, start + k))} sum to ${formatFloat32(Math.fround(sum))}, but data ${decl.name} is declared simplex: each group of ${k} must sum to 1`,
            );
          }
        }
      }
    }
  }

  batches(batchSize: number, opts: BatchOptions): AsyncIterable<Batch> {
    return minibatches(this.name, this.size, batchSize, opts, (indices) => this.gather(indices));
  }

  /** The batch of the given points (positions in this set). */
  gather(indices: Uint32Array): Batch {
    const { values, header } = this.table;
    const cols = header.length;
    const fields: Record<string, Float32Array> = {};
    for (const [name, idx] of this.columnIndex) {
      const k = idx.length;
      const out = new Float32Array(indices.length * k);
      for (let b = 0; b < indices.length; b++) {
        const base = this.rows[indices[b]!]! * cols;
        for (let j = 0; j < k; j++) out[b * k + j] = values[base + idx[j]!]!;
      }
      fields[name] = out;
    }
    return { size: indices.length, indices, fields };
  }
}
