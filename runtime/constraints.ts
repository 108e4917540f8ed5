// Constraints of params, latents and net heads, in one place: for each, the bijection from
// unconstrained reals that optimization works in (forward), its inverse, and the log-Jacobian
// log |det d forward / du| that a density pushed through it needs. Net heads use `headTransform`,
// which for the simplex is a softmax over the head (not a bijection: the head has K outputs).
import { tf, type Tensor } from './tf.js';
import type { Constraint } from './constraint-kinds.js';

export { constraintOfSupport, type Constraint } from './constraint-kinds.js';

export interface Bijection {
  readonly constraint: Constraint;
  /** Shape of the unconstrained value for a constrained value of `shape` (simplex: K -> K - 1). */
  unconstrainedShape(shape: readonly number[]): number[];
  /** Unconstrained u -> constrained value. */
  forward(u: Tensor): Tensor;
  /** Constrained value -> u. */
  inverse(v: Tensor): Tensor;
  /**
   * log |det d forward(u) / du|: elementwise (u's shape) for the scalar constraints; per point
   * (the last axis summed out) for the simplex, whose Jacobian is taken with respect to the
   * first K - 1 coordinates (the last one is determined by them).
   */
  logDetJacobian(u: Tensor): Tensor;
  /** The inverse in float64 on flat row-major values of constrained shape `shape` (for inits). */
  inverseValues(values: ArrayLike<number>, shape: readonly number[]): Float32Array;
}


export function describeConstraint(c: Constraint): string {
  return typeof c === 'string' ? c : `interval(${c.low}, ${c.high})`;
}

export function sameConstraint(a: Constraint, b: Constraint): boolean {
  return describeConstraint(a) === describeConstraint(b);
}

// ---------------------------------------------------------------- float64 helpers

/** softplus^-1(v) = log(exp(v) - 1), finite for large v. */
function softplusInverse(v: number): number {
  return v > 20 ? v : Math.log(Math.expm1(v));
}

function logit(p: number): number {
  return Math.log(p) - Math.log1p(-p);
}

function elementwise(values: ArrayLike<number>, f: (v: number) => number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]!);
  return out;
}

// ---------------------------------------------------------------- scalar bijections

const REAL_BIJECTION: Bijection = {
  constraint: 'real',
  unconstrainedShape: (shape) => [...shape],
  forward: (u) => u,
  inverse: (v) => v,
  logDetJacobian: (u) => tf.zerosLike(u),
  inverseValues: (values) => elementwise(values, (v) => v),
};

/** softplus(u) = log(1 + e^u); d/du = sigmoid(u). */
const POSITIVE_BIJECTION: Bijection = {
  constraint: 'positive',
  unconstrainedShape: (shape) => [...shape],
  forward: (u) => tf.softplus(u),
  // log(expm1(v)) = v + log(1 - e^-v), finite for large v
  inverse: (v) => tf.add(v, tf.log(tf.neg(tf.expm1(tf.neg(v))))),
  logDetJacobian: (u) => tf.logSigmoid(u),
  inverseValues: (values) => elementwise(values, softplusInverse),
};

/** sigmoid(u); d/du = sigmoid(u) sigmoid(-u). */
const UNIT_BIJECTION: Bijection = {
  constraint: 'unit',
  unconstrainedShape: (shape) => [...shape],
  forward: (u) => tf.sigmoid(u),
  inverse: (v) => tf.sub(tf.log(v), tf.log1p(tf.neg(v))),
  logDetJacobian: (u) => tf.add(tf.logSigmoid(u), tf.logSigmoid(tf.neg(u))),
  inverseValues: (values) => elementwise(values, logit),
};

/** low + (high - low) sigmoid(u). */
function intervalBijection(low: number, high: number): Bijection {
  const width = high - low;
  return {
    constraint: { kind: 'interval', low, high },
    unconstrainedShape: (shape) => [...shape],
    forward: (u) => tf.add(low, tf.mul(width, tf.sigmoid(u))),
    inverse: (v) => {
      const p = tf.div(tf.sub(v, low), width);
      return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
    },
    logDetJacobian: (u) => tf.add(Math.log(width), tf.add(tf.logSigmoid(u), tf.logSigmoid(tf.neg(u)))),
    inverseValues: (values) => elementwise(values, (v) => logit((v - low) / width)),
  };
}

// ---------------------------------------------------------------- stick-breaking

/**
 * Stick-breaking (as in Stan), R^(K-1) -> the open simplex of R^K along the last axis:
 *   z_k = sigmoid(u_k - log(K - 1 - k)),  x_k = z_k prod_{j<k} (1 - z_j)  (k = 0..K-2),
 *   x_(K-1) = prod_j (1 - z_j).
 * The offsets make u = 0 the uniform point 1/K. With r_k = prod_{j<k} (1 - z_j),
 *   log |det dx_(0..K-2) / du| = sum_k log z_k + log(1 - z_k) + log r_k.
 * Computed in log space (log-sigmoids and an exclusive cumulative sum), so it stays finite.
 */
const SIMPLEX_BIJECTION: Bijection = {
  constraint: 'simplex',
  unconstrainedShape: (shape) => {
    const k = shape[shape.length - 1];
    if (k === undefined || k < 2) throw new Error(`internal: a simplex needs a last axis of size >= 2, got [${shape.join(', ')}]`);
    return [...shape.slice(0, -1), k - 1];
  },
  forward: (u) =>
    tf.tidy(() => {
      const { logZ, logRest, logRemaining } = stick(u);
      const last = tf.sum(logRest, -1, true);
      return tf.exp(tf.concat([tf.add(logZ, logRemaining), last], -1));
    }),
  inverse: (v) =>
    tf.tidy(() => {
      const axis = v.rank - 1;
      const k = v.shape[axis]!;
      const head = tf.slice(v, new Array<number>(v.rank).fill(0), [...v.shape.slice(0, -1), k - 1]);
      // sum_{j>k} x_j: the reverse exclusive cumulative sum, without the last entry
      const after = tf.slice(tf.cumsum(v, axis, true, true), new Array<number>(v.rank).fill(0), [...v.shape.slice(0, -1), k - 1]);
      return tf.add(tf.sub(tf.log(head), tf.log(after)), stickOffsets(k));
    }),
  logDetJacobian: (u) =>
    tf.tidy(() => {
      const { logZ, logRest, logRemaining } = stick(u);
      return tf.sum(tf.add(tf.add(logZ, logRest), logRemaining), -1);
    }),
  inverseValues: (values, shape) => {
    const k = shape[shape.length - 1]!;
    const out = new Float32Array((values.length / k) * (k - 1));
    for (let row = 0, o = 0; row < values.length; row += k) {
      let after = 0;
      const tail = new Float64Array(k);
      for (let i = k - 1; i >= 0; i--) {
        tail[i] = after;
        after += values[row + i]!;
      }
      for (let i = 0; i < k - 1; i++) out[o++] = Math.log(values[row + i]! / after) - Math.log(tail[i]! / after) + Math.log(k - 1 - i);
    }
    return out;
  },
};

/** log(K - 1 - k) for k = 0..K-2. */
function stickOffsets(k: number): Tensor {
  const offsets = new Float32Array(k - 1);
  for (let i = 0; i < k - 1; i++) offsets[i] = Math.log(k - 1 - i);
  return tf.tensor1d(offsets);
}

function stick(u: Tensor): { logZ: Tensor; logRest: Tensor; logRemaining: Tensor } {
  const km1 = u.shape[u.rank - 1]!;
  const a = tf.sub(u, stickOffsets(km1 + 1));
  // log sigmoid(a) = -softplus(-a). Not tf.logSigmoid: its custom gradient keeps its input only
  // in a closure, and tfjs disposes that intermediate (the loss runs in a tidy) before backprop.
  const logZ = tf.neg(tf.softplus(tf.neg(a)));
  const logRest = tf.neg(tf.softplus(a));
  const logRemaining = tf.cumsum(logRest, u.rank - 1, true);
  return { logZ, logRest, logRemaining };
}

// ---------------------------------------------------------------- lookup

export function bijection(c: Constraint): Bijection {
  if (typeof c !== 'string') return intervalBijection(c.low, c.high);
  switch (c) {
    case 'real':
      return REAL_BIJECTION;
    case 'positive':
      return POSITIVE_BIJECTION;
    case 'unit':
      return UNIT_BIJECTION;
    case 'simplex':
      return SIMPLEX_BIJECTION;
  }
}

/**
 * The squashing of a net head's linear output (same size as the head) into its constraint:
 * the bijection's forward map, except for the simplex, where it is a softmax over the head's
 * K outputs (over-parameterized by one, which does no harm to a net).
 */
export function headTransform(u: Tensor, c: Constraint): Tensor {
  return c === 'simplex' ? tf.softmax(u) : bijection(c).forward(u);
}
