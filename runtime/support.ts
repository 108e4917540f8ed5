// Supports (the set a random variable lives in) and domains (what a declaration says a value
// is). They are the same vocabulary: `latent s : positive[3]` declares support `positive`.

export type Support =
  | { kind: 'real' }
  | { kind: 'positive' }
  | { kind: 'unit' }
  /** The open interval (low, high), low < high both finite. `unit` is the same set as interval(0, 1). */
  | { kind: 'interval'; low: number; high: number }
  /** Points of the open probability simplex along the last axis (event rank 1): entries > 0 summing to 1. */
  | { kind: 'simplex' }
  | { kind: 'binary' }
  | { kind: 'int'; low: number; high: number }
  /** The nonnegative integers 0, 1, 2, ... (Poisson). */
  | { kind: 'count' }
  /**
   * Lower Cholesky factors L of correlation matrices on the last two axes (event rank 2): lower
   * triangular, positive diagonal, rows of unit length (L L^T has ones on its diagonal). LKJ priors.
   */
  | { kind: 'corr_cholesky' };

export type SupportKind = Support['kind'];

export const REAL: Support = { kind: 'real' };
export const POSITIVE: Support = { kind: 'positive' };
export const UNIT: Support = { kind: 'unit' };
export const SIMPLEX: Support = { kind: 'simplex' };
export const BINARY: Support = { kind: 'binary' };
export const COUNT: Support = { kind: 'count' };
export const CORR_CHOLESKY: Support = { kind: 'corr_cholesky' };

export function interval(low: number, high: number): Support {
  return { kind: 'interval', low, high };
}

export function intRange(low: number, high: number): Support {
  return { kind: 'int', low, high };
}

export function describeSupport(s: Support): string {
  switch (s.kind) {
    case 'real':
      return 'real';
    case 'positive':
      return 'positive';
    case 'unit':
      return 'unit (0, 1)';
    case 'interval':
      return `interval(${s.low}, ${s.high})`;
    case 'simplex':
      return 'simplex';
    case 'binary':
      return 'binary {0, 1}';
    case 'int':
      return `int(${s.low}, ${s.high})`;
    case 'count':
      return 'count {0, 1, 2, ...}';
    case 'corr_cholesky':
      return 'corr_cholesky (Cholesky factor of a correlation matrix)';
  }
}

export function isDiscrete(s: Support): boolean {
  return s.kind === 'binary' || s.kind === 'int' || s.kind === 'count';
}

/** Trailing axes of a value that form one point of the support (1 for the simplex, 2 for a Cholesky factor, else 0). */
export function supportEventRank(s: Support): number {
  return s.kind === 'simplex' ? 1 : s.kind === 'corr_cholesky' ? 2 : 0;
}

/** A continuous support as the interval (low, high) of its entries (the simplex: (0, 1)). */
function bounds(s: Support): [number, number] | undefined {
  switch (s.kind) {
    case 'real':
      return [-Infinity, Infinity];
    case 'positive':
      return [0, Infinity];
    case 'unit':
    case 'simplex':
      return [0, 1];
    case 'interval':
      return [s.low, s.high];
    default:
      return undefined;
  }
}

/** A discrete support as the integer range [low, high] (count: [0, Infinity]). */
function integers(s: Support): [number, number] | undefined {
  switch (s.kind) {
    case 'binary':
      return [0, 1];
    case 'int':
      return [s.low, s.high];
    case 'count':
      return [0, Infinity];
    default:
      return undefined;
  }
}

/**
 * Does support `a` contain every value of support `b`? Continuous supports compare by the
 * interval their entries lie in, discrete ones by their integer range. A simplex is covered by
 * any interval containing (0, 1), but only a simplex covers a simplex (its entries sum to 1).
 */
export function covers(a: Support, b: Support): boolean {
  if (a.kind === 'simplex') return b.kind === 'simplex';
  if (a.kind === 'corr_cholesky' || b.kind === 'corr_cholesky') return a.kind === b.kind;
  const ca = bounds(a);
  const cb = bounds(b);
  if (ca && cb) return ca[0] <= cb[0] && cb[1] <= ca[1];
  const ia = integers(a);
  const ib = integers(b);
  if (ia && ib) return ia[0] <= ib[0] && ib[1] <= ia[1];
  return false;
}

/** Same set of values (used for "the guide's support must be the latent's"). */
export function sameSupport(a: Support, b: Support): boolean {
  return covers(a, b) && covers(b, a);
}
