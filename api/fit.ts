// fit: a whole training run. It checks the options (and a checkpoint to resume), binds the data,
// initializes (best of initTries starts), resumes, trains with progress callbacks, stops after
// the current step when the signal aborts, and hands out a Checkpoint whenever one is due.
// Where checkpoints go, and how progress is shown, is the caller's business.
import type { CompiledProgram } from '../lang/compiler/index.js';
import { backEnd, trainingRun } from './pipeline.js';
import type { EstimatorKind } from '../runtime/effects/messages.js';
import { OptionError } from '../runtime/errors.js';
import { Trainer, type StepInfo } from '../inference/train.js';
import { bestInitialization, type InitTry } from '../inference/initialization.js';
import type { Checkpoint, EpochRecord } from '../inference/checkpoint.js';
import { plannedEpochs, resolveTrainOptions, totalSteps, type TrainOptions } from '../inference/train-options.js';
import { trainingSplit, type BoundSplit, type TrainingData } from './data.js';
import { loadModel, type Model } from './model.js';
import { checkResume } from './resume.js';
import { buildCheckpoint } from './build-checkpoint.js';
import { TrainedModel } from './trained.js';

export type { StepInfo } from '../inference/train.js';
export type { EpochRecord } from '../inference/checkpoint.js';

/** How the starting point was chosen when initTries > 1. */
export interface InitializationReport {
  /** Each try's seed and the ELBO per point of the first training points at its start. */
  tries: InitTry[];
  /** Index of the try trained. */
  chosen: number;
  /** Training points that scored each try. */
  points: number;
}

/** What fit is about to do, reported once before the first step. */
export interface FitStart {
  /** The options in force, defaults filled in. */
  options: TrainOptions;
  /** Scalars the optimizer trains (the program's and the objective's). */
  parameters: number;
  /** What training maximizes, e.g. 'ELBO, KL analytic' or 'IWAE bound (K = 5)'. */
  objective: string;
  stepsPerEpoch: number;
  /** The optimizer step the run ends at (counting a resumed checkpoint's): `steps`, or `epochs` times stepsPerEpoch. */
  totalSteps: number;
  /** The epochs the run reaches (with `steps`, the last may end early). */
  epochs: number;
  /** How each guide site's gradient is estimated. */
  estimators: ReadonlyMap<string, EstimatorKind>;
  initialization?: InitializationReport;
  /** Set when training continues a checkpoint. */
  resumedFrom?: { epoch: number; step: number };
  /** The checkpoint resumed already has `epochs` epochs (or `steps` steps): there is nothing to train. */
  complete: boolean;
}

export interface FitCallbacks {
  onStart?(start: FitStart): void;
  onEpochStart?(epoch: number, epochs: number, stepsInEpoch: number): void;
  /** After every optimizer step. */
  onStep?(info: StepInfo): void;
  /** After every epoch, with its train and test ELBO. */
  onEpoch?(record: EpochRecord): void;
  /**
   * When a checkpoint is due: every `checkpointSeconds` of training, every `checkpointEvery`
   * epochs if set, at the end, and when the signal stops training (after at least one step).
   * Save it here; training waits for a returned promise.
   */
  onCheckpoint?(checkpoint: Checkpoint): void | Promise<void>;
  /** Data declarations whose declared domain does not contain their field's values. */
  onWarning?(message: string): void;
}

export interface FitOptions extends Partial<TrainOptions>, FitCallbacks {
  /** Stops training after the current step. */
  signal?: AbortSignal;
  /** Continue this checkpoint (same source, same data, batch size, optimizer and seed). */
  resume?: Checkpoint;
  /** Seconds of training between the checkpoints handed to onCheckpoint; 0: only at the end and on a stop. Default 60. */
  checkpointSeconds?: number;
  /** Also hand one out after every this many epochs. Default: none. */
  checkpointEvery?: number;
}

/** Seconds between checkpoints unless `checkpointSeconds` says otherwise. */
export const DEFAULT_CHECKPOINT_SECONDS = 60;

/** The option names of FitOptions that are not training options. */
const FIT_ONLY = ['signal', 'resume', 'checkpointSeconds', 'checkpointEvery', 'onStart', 'onEpochStart', 'onStep', 'onEpoch', 'onCheckpoint', 'onWarning'] as const;

export interface FitResult {
  trained: TrainedModel;
  history: EpochRecord[];
  /** Epochs completed and optimizer steps taken, counting those of a resumed checkpoint. */
  epoch: number;
  step: number;
  /** Stopped by the signal before the run's end. */
  interrupted: boolean;
  /**
   * The run where it stopped: after its last step, or where the signal stopped it (possibly
   * inside an epoch; resuming it finishes that epoch as an uninterrupted run would have).
   * Undefined when the signal stopped training before its first step.
   */
  checkpoint?: Checkpoint;
}

function trainOptionsOf(options: FitOptions): Partial<TrainOptions> {
  const o: Record<string, unknown> = { ...options };
  for (const k of FIT_ONLY) delete o[k];
  return o as Partial<TrainOptions>;
}

async function initialProgram(model: Model, data: BoundSplit, o: TrainOptions, resuming: boolean): Promise<{ program: CompiledProgram; initialization?: InitializationReport }> {
  const compile = (seed: string): CompiledProgram => backEnd(model.checked, { seed, estimator: o.estimator });
  if (o.initTries <= 1 || resuming) return { program: compile(o.seed) };
  const train = data.split.train;
  const choice = await bestInitialization(compile, train, data.bindings, { tries: o.initTries, seed: o.seed, kl: o.kl, trainSize: train.size });
  return { program: choice.program, initialization: { tries: choice.tries, chosen: choice.chosen, points: choice.points } };
}

/**
 * The steps still to run, with the callbacks; a checkpoint is built only when one is due and
 * someone takes it: by time, by epochs when asked, and after the last step taken (at the end or
 * on a stop). `last` is the latest checkpoint built.
 */
async function train(trainer: Trainer, model: Model, o: TrainOptions, options: FitOptions, epochs: number): Promise<{ interrupted: boolean; last?: Checkpoint }> {
  if (options.signal?.aborted) return { interrupted: true };
  const onCheckpoint = options.onCheckpoint;
  const every = options.checkpointEvery;
  const seconds = options.checkpointSeconds ?? DEFAULT_CHECKPOINT_SECONDS;
  let last: Checkpoint | undefined;
  let saved = performance.now();
  const save = async (t: Trainer): Promise<void> => {
    last = await buildCheckpoint(model, o, t);
    await onCheckpoint!(last);
    saved = performance.now();
  };
  const dueByTime = (): boolean => seconds > 0 && performance.now() - saved >= seconds * 1000;
  const run = await trainer.run({
    onEpochStart: (epoch, steps) => options.onEpochStart?.(epoch, epochs, steps),
    onStep: options.onStep && ((info) => options.onStep!(info)),
    afterStep: onCheckpoint && (async (t) => {
      if (dueByTime()) await save(t);
    }),
    onEpoch: async (record, t) => {
      options.onEpoch?.(record);
      if (onCheckpoint && ((every !== undefined && t.epoch % every === 0) || dueByTime())) await save(t);
    },
    shouldStop: () => options.signal?.aborted ?? false,
  });
  if (onCheckpoint && last?.step !== trainer.step && trainer.step > (options.resume?.step ?? 0)) await save(trainer);
  return { interrupted: run.interrupted, last };
}

/**
 * Train `model` on `data` by SVI. Options not given take their defaults (DEFAULT_TRAIN_OPTIONS);
 * a bad one is an OptionError naming it. The result's trained model owns the parameters:
 * dispose it when done.
 */
export async function fit(model: Model, data: TrainingData, options: FitOptions = {}): Promise<FitResult> {
  const o = resolveTrainOptions(trainOptionsOf(options));
  const every = options.checkpointEvery;
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) throw new OptionError('checkpointEvery', `must be a positive whole number (got ${every})`);
  const seconds = options.checkpointSeconds;
  if (seconds !== undefined && (typeof seconds !== 'number' || !(seconds >= 0))) throw new OptionError('checkpointSeconds', `must be a number of seconds >= 0 (got ${String(seconds)})`);
  // The checker refuses a model that cannot be trained pathwise throughout; the compiler would fall back to score-function gradients.
  if (o.estimator === 'reparam') loadModel(model.source, { file: model.file, estimator: 'reparam' });
  const resume = options.resume;
  if (resume) checkResume(model, resume, o);
  const bound = trainingSplit(model, data);
  if (bound !== data) for (const w of bound.warnings) options.onWarning?.(w);

  const { program, initialization } = await initialProgram(model, bound, o, resume !== undefined);
  let trainer: Trainer;
  try {
    trainer = trainingRun(program, bound.split, bound.bindings, o);
  } catch (e) {
    program.dispose();
    throw e;
  }
  const release = (): void => {
    trainer.svi.optimizer.dispose();
    trainer.svi.dispose();
  };
  try {
    if (resume) await trainer.restore(resume, 'the checkpoint to resume');
    const stepsPerEpoch = Math.ceil(bound.split.train.size / o.batchSize);
    const epochs = plannedEpochs(o, stepsPerEpoch);
    const complete = resume !== undefined && (o.steps === undefined ? resume.epoch >= o.epochs : resume.step >= o.steps);
    options.onStart?.({
      options: o,
      parameters: trainer.parameterCount(),
      objective: trainer.svi.objective.describe(o.particles),
      stepsPerEpoch,
      totalSteps: totalSteps(o, stepsPerEpoch),
      epochs,
      estimators: program.estimators(),
      initialization,
      resumedFrom: resume && { epoch: resume.epoch, step: resume.step },
      complete,
    });
    const { interrupted, last } = complete ? { interrupted: false, last: undefined } : await train(trainer, model, o, options, epochs);
    const moved = trainer.step > (resume?.step ?? 0);
    const checkpoint = last?.step === trainer.step ? last : interrupted && !moved ? resume : await buildCheckpoint(model, o, trainer);
    release();
    return {
      trained: new TrainedModel(model, program, { seed: o.seed, checkpoint }),
      history: trainer.history,
      epoch: trainer.epoch,
      step: trainer.step,
      interrupted,
      checkpoint,
    };
  } catch (e) {
    release();
    program.dispose();
    throw e;
  }
}
