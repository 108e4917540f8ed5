// The browser-safe entry (`ppl-vi/engine`, and `ppl-vi` under the `browser` condition): the
// whole library except what reads or writes files. Nothing imported from here imports a node:
// module; the Node flavours (model files, data specs, checkpoint files) are api/node.ts.

// Models: check a source, diagnostics as data, editor support (the light part: api/front.ts).
export * from './front.js';

// Importance sampling that rests on a few draws.
export { essThreshold, lowEssWarning, type LowEss } from './ess-warning.js';

// Training.
export { DEFAULT_CHECKPOINT_SECONDS, fit, type EpochRecord, type FitCallbacks, type FitOptions, type FitResult, type FitStart, type InitializationReport, type StepInfo } from './fit.js';
export { DEFAULT_TRAIN_OPTIONS, ESTIMATORS, KL_MODES, OBJECTIVES, resolveTrainOptions, type TrainObjective, type TrainOptions } from '../inference/train-options.js';
export { OPTIMIZERS, type OptimizerName } from '../inference/optimizers.js';
export { BASELINES, parseBaselines, type BaselineKind } from '../inference/objectives/baselines.js';
export { OBJECTIVES as OBJECTIVE_REGISTRY, makeObjective, type ObjectiveEntry, type ObjectiveName, type ObjectiveOptions } from '../inference/objectives/registry.js';
export type { Objective, ObjectiveValue } from '../inference/objectives/objective.js';
export type { KlMode } from '../inference/elbo.js';
export { TrainingDiverged } from '../inference/train.js';
export { checkResume, type ResumeChange } from './resume.js';
export { exportParameters, nested, type ExportedParameter, type ExportedParameters, type NestedArray } from './export-params.js';
export { checkStepMemory, MEMORY_BUDGET_BYTES, MAX_PARAMETERS } from '../lang/limits.js';

// Checkpoints as objects and as JSON text.
export { parseCheckpoint, serializeCheckpoint, sourceHash, type Checkpoint, type EpochProgress, type OptionValue } from '../inference/checkpoint.js';

// Trained models.
export {
  restoreModel,
  TrainedModel,
  untrainedModel,
  type EncodeOptions,
  type EvaluateOptions,
  type GradientStatsOptions,
  type ManifoldOptions,
  type Reconstruction,
  type ReconstructOptions,
  type RestoreOptions,
  type SampleOptions,
  type TrainedModelInit,
} from './trained.js';
export { DEFAULT_SUMMARY_DRAWS, type PosteriorSummary, type SummaryOptions, type VariableSummary } from './summary.js';
export { elementLabel, formatSummary, summaryCsv, summaryJson, summaryTable, SUMMARY_FORMATS, type SummaryFormat, type SummaryTableOptions } from './summary-format.js';
export { INPAINT_DEFAULTS, type InpaintOptions, type Inpainting } from './inpaint.js';
export { INPAINT_METHODS, type HiddenError, type InpaintMethod } from '../trained/inpaint.js';
export { MASK_SPEC_FORMS, parseMaskSpec, type MaskSpec } from '../trained/mask.js';
export { DEFAULT_ENCODE_PARTICLES, type EncodedSet, type LatentSummary } from '../trained/encode.js';
export type { DecodeMode, Generated, PointValues } from '../trained/generate.js';
export { meanWithError, type Evaluation, type MeanWithError } from '../trained/loglik.js';
export type { Manifold } from '../trained/manifold.js';
export { isNotApplicable, parseEstimatorSpec, type EstimatorResult, type EstimatorSpec, type EstimatorStats, type GradientReport, type GroupStats, type NotApplicable } from '../experiments/gradient-stats.js';
export type { FixedValue, GlobalValues } from '../trained/replay.js';

// Synthetic data from the generative process.
export { idxImageData, simulate, simulatedCsv, simulatedIdx, type Simulated, type SimulateOptions } from './simulate.js';

// Estimators compared by training.
export { compareEstimators, defaultTarget, finalElbo, firstReaching, type Budget, type CompareOptions, type CompareProgress, type CurvePoint, type EstimatorRun, type EvalSchedule } from './compare.js';

// Data in memory, and binding data to a model.
export { arrayData, type ArrayDataOptions, type ArrayField, type ArrayFields } from '../runtime/data/index.js';
export { bindData, bindSplit, type TrainingData, type Batch, type Bindings, type BoundData, type BoundSplit, type DataInput, type Dataset, type DataSplit, type FieldInfo } from './data.js';
export { BINARIZE_MODES, type Binarize } from '../runtime/data/binarize.js';

// Presenting results: which data a model generates, pictures, projections.
export { imageLayout, inputData, modelledData, primaryData, valuesPerPoint, type ImageLayout } from '../trained/observed.js';
export { principalComponents, type Projection } from '../trained/pca.js';

// Effect handlers and program runs, for inference of one's own (NumPyro's handlers, over a
// trained model's compiled program: `trained.program`).
export * as handlers from '../runtime/effects/handlers.js';
export { send, type Handler, type Message, type ParamMessage, type SampleMessage, type Stack } from '../runtime/effects/messages.js';
export { guideThenModel, onMinibatch, traceGuide, traceModel, type BatchRun, type Minibatch } from '../inference/run.js';
export { Trace, type TraceSite } from '../runtime/trace.js';
export { Rng } from '../runtime/random.js';
export { CompiledProgram } from '../lang/compiler/index.js';

// Presenting values, and the data-spec grammar (a spec string is opened in Node: api/node/).
export { DEFAULT_TEST_FRACTION, binarizeApplies, parseColumnOverride, parseTestFraction, withDataFlags, FREY_FILE, FREY_SHA256, FREY_URL } from '../runtime/data/index.js';

// The tfjs backend.
export { BACKEND_CHOICES, currentBackend, describeBackend, initBackend as useBackend, type BackendChoice, type BackendInfo, type BackendName } from '../runtime/backend.js';

// Data from contents in memory (a page's uploads, fetched assets), by the same specs as in Node.
export { openDataFrom, type DataContents } from './open-contents.js';
export { EMBEDDED_PIXELS, interleaveDigits, type RawEmbedded } from '../runtime/data/embedded.js';
export type { OpenDataOptions } from '../runtime/data/options.js';

// The project's charts as Vega-Lite specs (the command line renders the same ones to PNG).
export { chartFrame, elboChartSpec, gradsChartSpec, scatterSpec, stepElboChartSpec, type ScatterPoint, type StepElboPoint } from './charts.js';

// The words of the language, from its registries (for editors).
export { languageVocabulary, type LanguageVocabulary } from './vocabulary.js';
