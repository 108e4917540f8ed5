// The pipeline in one place, stage by stage (stanc3's driver, src/driver/Entry.ml, is the model):
//
//   text --parse--> AST --check--> checked program --lower--> lowered program
//        --compile--> compiled closures --objective (a value) + optimizer--> SVI --> trained parameters
//
// The stages are parseProgram (lang/parser.ts) and checkProgram (lang/checker/), joined by
// checkSource; lowerProgram (lang/lower/) and CompiledProgram (lang/compiler/), joined by
// compileProgram; objectiveFor and Trainer (inference/). checkModel and loadModel run the front
// end; fit, restoreModel and untrainedModel the back end and training. The command line calls
// those same library functions, so it shares this path.
import type { CheckResult } from '../lang/checker/index.js';
import { compileProgram, type CompiledProgram, type ProgramOptions } from '../lang/compiler/index.js';
import type { DataSplit } from '../runtime/data/dataset.js';
import { objectiveFor, Trainer, type TrainerOptions } from '../inference/train.js';
import { DEFAULT_TRAIN_OPTIONS } from '../inference/train-options.js';
import type { Bindings } from '../inference/minibatch.js';

// The front end is a module of its own (api/front-end.ts) so that checking a model loads no
// tensor library; it is re-exported here with the other stages.
export { frontEnd } from './front-end.js';

/** The checked program to closures over tfjs (lower, then compile). */
export function backEnd(checked: NonNullable<CheckResult['checked']>, options: ProgramOptions): CompiledProgram {
  return compileProgram(checked, options);
}

/** SVI of a compiled program: the objective the options name, as a value, and an optimizer. */
export function trainingRun(program: CompiledProgram, data: DataSplit, bindings: Bindings, options: TrainerOptions): Trainer {
  const objective = objectiveFor(program, { ...DEFAULT_TRAIN_OPTIONS, ...options });
  return new Trainer(program, data, bindings, options, objective);
}
