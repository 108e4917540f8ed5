// How a site's gradient is estimated, as data: the checker and lowering decide it without
// loading TensorFlow.js; effect messages (effects/messages.ts) carry it.
export type EstimatorKind = 'reparam' | 'score';
export type EstimatorMode = 'auto' | 'reparam' | 'score';
/** Every mode, the default first. */
export const ESTIMATOR_MODES: readonly EstimatorMode[] = ['auto', 'reparam', 'score'];

/** How a site's gradient is estimated, and what may change it. */
export interface EstimatorRule {
  /** Fixed by the program (@score / @reparam); no mode overrides it. */
  pinned?: EstimatorKind;
  /** The deciding (guide) distribution admits a pathwise sample. */
  reparameterizable: boolean;
}

/** The estimator of a site under `mode`: its pin, else score where pathwise is impossible or asked against. */
export function resolveEstimator(rule: EstimatorRule, mode: EstimatorMode): EstimatorKind {
  if (rule.pinned) return rule.pinned;
  if (mode === 'score' || !rule.reparameterizable) return 'score';
  return 'reparam';
}
