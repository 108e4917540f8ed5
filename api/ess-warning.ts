// A warning for importance sampling whose weights rest on a few draws: the effective sample
// size (ESS = (sum w)^2 / sum w^2) below 1% of the K draws, or below 20. Such an estimate is
// dominated by its largest weights: noisy, and for log p(x) biased low.
export interface LowEss {
  /** The mean ESS over data points. */
  ess: number;
  /** Draws per data point. */
  k: number;
  /** What the estimate is for: 'log p(x)' or 'the hidden values'. */
  estimate: string;
  /** What the user may try, as flags or steps (the caller knows its own). */
  remedies: readonly string[];
}

/** The threshold below which an ESS of K draws is too small to trust: max(20, 1% of K). */
export function essThreshold(k: number): number {
  return Math.max(20, 0.01 * k);
}

/** One paragraph, or undefined when the ESS is large enough. */
export function lowEssWarning(w: LowEss): string | undefined {
  if (!(w.ess < essThreshold(w.k))) return undefined;
  const share = Number(((100 * w.ess) / w.k).toPrecision(2));
  return (
    `warning: low effective sample size: ${w.ess.toFixed(1)} of ${w.k} draws (${share}%). A few draws carry almost all the ` +
    `importance weight, so ${w.estimate} rests on them: noisy from run to run, and biased when the guide misses part of the ` +
    `posterior (it proposes where the posterior has little mass). Try: ${w.remedies.join('; ')}.`
  );
}
