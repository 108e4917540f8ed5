// The light part of the library: check a model, describe it, answer an editor, and the
// errors; nothing here loads TensorFlow.js (test/architecture.test.ts checks it), so `ppl
// check`, `ppl --help` and an editor start fast. api/engine.ts re-exports all of it.
export { describeAutoGuide, listAutoGuides } from '../lang/lower/auto-guides.js';
export { describeNet } from '../lang/nets/registry.js';
export { sitesOf, type LoweredData, type LoweredLatent, type LoweredProgram, type LoweredSite } from '../lang/lower/program.js';
export { checkModel, loadModel, lowerModel, DEFAULT_MODEL_FILE, type CheckModelOptions, type Model, type ModelCheck } from './model.js';
// Editor support: diagnostics, hover, go-to-definition and completion for a source text.
export { KEYWORDS, ModelDocument, type Completion, type CompletionKind, type EditorDiagnostic, type HoverInfo, type Position, type Range } from './language-service.js';
export { formatModelDiagnostics, type ModelDiagnostic, type Severity, type SourceSpan } from './diagnostics.js';
export { ProgramError } from '../lang/diagnostics.js';
export { OptionError, UserError } from './errors.js';
export { ESTIMATOR_MODES, type EstimatorKind, type EstimatorMode } from '../runtime/estimator-rule.js';
export type { CheckedProgram } from '../lang/checked.js';
export { describeSupport, type Support } from '../runtime/support.js';
export { enumerationSize } from '../runtime/enumeration.js';
export { formatCount } from '../runtime/format.js';
