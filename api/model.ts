// A model: its source, parsed and checked. checkModel reports every problem as data;
// loadModel throws them as one ProgramError. Both work on a string: reading a file is
// api/model-file.ts (Node only).
import { frontEnd } from './front-end.js';
import { ProgramError } from '../lang/diagnostics.js';
import type { CheckedProgram } from '../lang/checked.js';
import type { EstimatorMode } from '../lang/compiler/index.js';
import { sourceHash } from '../inference/checkpoint.js';
import { lowerProgram } from '../lang/lower/lower.js';
import type { LoweredProgram } from '../lang/lower/program.js';
import { diagnosticsAsData, formatModelDiagnostics, type ModelDiagnostic } from './diagnostics.js';

export interface Model {
  /** The name messages and checkpoints give the source (a path, or 'model.ppl'). */
  readonly file: string;
  readonly source: string;
  /** SHA-256 of the source: a checkpoint records it, to notice a model edited after training. */
  readonly sha256: string;
  /** The checked program (the compiler's input). */
  readonly checked: CheckedProgram;
  /** Warnings found while checking (errors make checkModel's `ok` false instead). */
  readonly warnings: readonly ModelDiagnostic[];
}

export interface CheckModelOptions {
  /** The name diagnostics and checkpoints give the source. Default 'model.ppl'. */
  file?: string;
  /** With 'reparam', every guide site must be reparameterizable (checked here, not in training). */
  estimator?: EstimatorMode;
}

export interface ModelCheck {
  /** No errors (warnings allowed): `model` is there. */
  ok: boolean;
  /** Every error and warning, in source order. */
  diagnostics: ModelDiagnostic[];
  /** The diagnostics as the command line prints them (empty when there are none). */
  text: string;
  model?: Model;
}

export const DEFAULT_MODEL_FILE = 'model.ppl';

function modelOf(file: string, source: string, checked: CheckedProgram, diagnostics: readonly ModelDiagnostic[]): Model {
  return { file, source, sha256: sourceHash(source), checked, warnings: diagnostics.filter((d) => d.severity === 'warning') };
}

/** Parse and check `source`; every problem comes back as data. */
export function checkModel(source: string, options: CheckModelOptions = {}): ModelCheck {
  const file = options.file ?? DEFAULT_MODEL_FILE;
  const result = frontEnd(file, source, { estimator: options.estimator });
  const diagnostics = diagnosticsAsData(file, source, result.diagnostics);
  const text = formatModelDiagnostics(diagnostics);
  const ok = result.checked !== undefined && !diagnostics.some((d) => d.severity === 'error');
  return ok ? { ok, diagnostics, text, model: modelOf(file, source, result.checked!, diagnostics) } : { ok, diagnostics, text };
}

/** Parse and check `source`; a ProgramError (a UserError) carries every diagnostic when there is an error. */
export function loadModel(source: string, options: CheckModelOptions = {}): Model {
  const file = options.file ?? DEFAULT_MODEL_FILE;
  const result = frontEnd(file, source, { estimator: options.estimator });
  if (!result.checked || result.diagnostics.some((d) => d.severity === 'error')) throw new ProgramError(file, source, result.diagnostics);
  return modelOf(file, source, result.checked, diagnosticsAsData(file, source, result.diagnostics));
}

/**
 * The lowered program of a model: every site with its distribution, estimator (under
 * `estimator`, default 'auto'), enumeration and plate, automatic guides spelled out. What
 * training runs; useful to show a model's structure.
 */
export function lowerModel(model: Model, options: { estimator?: EstimatorMode } = {}): LoweredProgram {
  return lowerProgram(model.checked, options);
}
