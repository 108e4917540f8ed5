// A simulation's inputs (data a model reads but never generates, such as covariates) read from
// a CSV file under the csv: conventions.
import { UserError } from '../runtime/errors.js';
import { bindFields, TableDataset, tableFields } from '../runtime/data/index.js';
import type { LoweredProgram } from '../lang/lower/program.js';
import { inputData } from '../trained/observed.js';
import { readCsv } from './csv-file.js';

/**
 * The inputs of a program read from a CSV file under the csv: conventions (column overrides
 * included): the first `n` rows, or every row when n is undefined.
 */
export async function inputsFromCsv(
  lowered: LoweredProgram,
  file: string,
  n: number | undefined,
  columns: readonly { decl: string; columns: string[] }[] = [],
): Promise<{ n: number; values: Map<string, Float32Array> }> {
  const decls = inputData(lowered);
  if (decls.length === 0) throw new UserError(`${lowered.file}: the model has no inputs (every data variable is ~-ed), so no inputs are needed`);
  const table = await readCsv(file);
  const count = n ?? table.rows;
  if (count > table.rows) throw new UserError(`${file}: ${table.rows} rows of inputs, but ${count} points are to be simulated; simulate at most ${table.rows} points or give more rows`);
  const rows = Uint32Array.from({ length: count }, (_, i) => i);
  const ds = new TableDataset(file, table, rows, tableFields(table.header, columns, file), columns);
  const binding = bindFields(decls, ds);
  const batch = ds.gather(Uint32Array.from({ length: count }, (_, i) => i));
  const values = new Map<string, Float32Array>();
  for (const d of decls) values.set(d.name, batch.fields[binding.get(d.name)!]!);
  return { n: count, values };
}
