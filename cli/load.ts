// Loading a .ppl file for a command: the library checks it (a ProgramError prints every
// diagnostic); the command prints the warnings.
import { formatModelDiagnostics, loadModel, type EstimatorMode, type Model } from '../api/node/front.js';

export interface LoadedModel {
  model: Model;
  /** The warnings as printed (empty when there are none). */
  warnings: string;
}

export function loadProgram(file: string, options: { estimator?: EstimatorMode } = {}): LoadedModel {
  const model = loadModel({ file }, options);
  return { model, warnings: formatModelDiagnostics(model.warnings) };
}
