// Estimators compared by training: once per estimator from the same initial parameters, on
// the same minibatches, with the same budget (experiments/compare.ts does the work).
import { compareEstimators as compareByTraining, type CompareOptions, type EstimatorRun } from '../experiments/compare.js';
import { parseEstimatorSpec, type EstimatorSpec } from '../experiments/gradient-stats.js';
import { trainingSplit, type TrainingData } from './data.js';
import type { Model } from './model.js';

export type { Budget, CompareOptions, CompareProgress, CurvePoint, EstimatorRun, EvalSchedule } from '../experiments/compare.js';
export { defaultTarget, finalElbo, firstReaching } from '../experiments/compare.js';

/**
 * Held-out ELBO curves, one run per estimator. `estimators` are labels ('reparam', 'score+mavg',
 * 'iwae', ...) parsed with `particles` (default 1), or parsed specs; an estimator that cannot
 * apply to the model is reported as such and not run.
 */
export async function compareEstimators(
  model: Model,
  data: TrainingData,
  estimators: readonly (string | EstimatorSpec)[],
  options: CompareOptions & { particles?: number },
): Promise<EstimatorRun[]> {
  const bound = trainingSplit(model, data);
  const specs = estimators.map((e) => (typeof e === 'string' ? parseEstimatorSpec(e, options.particles ?? 1) : e));
  return compareByTraining(model.checked, bound.split, bound.bindings, specs, options);
}
