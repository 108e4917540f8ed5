// The SVI training loop: epochs of minibatches, a held-out ELBO after each epoch, hooks for
// progress display and checkpointing. It knows nothing about any particular model.
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { DataSplit } from '../runtime/data/dataset.js';
import { Rng } from '../runtime/random.js';
import { nextTurn } from '../runtime/next-turn.js';
import { OptionError, UserError } from '../runtime/errors.js';
import { adviceFor, describeSummary, diagnoseDivergence, type DivergenceCause } from './divergence.js';
import { Svi } from './svi.js';
import { scale } from '../runtime/effects/handlers.js';
import type { Handler } from '../runtime/effects/messages.js';
import { makeObjective } from './objectives/registry.js';
import type { Objective } from './objectives/objective.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './train-options.js';
import { makeOptimizer, optimizerStateProblems, restoreOptimizer, saveOptimizer, type OptimizerName } from './optimizers.js';
import { evaluateElbo } from './evaluate.js';
import { disposeMinibatch, toMinibatch, type Bindings } from './minibatch.js';
import type { Checkpoint, EpochProgress, EpochRecord } from './checkpoint.js';
import type { ParamStore, SavedParam } from '../runtime/params.js';

export type { TrainOptions } from './train-options.js';

/** What a Trainer needs to be told; every other option takes its default (train-options.ts). */
export type TrainerOptions = Pick<TrainOptions, 'epochs' | 'batchSize' | 'lr' | 'optimizer' | 'particles' | 'kl' | 'seed'> & Partial<TrainOptions>;

export interface StepInfo {
  epoch: number;
  stepInEpoch: number;
  stepsInEpoch: number;
  totalStep: number;
  /** This minibatch's ELBO estimate per data point (nats). */
  elbo: number;
  /** Mean of the minibatch estimates so far this epoch. */
  runningElbo: number;
  samplesPerSecond: number;
}

export interface TrainHooks {
  onEpochStart?(epoch: number, stepsInEpoch: number): void;
  /** After every step; training waits for a returned promise (a pause); other values are ignored. */
  onStep?(info: StepInfo): unknown;
  /** After each completed epoch (write the checkpoint and the log here). */
  onEpoch?(record: EpochRecord, trainer: Trainer): Promise<void> | void;
  /**
   * After every step that does not end an epoch, awaited (a checkpoint taken here records
   * position()); onEpoch follows the last step of an epoch instead.
   */
  afterStep?(trainer: Trainer): Promise<void> | void;
  /** Checked after every step (after the epoch's end for its last step): true stops training before the next step. */
  shouldStop?(): boolean;
}

/** EpochProgress while the epoch runs: its noise stream itself rather than a copy of its state. */
type LiveProgress = Omit<EpochProgress, 'noise'> & { noise: Rng };

export interface TrainResult {
  history: EpochRecord[];
  /** Stopped by shouldStop() before the run's end. */
  interrupted: boolean;
}

/**
 * NaN or infinity in the objective: the message says where; checkpoints already written stay.
 * An error of the option `lr`, the usual cure.
 */
/**
 * The objective became NaN or infinite. The message names the first non-finite site found by
 * tracing the failed step again (inference/divergence.ts) and advice that fits it; `locate`
 * (given by the library, which knows the source) adds file:line:col.
 */
export class TrainingDiverged extends UserError {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly value: number,
    readonly lr: number,
    readonly diagnosis?: DivergenceCause,
    locate?: (cause: DivergenceCause) => string | undefined,
  ) {
    super(divergenceMessage(epoch, step, value, lr, diagnosis, locate));
  }

  /** The same error, its site located in the source. */
  located(locate: (cause: DivergenceCause) => string | undefined): TrainingDiverged {
    return new TrainingDiverged(this.epoch, this.step, this.value, this.lr, this.diagnosis, locate);
  }
}

function divergenceMessage(epoch: number, step: number, value: number, lr: number, cause: DivergenceCause | undefined, locate?: (cause: DivergenceCause) => string | undefined): string {
  const head = `training diverged: the ELBO estimate became ${value} at epoch ${epoch}, step ${step}`;
  if (!cause) return `${head}; try a smaller \`lr\` (now ${lr})`;
  const where = locate?.(cause);
  const at = where ? ` (${where})` : '';
  const summary = cause.summary ? describeSummary(cause.summary) : '';
  let what: string;
  switch (cause.kind) {
    case 'parameter':
      what = `parameter ${cause.site} is not finite: ${summary}`;
      break;
    case 'argument':
      what = `the first non-finite site is ${cause.block} site ${cause.site}${at}: argument ${cause.argument} of ${cause.distribution} has ${summary}`;
      break;
    case 'value':
      what = `the first non-finite site is ${cause.block} site ${cause.site}${at}: its ${cause.distribution} draw has ${summary}`;
      break;
    case 'log-density':
      what = `the first non-finite site is ${cause.block} site ${cause.site}${at}: its ${cause.distribution} log-density has ${summary}, at values ${cause.valueSummary ? describeSummary(cause.valueSummary).replace(/^\d+ finite values /, '') : ''}`;
      break;
    case 'none-found':
      what = 'no site is non-finite on a fresh draw';
      break;
  }
  return `${head}; ${what}.\n${adviceFor(cause, lr, step)}`;
}

/** The objective the training options name, with their baseline settings (the one place they meet). */
export function objectiveFor(program: CompiledProgram, options: TrainOptions): Objective {
  return makeObjective(options.objective, program, {
    kl: options.kl,
    baselines: options.baselines,
    decay: options.baselineDecay,
    normalize: options.nvilNormalize,
    ...(options.alpha !== undefined ? { alpha: options.alpha } : {}),
    seed: options.seed,
  });
}

export class Trainer {
  readonly svi: Svi;
  readonly options: TrainOptions;
  private readonly optimizerName: OptimizerName;
  epoch = 0;
  step = 0;
  history: EpochRecord[] = [];
  /** The epoch under way (its noise stream live), and the position a restored checkpoint starts from. */
  private inEpoch: LiveProgress | undefined;
  private restored: EpochProgress | undefined;

  /** SVI of `program` on `data` with `objective` (default: the one the options name). */
  constructor(
    readonly program: CompiledProgram,
    readonly data: DataSplit,
    readonly bindings: Bindings,
    options: TrainerOptions,
    objective?: Objective,
  ) {
    this.options = { ...DEFAULT_TRAIN_OPTIONS, ...options };
    this.optimizerName = this.options.optimizer;
    this.svi = new Svi(program, makeOptimizer(this.options.optimizer, this.options.lr), objective ?? objectiveFor(program, this.options), this.options.particles);
    if (this.svi.variables().length === 0) {
      throw new UserError(
        'nothing to learn: the program has no learnable parameter (no `param`, no net, and every guide site has fixed arguments, with no `auto` guide); declare a param or use `auto` for a latent, or evaluate the model instead of training it',
      );
    }
  }

  /** Continue from a checkpoint: parameters, optimizer state, epoch and history. */
  async restore(ckpt: Checkpoint, origin: string): Promise<void> {
    this.program.params.restore(ckpt.params, origin);
    this.svi.objective.restore(ckpt.params, origin);
    if (ckpt.optimizer) {
      if (ckpt.optimizer.name !== this.optimizerName) {
        throw new OptionError('optimizer', `must be ${ckpt.optimizer.name}, as when ${origin} was trained (got ${this.optimizerName})`);
      }
      const problems = optimizerStateProblems(ckpt.optimizer, this.stores());
      if (problems.length) throw new UserError(`${origin}: cannot resume from it: ${problems.join('; ')}`);
      await restoreOptimizer(this.svi.optimizer, ckpt.optimizer, this.stores());
    }
    const known = new Set(this.stores().flatMap((s) => s.names()));
    const unknown = ckpt.params.filter((p) => !known.has(p.name)).map((p) => `'${p.name}'`);
    if (unknown.length) throw new UserError(`${origin}: has parameters the model does not: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''} (was it written for another model?)`);
    this.epoch = ckpt.epoch;
    this.step = ckpt.step;
    this.history = [...ckpt.history];
    this.restored = ckpt.inEpoch && { ...ckpt.inEpoch, noise: { ...ckpt.inEpoch.noise } };
  }

  async optimizerState(): Promise<Checkpoint['optimizer']> {
    return saveOptimizer(this.svi.optimizer, this.optimizerName, this.options.lr, this.stores());
  }

  /** The parameters to checkpoint: the program's and the objective's (baseline nets). */
  snapshot(): SavedParam[] {
    return [...this.program.params.snapshot(), ...this.svi.objective.snapshot()];
  }

  /** Scalars the optimizer trains: the program's and the objective's. */
  parameterCount(): number {
    return this.stores().reduce((n, s) => n + s.count(), 0);
  }

  private stores(): ParamStore[] {
    return [this.program.params, ...this.svi.objective.stores()];
  }

  /** Handlers of the next step alone: the KL annealing weight of the latents' terms. */
  private stepHandlers(): Handler[] {
    const steps = this.options.klAnneal;
    if (steps === 0 || this.step >= steps) return [];
    return [scale((this.step + 1) / steps, (msg) => msg.kind === 'latent')];
  }

  async evaluate(seedLabel = 'test'): Promise<number> {
    return evaluateElbo(this.program, this.data.test, this.bindings, {
      batchSize: Math.max(this.options.batchSize, 250),
      trainSize: this.data.train.size,
      kl: this.options.kl,
      seed: `${this.options.seed}/${seedLabel}`,
    });
  }

  /** Where training stands inside the current epoch; undefined between epochs. */
  position(): EpochProgress | undefined {
    const p = this.inEpoch;
    return p && { steps: p.steps, elboSum: p.elboSum, samples: p.samples, seconds: p.seconds, noise: p.noise.state() };
  }

  /**
   * Epochs until `epochs` are done, or steps until `steps` are taken when that option is set
   * (stopping inside an epoch if need be; position() then says where). A run restored from a
   * checkpoint taken inside an epoch finishes that epoch first, drawing what an uninterrupted
   * run would have drawn.
   */
  async run(hooks: TrainHooks = {}): Promise<TrainResult> {
    const { epochs, steps: stepLimit, batchSize, seed } = this.options;
    const n = this.data.train.size;
    const stepsInEpoch = Math.ceil(n / batchSize);
    const more = (): boolean => (stepLimit === undefined ? this.epoch < epochs : this.step < stepLimit);
    while (more()) {
      const epoch = this.epoch + 1;
      // Streams derive from (seed, epoch), so a resumed run draws what an uninterrupted one would.
      const epochRng = new Rng(`${seed}/epoch${epoch}`);
      const orderRng = epochRng.derive('data');
      const from = this.restored;
      this.restored = undefined;
      const noiseRng = from ? new Rng(`${seed}/epoch${epoch}/noise`, from.noise) : epochRng.derive('noise');
      const skip = from?.steps ?? 0;
      const live: LiveProgress = { steps: skip, elboSum: from?.elboSum ?? 0, samples: from?.samples ?? 0, seconds: from?.seconds ?? 0, noise: noiseRng };
      this.inEpoch = live;
      hooks.onEpochStart?.(epoch, stepsInEpoch);
      const started = performance.now();
      const secondsBefore = live.seconds;
      let drawn = 0;
      for await (const batch of this.data.train.batches(batchSize, { rng: orderRng, shuffle: true })) {
        // Batches already trained on are still drawn: the data stream (order, binarization) stays the same.
        if (++drawn <= skip) continue;
        const mb = toMinibatch(batch, this.program.lowered, this.bindings);
        let elbo: number;
        let cause: DivergenceCause | undefined;
        try {
          const extra = this.stepHandlers();
          elbo = this.svi.step(mb, n, noiseRng, extra);
          // The step was not applied: trace the same minibatch again to name the cause.
          if (!Number.isFinite(elbo)) cause = diagnoseDivergence(this.program, mb, { particles: this.options.particles, rng: noiseRng.derive('diagnosis'), datasetSize: n, handlers: [...this.svi.handlers, ...extra] });
        } finally {
          disposeMinibatch(mb);
        }
        const k = ++live.steps;
        this.step++;
        live.samples += batch.size;
        if (!Number.isFinite(elbo)) throw new TrainingDiverged(epoch, k, elbo, this.options.lr, cause);
        live.elboSum += elbo;
        live.seconds = secondsBefore + (performance.now() - started) / 1000;
        await hooks.onStep?.({
          epoch,
          stepInEpoch: k,
          stepsInEpoch,
          totalStep: this.step,
          elbo,
          runningElbo: live.elboSum / k,
          samplesPerSecond: live.samples / Math.max(live.seconds, 1e-9),
        });
        // Steps are synchronous; without this, signals (Ctrl-C) and timers would wait for the run.
        await nextTurn();
        // After an epoch's last step the epoch is finished (evaluated and recorded) before any stop.
        if (k < stepsInEpoch) {
          if (stepLimit !== undefined && this.step >= stepLimit) return { history: this.history, interrupted: false };
          await hooks.afterStep?.(this);
          if (hooks.shouldStop?.()) return { history: this.history, interrupted: true };
        }
      }
      const k = live.steps;
      const evaluated = this.options.evaluateTest && this.data.test.size > 0;
      const testElbo = evaluated ? await this.evaluate() : NaN;
      if (evaluated && !Number.isFinite(testElbo)) throw new TrainingDiverged(epoch, k, testElbo, this.options.lr);
      const record: EpochRecord = {
        epoch,
        steps: k,
        trainElbo: live.elboSum / Math.max(k, 1),
        testElbo,
        seconds: live.seconds,
        samplesPerSecond: live.samples / Math.max(live.seconds, 1e-9),
      };
      this.epoch = epoch;
      this.inEpoch = undefined;
      this.history.push(record);
      await hooks.onEpoch?.(record, this);
      if (more() && hooks.shouldStop?.()) return { history: this.history, interrupted: true };
    }
    return { history: this.history, interrupted: false };
  }
}
