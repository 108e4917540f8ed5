// The pipeline in one place, stage by stage (stanc3's driver, src/driver/Entry.ml, is the model):
//
//   text --parse--> AST --check--> checked program --lower--> lowered program
//        --compile--> compiled closures --objective (a value) + optimizer--> SVI --> trained parameters
//
// checkModel and loadModel run the front end; fit, restoreModel and untrainedModel the back end
// and training. The command line calls those same library functions, so it shares this path.
import { parseProgram } from '../lang/parser.js';
import { checkProgram, type CheckOptions, type CheckResult } from '../lang/checker/index.js';
import { lowerProgram } from '../lang/lower/lower.js';
import { CompiledProgram } from '../lang/compiler/index.js';
import type { EstimatorMode } from '../runtime/effects/messages.js';
import type { DataSplit } from '../runtime/data/dataset.js';
import { objectiveFor, Trainer, type TrainerOptions } from '../inference/train.js';
import { DEFAULT_TRAIN_OPTIONS } from '../inference/train-options.js';
import type { Bindings } from '../inference/minibatch.js';

/** Text to the checked program: every problem found comes back as a diagnostic. */
export function frontEnd(file: string, source: string, options: CheckOptions = {}): CheckResult {
  const parsed = parseProgram(file, source);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: parsed.diagnostics };
  const checked = checkProgram(parsed.program, options);
  return { ...checked, diagnostics: [...parsed.diagnostics, ...checked.diagnostics] };
}

export interface BackEndOptions {
  /** Seed of the initial values of nets and jittered parameters. */
  seed: string;
  /** How unpinned guide sites' gradients are estimated; 'auto' is pathwise where possible. */
  estimator?: EstimatorMode;
}

/** The checked program to closures over tfjs, through the lowered program. */
export function backEnd(checked: NonNullable<CheckResult['checked']>, options: BackEndOptions): CompiledProgram {
  const lowered = lowerProgram(checked, { estimator: options.estimator });
  return new CompiledProgram(lowered, { seed: options.seed });
}

/** SVI of a compiled program: the objective the options name, as a value, and an optimizer. */
export function trainingRun(program: CompiledProgram, data: DataSplit, bindings: Bindings, options: TrainerOptions): Trainer {
  const objective = objectiveFor(program, { ...DEFAULT_TRAIN_OPTIONS, ...options });
  return new Trainer(program, data, bindings, options, objective);
}
