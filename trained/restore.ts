// A trained program: the checked source compiled afresh, its parameters restored from a
// checkpoint written by `ppl train`.
import type { CheckedProgram } from '../lang/checked.js';
import { compileProgram, type CompiledProgram } from '../lang/compiler/index.js';
import { sourceHash, type Checkpoint } from '../inference/checkpoint.js';

export interface RestoredProgram {
  program: CompiledProgram;
  /** The checkpoint was written from a different version of the source (its SHA-256 differs). */
  sourceChanged: boolean;
}

/**
 * Compile `checked` with `seed` and load the checkpoint's parameters into it. Throws the
 * ParamStore's UserError (naming `origin`) when a parameter is missing or has another shape;
 * a changed source with matching shapes is only reported through `sourceChanged`.
 */
export function restoreProgram(checked: CheckedProgram, ckpt: Checkpoint, origin: string, seed: string): RestoredProgram {
  const program = compileProgram(checked, { seed });
  try {
    program.params.restore(ckpt.params, origin);
  } catch (e) {
    program.dispose();
    throw e;
  }
  return { program, sourceChanged: ckpt.model.sha256 !== sourceHash(checked.source) };
}
