// The constraints of params, latents and net heads as data, and the one a declared domain
// denotes; no tensors (the checker and lowering read them without loading TensorFlow.js).
import type { Support } from './support.js';

export type Constraint =
  | 'real'
  | 'positive'
  | 'unit'
  /** One point of the probability simplex per row of the last axis. */
  | 'simplex'
  /** The open interval (low, high). */
  | { kind: 'interval'; low: number; high: number };

/** The constraint a declared domain denotes (throws for domains that are not constraints). */
export function constraintOfSupport(s: Support): Constraint {
  switch (s.kind) {
    case 'real':
    case 'positive':
    case 'unit':
    case 'simplex':
      return s.kind;
    case 'interval':
      return { kind: 'interval', low: s.low, high: s.high };
    default:
      throw new Error(`internal: '${s.kind}' is not a constraint (params, latents and heads are continuous)`);
  }
}
