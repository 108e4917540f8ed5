// Every option of a training run, with its default and its check, in one place: the library's
// fit, the Trainer and the command line all read them from here.
import { OptionError } from '../runtime/errors.js';
import { ESTIMATOR_MODES } from '../runtime/estimator-rule.js';
import { BINARIZE_MODES, type Binarize } from '../runtime/data/binarize.js';
import type { EstimatorMode } from '../lang/compiler/index.js';
import type { KlMode } from './elbo.js';
import { BASELINES, type BaselineKind } from './objectives/baselines.js';
import { OBJECTIVE_NAMES, type ObjectiveName } from './objectives/registry.js';
import { OPTIMIZERS, type OptimizerName } from './optimizers.js';

/** What training maximizes: an objective's name in the registry (inference/objectives/registry.ts). */
export type TrainObjective = ObjectiveName;

export const OBJECTIVES: readonly string[] = OBJECTIVE_NAMES;
export const ESTIMATORS: readonly EstimatorMode[] = ESTIMATOR_MODES;
export const KL_MODES: readonly KlMode[] = ['analytic', 'mc'];

export interface TrainOptions {
  /** Passes over the training set (ignored when `steps` is set). */
  epochs: number;
  /**
   * Optimizer steps in all, instead of `epochs`: training stops after this many steps (counting
   * those of a resumed checkpoint), inside an epoch if need be.
   */
  steps?: number;
  /** Data points per optimizer step. */
  batchSize: number;
  /** Learning rate. */
  lr: number;
  optimizer: OptimizerName;
  /** Samples of the latents per data point and step (K of the IWAE and Rényi bounds). */
  particles: number;
  /** KL terms in closed form where prior and guide allow ('analytic'), or by Monte Carlo. */
  kl: KlMode;
  /**
   * KL annealing (Bowman et al. 2016): over the first `klAnneal` steps the latents' terms
   * (log p(z) - log q(z), the KL) count a weight rising linearly from 1/S to 1; 0 turns it off.
   */
  klAnneal: number;
  /** Gradient estimator of guide sites: 'auto' is pathwise where the distribution allows. */
  estimator: EstimatorMode;
  objective: TrainObjective;
  /** The order of the Rényi bound (objective 'renyi' only). */
  alpha?: number;
  /** Baselines of score-function sites, combinable. */
  baselines: readonly BaselineKind[];
  /** Decay of the moving averages of the mavg and NVIL baselines, in [0, 1). */
  baselineDecay: number;
  /** NVIL: divide the centred learning signal by its running standard deviation. */
  nvilNormalize: boolean;
  /** Root of every random stream: the same seed on the same backend gives the same numbers. */
  seed: string;
  /** Initialize this many times and train the start with the best ELBO on the first training points. */
  initTries: number;
  /** Estimate the ELBO on the test set after every epoch (never done when the test set is empty). */
  evaluateTest: boolean;
  /** The data spec the data were opened from (`mnist`, `csv:PATH`, ...), recorded in checkpoints. */
  data?: string;
  /** How grey images become model inputs (mnist and idx: data). */
  binarize: Binarize;
  /** binarize 'threshold': a pixel is 1 when pixel / 255 > threshold. */
  threshold: number;
  /** Use only the first N training points of a data spec. */
  trainSize?: number;
  /** Use only the first N test points of a data spec. */
  testSize?: number;
}

export const DEFAULT_TRAIN_OPTIONS: Readonly<TrainOptions> = Object.freeze({
  epochs: 10,
  batchSize: 100,
  lr: 1e-3,
  optimizer: 'adam',
  particles: 1,
  kl: 'analytic',
  klAnneal: 0,
  estimator: 'auto',
  objective: 'elbo',
  baselines: [],
  baselineDecay: 0.9,
  nvilNormalize: false,
  seed: '0',
  initTries: 1,
  evaluateTest: true,
  binarize: 'dynamic',
  threshold: 0.5,
});

/** Every option's name: those with a default, and those that are unset unless given. */
export const TRAIN_OPTION_NAMES: readonly (keyof TrainOptions)[] = [...(Object.keys(DEFAULT_TRAIN_OPTIONS) as (keyof TrainOptions)[]), 'steps', 'alpha', 'data', 'trainSize', 'testSize'];

/**
 * Options that must be the same when a run is resumed: they decide the data, the minibatches
 * and the optimizer's state (the others, such as epochs, may change).
 */
export const FIXED_ON_RESUME = ['data', 'binarize', 'threshold', 'batchSize', 'optimizer', 'seed', 'trainSize', 'testSize', 'baselines'] as const;

function positiveInteger(option: keyof TrainOptions, v: unknown): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new OptionError(option, `must be a positive whole number (got ${String(v)})`);
}

function positiveNumber(option: keyof TrainOptions, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new OptionError(option, `must be a positive number (got ${String(v)})`);
}

function oneOf<T>(option: keyof TrainOptions, v: unknown, choices: readonly T[]): void {
  if (!choices.includes(v as T)) throw new OptionError(option, `must be one of ${choices.join(', ')} (got ${String(v)})`);
}

function isSwitch(option: keyof TrainOptions, v: unknown): void {
  if (typeof v !== 'boolean') throw new OptionError(option, `must be true or false (got ${String(v)})`);
}

/**
 * The defaults completed by `given` (undefined entries keep the default) and checked; a bad
 * value is an OptionError naming the option.
 */
export function resolveTrainOptions(given: Partial<TrainOptions> = {}): TrainOptions {
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS };
  if (given.steps !== undefined && given.epochs !== undefined) {
    throw new OptionError('steps', `and \`epochs\` both set the length of the run (got steps ${String(given.steps)}, epochs ${String(given.epochs)}); give one of them`);
  }
  for (const [key, value] of Object.entries(given) as [keyof TrainOptions, unknown][]) {
    // A misspelt option would otherwise be ignored in silence (and recorded in checkpoints).
    if (!TRAIN_OPTION_NAMES.includes(key)) throw new OptionError(key, `is not a training option (the options: ${TRAIN_OPTION_NAMES.join(', ')})`);
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  for (const k of ['epochs', 'batchSize', 'particles', 'initTries'] as const) positiveInteger(k, o[k]);
  for (const k of ['steps', 'trainSize', 'testSize'] as const) if (o[k] !== undefined) positiveInteger(k, o[k]);
  positiveNumber('lr', o.lr);
  if (typeof o.klAnneal !== 'number' || !Number.isInteger(o.klAnneal) || o.klAnneal < 0) throw new OptionError('klAnneal', `must be a whole number of steps >= 0 (got ${String(o.klAnneal)})`);
  oneOf('optimizer', o.optimizer, OPTIMIZERS);
  oneOf('kl', o.kl, KL_MODES);
  oneOf('estimator', o.estimator, ESTIMATORS);
  oneOf('objective', o.objective, OBJECTIVES);
  oneOf('binarize', o.binarize, BINARIZE_MODES);
  if (!Array.isArray(o.baselines)) throw new OptionError('baselines', `must be a list of ${BASELINES.join(', ')} (got ${String(o.baselines)})`);
  for (const b of o.baselines) oneOf('baselines', b, BASELINES);
  if (typeof o.baselineDecay !== 'number' || !(o.baselineDecay >= 0 && o.baselineDecay < 1)) {
    throw new OptionError('baselineDecay', `must be a number in [0, 1) (got ${String(o.baselineDecay)})`);
  }
  if (typeof o.threshold !== 'number' || !(o.threshold >= 0 && o.threshold <= 1)) throw new OptionError('threshold', `must be a number in [0, 1] (got ${String(o.threshold)})`);
  isSwitch('nvilNormalize', o.nvilNormalize);
  isSwitch('evaluateTest', o.evaluateTest);
  if (typeof o.seed !== 'string') throw new OptionError('seed', `must be a string (got ${typeof o.seed})`);
  if (o.data !== undefined && typeof o.data !== 'string') throw new OptionError('data', `must be a data spec string (got ${typeof o.data})`);
  if (o.alpha !== undefined) {
    if (o.objective !== 'renyi') throw new OptionError('alpha', `is the order of the Rényi bound and applies to objective 'renyi' only (objective is '${o.objective}')`);
    if (typeof o.alpha !== 'number' || !Number.isFinite(o.alpha)) throw new OptionError('alpha', `must be a finite number (got ${String(o.alpha)})`);
  }
  return o;
}

/** The optimizer steps a run of these options ends at, with `stepsPerEpoch` steps per epoch. */
export function totalSteps(options: Pick<TrainOptions, 'epochs' | 'steps'>, stepsPerEpoch: number): number {
  return options.steps ?? options.epochs * stepsPerEpoch;
}

/** The epochs a run of these options starts (the last one possibly unfinished when `steps` is set). */
export function plannedEpochs(options: Pick<TrainOptions, 'epochs' | 'steps'>, stepsPerEpoch: number): number {
  return options.steps === undefined ? options.epochs : Math.ceil(options.steps / Math.max(stepsPerEpoch, 1));
}
