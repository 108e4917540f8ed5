// Reading a .ppl file and checking it, with the user-facing errors the CLI prints.
import * as fs from 'node:fs';
import { ProgramError } from '../lang/diagnostics.js';
import { UserError } from '../runtime/errors.js';
import { checkSource } from '../lang/checker/index.js';
import type { CheckedProgram } from '../lang/checked.js';
import type { CheckOptions } from '../lang/checker/context.js';

export interface LoadedProgram {
  checked: CheckedProgram;
  warnings: string;
}

export function readSource(file: string): string {
  if (!fs.existsSync(file)) throw new UserError(`${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new UserError(`${file}: is a directory, expected a .ppl file`);
  return fs.readFileSync(file, 'utf8');
}

/** Parse and check; throws ProgramError with every diagnostic when there is an error. */
export function loadProgram(file: string, options: CheckOptions = {}): LoadedProgram {
  const source = readSource(file);
  const result = checkSource(file, source, options);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
  if (errors.length > 0 || !result.checked) throw new ProgramError(file, source, result.diagnostics);
  const warningText = warnings.length ? new ProgramError(file, source, warnings).message : '';
  return { checked: result.checked, warnings: warningText };
}
