// A CSV file read and parsed (runtime/data/csv.ts parses the text).
import { parseCsv } from '../runtime/data/csv.js';
import type { CsvTable } from '../runtime/data/csv.js';
import { readText } from './read-file.js';

export async function readCsv(file: string): Promise<CsvTable> {
  return parseCsv(await readText(file), file);
}
