// Estimators compared by training: one SVI run per estimator from the same initial parameters
// (the program compiled afresh with one seed), on the same minibatches in the same order with
// the same noise streams, under the same budget (steps or wall-clock seconds of training), the
// held-out ELBO evaluated at regular intervals on a fixed subset of the test set.
import { Rng } from '../runtime/random.js';
import { OptionError, UserError } from '../runtime/errors.js';
import type { CheckedProgram } from '../lang/checked.js';
import { compileProgram, type CompiledProgram } from '../lang/compiler/index.js';
import type { Dataset, DataSplit } from '../runtime/data/dataset.js';
import { headDataset } from '../runtime/data/head.js';
import { Svi } from '../inference/svi.js';
import { lowerProgram } from '../lang/lower/lower.js';
import { estimators } from '../runtime/effects/handlers.js';
import { makeObjective } from '../inference/objectives/registry.js';
import type { KlMode } from '../inference/elbo.js';
import { makeOptimizer, type OptimizerName } from '../inference/optimizers.js';
import { evaluateElbo } from '../inference/evaluate.js';
import { disposeMinibatch, toMinibatch, type Bindings } from '../inference/minibatch.js';
import { inapplicableReason, type EstimatorSpec } from './gradient-stats.js';

/** Train for this many optimizer steps, or this many seconds of training (evaluation excluded). */
export type Budget = { steps: number } | { seconds: number };

/** Evaluate every this many steps, or every this many seconds of training. */
export type EvalSchedule = { steps: number } | { seconds: number };

export interface CompareOptions {
  budget: Budget;
  evalEvery: EvalSchedule;
  /** Test points the held-out ELBO is computed on (the first ones of the test set). */
  evalSize: number;
  batchSize: number;
  lr: number;
  optimizer: OptimizerName;
  kl: KlMode;
  /** Compile seed (initial parameters) and the root of every random stream. */
  seed: string;
  baselineDecay?: number;
  nvilNormalize?: boolean;
  /** One untimed step per estimator before the timed runs (default true). */
  warmUp?: boolean;
  onProgress?: (event: CompareProgress) => void;
}

export interface CompareProgress {
  label: string;
  /** Index of this estimator among the applicable ones, from 0. */
  index: number;
  count: number;
  step: number;
  seconds: number;
  /** Fraction of the budget used, in [0, 1]. */
  fraction: number;
  /** Set when this progress event is an evaluation. */
  testElbo?: number;
}

export interface CurvePoint {
  /** Optimizer steps taken. */
  step: number;
  /** Seconds spent training (evaluation excluded). */
  seconds: number;
  /** Held-out ELBO per data point, nats. */
  testElbo: number;
  /** Mean minibatch ELBO estimate of the steps since the previous point (NaN at step 0). */
  trainElbo: number;
}

export interface EstimatorRun {
  spec: EstimatorSpec;
  /** Why this estimator was not run (e.g. reparam with a discrete guide site). */
  notApplicable?: string;
  /** Set when the objective became NaN or infinite; the curve stops before it. */
  diverged?: { step: number; value: number };
  curve: CurvePoint[];
  steps: number;
  seconds: number;
}

/** Train with each estimator in turn; see the file comment. Estimators that cannot apply are reported, not run. */
export async function compareEstimators(
  checked: CheckedProgram,
  data: DataSplit,
  bindings: Bindings,
  specs: readonly EstimatorSpec[],
  opts: CompareOptions,
): Promise<EstimatorRun[]> {
  if (data.test.size === 0) {
    throw new OptionError('testFraction', 'the estimators are compared by the held-out ELBO, but the data have no test set: hold some points out (`testFraction` 0.1) or give a test file');
  }
  const evalSet = await headDataset(data.test, opts.evalSize);
  const runs: EstimatorRun[] = [];
  const lowered = lowerProgram(checked);
  const applicable = specs.filter((s) => inapplicableReason({ lowered }, s) === undefined);
  if (opts.warmUp ?? true) for (const spec of applicable) await warmUp(checked, data, bindings, spec, opts);
  for (const spec of specs) {
    const program = compileProgram(checked, { seed: opts.seed });
    try {
      const reason = inapplicableReason(program, spec);
      if (reason !== undefined) {
        runs.push({ spec, notApplicable: reason, curve: [], steps: 0, seconds: 0 });
        continue;
      }
      runs.push(await trainOne(program, data, evalSet, bindings, spec, applicable.indexOf(spec), applicable.length, opts));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      runs.push({ spec, notApplicable: e.message, curve: [], steps: 0, seconds: 0 });
    } finally {
      program.dispose();
    }
  }
  return runs;
}

/**
 * One untimed step on a throwaway program, so that one-time costs (kernel compilation, memory
 * pools) are not charged to whichever estimator happens to run first. A UserError is left for
 * the real run to report.
 */
async function warmUp(checked: CheckedProgram, data: DataSplit, bindings: Bindings, spec: EstimatorSpec, opts: CompareOptions): Promise<void> {
  const program = compileProgram(checked, { seed: `${opts.seed}/warm-up` });
  const optimizer = makeOptimizer(opts.optimizer, opts.lr);
  const objective = makeObjective(spec.objective, program, { kl: opts.kl, baselines: spec.baselines, seed: `${opts.seed}/warm-up` });
  const svi = new Svi(program, optimizer, objective, spec.particles, [estimators(spec.mode)]);
  try {
    for await (const batch of data.train.batches(opts.batchSize, { rng: new Rng(`${opts.seed}/warm-up`), shuffle: false })) {
      const mb = toMinibatch(batch, program.lowered, bindings);
      try {
        svi.step(mb, data.train.size, new Rng(`${opts.seed}/warm-up/noise`));
      } finally {
        disposeMinibatch(mb);
      }
      break;
    }
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
  } finally {
    svi.dispose();
    optimizer.dispose();
    program.dispose();
  }
}

async function trainOne(
  program: CompiledProgram,
  data: DataSplit,
  evalSet: Dataset,
  bindings: Bindings,
  spec: EstimatorSpec,
  index: number,
  count: number,
  opts: CompareOptions,
): Promise<EstimatorRun> {
  const n = data.train.size;
  const optimizer = makeOptimizer(opts.optimizer, opts.lr);
  const objective = makeObjective(spec.objective, program, {
    kl: opts.kl,
    baselines: spec.baselines,
    decay: opts.baselineDecay ?? 0.9,
    normalize: opts.nvilNormalize ?? false,
    seed: opts.seed,
  });
  const svi = new Svi(program, optimizer, objective, spec.particles, [estimators(spec.mode)]);
  const run: EstimatorRun = { spec, curve: [], steps: 0, seconds: 0 };
  // One evaluation seed for every point of every run: common random numbers make the curves'
  // differences those of the parameters, not of the evaluation noise.
  // The held-out ELBO is measured the same way for every estimator: without the estimator
  // handler, in 'auto' mode (the analytic KL applies to pathwise sites only, so under score
  // mode the KL would be Monte Carlo and the number differ at the same parameters).
  const evaluate = (): Promise<number> =>
    evaluateElbo(program, evalSet, bindings, { batchSize: Math.max(opts.batchSize, 250), trainSize: n, kl: opts.kl, seed: `${opts.seed}/compare-eval` });
  const budget = opts.budget;
  const fraction = (): number => Math.min(1, 'steps' in budget ? run.steps / budget.steps : run.seconds / budget.seconds);
  const done = (): boolean => ('steps' in budget ? run.steps >= budget.steps : run.seconds >= budget.seconds);
  let nextEvalSeconds = 'seconds' in opts.evalEvery ? opts.evalEvery.seconds : Infinity;
  const evalDue = (): boolean => ('steps' in opts.evalEvery ? run.steps % opts.evalEvery.steps === 0 : run.seconds >= nextEvalSeconds);
  let sum = 0;
  let k = 0;
  const record = async (): Promise<void> => {
    const testElbo = await evaluate();
    run.curve.push({ step: run.steps, seconds: run.seconds, testElbo, trainElbo: k ? sum / k : NaN });
    sum = 0;
    k = 0;
    if ('seconds' in opts.evalEvery) while (nextEvalSeconds <= run.seconds) nextEvalSeconds += opts.evalEvery.seconds;
    opts.onProgress?.({ label: spec.label, index, count, step: run.steps, seconds: run.seconds, fraction: fraction(), testElbo });
  };
  try {
    await record();
    let epoch = 0;
    training: while (!done()) {
      epoch++;
      // The streams of Trainer.run: every estimator sees the same minibatches and noise seeds.
      const epochRng = new Rng(`${opts.seed}/epoch${epoch}`);
      const orderRng = epochRng.derive('data');
      const noiseRng = epochRng.derive('noise');
      for await (const batch of data.train.batches(opts.batchSize, { rng: orderRng, shuffle: true })) {
        const mb = toMinibatch(batch, program.lowered, bindings);
        const started = performance.now();
        let elbo: number;
        try {
          elbo = svi.step(mb, n, noiseRng);
        } finally {
          disposeMinibatch(mb);
        }
        run.seconds += (performance.now() - started) / 1000;
        run.steps++;
        if (!Number.isFinite(elbo)) {
          run.diverged = { step: run.steps, value: elbo };
          break training;
        }
        sum += elbo;
        k++;
        if (done()) break training;
        if (evalDue()) await record();
        else opts.onProgress?.({ label: spec.label, index, count, step: run.steps, seconds: run.seconds, fraction: fraction() });
        // Let signals and timers through between synchronous steps.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (!run.diverged) await record();
  } finally {
    svi.dispose();
    optimizer.dispose();
  }
  return run;
}

/** The last held-out ELBO of a run (NaN when it has none). */
export function finalElbo(run: EstimatorRun): number {
  return run.curve.length ? run.curve[run.curve.length - 1]!.testElbo : NaN;
}

/** The default target: the worst final held-out ELBO among the runs that have one. */
export function defaultTarget(runs: readonly EstimatorRun[]): number {
  const finals = runs.map(finalElbo).filter((v) => Number.isFinite(v));
  return finals.length ? Math.min(...finals) : NaN;
}

/** The first evaluation at which the held-out ELBO is at least `target`, or undefined. */
export function firstReaching(run: EstimatorRun, target: number): CurvePoint | undefined {
  return run.curve.find((p) => p.testElbo >= target);
}
