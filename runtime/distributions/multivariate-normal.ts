import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { MULTIVARIATE_NORMAL_SPEC } from './spec.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The D x D lower-triangular mask (ones on and below the diagonal). */
function lowerMask(d: number): Tensor {
  return tf.linalg.bandPart(tf.ones([d, d]), -1, 0);
}

/** The diagonal [..., D] of matrices [..., D, D]. */
export function diagonal(m: Tensor): Tensor {
  const d = m.shape[m.rank - 1]!;
  return tf.sum(tf.mul(m, tf.eye(d)), -1);
}

/**
 * Y with L Y = B, L [..., D, D] lower triangular, B [..., D, K], by forward substitution in
 * differentiable ops (row i of Y is (B_i - sum_{j<i} L_ij Y_j) / L_ii); batch axes broadcast.
 * O(D) steps of a few ops each: meant for the small D of latent vectors. Rows are picked by
 * multiplying with a one-hot mask and summing (Gather's gradient needs UnsortedSegmentSum, which
 * tfjs-wasm lacks).
 */
export function solveLowerTriangular(l: Tensor, b: Tensor): Tensor {
  const d = l.shape[l.rank - 1]!;
  const eye = tf.eye(d);
  let y: Tensor = tf.zerosLike(b);
  for (let i = 0; i < d; i++) {
    const ei = tf.slice(eye, [i, 0], [1, d]); // [1, D]: row i of the identity
    const eiCol = tf.reshape(ei, [d, 1]);
    const row = tf.sum(tf.mul(l, eiCol), -2); // [..., D], row i of L
    const lii = tf.sum(tf.mul(row, ei), -1); // [...]
    const s = tf.sum(tf.mul(tf.expandDims(row, -1), y), -2); // [..., K]; y is zero from row i on
    const bi = tf.sum(tf.mul(b, eiCol), -2); // [..., K]
    const yi = tf.div(tf.sub(bi, s), tf.expandDims(lii, -1));
    y = tf.add(y, tf.mul(eiCol, tf.expandDims(yi, -2)));
  }
  return y;
}

/**
 * MultivariateNormal(loc, scale_tril): a vector along the last axis (event rank 1) with mean
 * `loc` and covariance L L^T, L = scale_tril lower triangular with a positive diagonal (the
 * entries above the diagonal are ignored). Density
 * (2 pi)^(-D/2) |L|^(-1) exp(-|L^-1 (z - loc)|^2 / 2), |L| the product of L's diagonal.
 */
export class MultivariateNormal implements Distribution {
  readonly spec = MULTIVARIATE_NORMAL_SPEC;
  readonly scaleTril: Tensor;

  constructor(readonly loc: Tensor, scaleTril: Tensor) {
    this.scaleTril = tf.mul(scaleTril, lowerMask(scaleTril.shape[scaleTril.rank - 1]!));
  }

  get dim(): number {
    return this.scaleTril.shape[this.scaleTril.rank - 1]!;
  }

  /** z = loc + L eps, eps ~ N(0, I): pathwise in loc and L. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const eps = tf.randomNormal([...shape], 0, 1, 'float32', rng.nextSeed());
    return tf.add(this.loc, tf.sum(tf.mul(this.scaleTril, tf.expandDims(eps, -2)), -1));
  }

  /** Per event (the last axis summed out). */
  logProb(value: Tensor): Tensor {
    const diff = tf.expandDims(tf.sub(value, this.loc), -1);
    const y = tf.squeeze(solveLowerTriangular(this.scaleTril, diff), [-1]);
    const logDet = tf.sum(tf.log(diagonal(this.scaleTril)), -1);
    return tf.sub(tf.neg(tf.add(tf.mul(0.5, tf.sum(tf.square(y), -1)), logDet)), this.dim * HALF_LOG_2PI);
  }

  mean(): Tensor {
    return this.loc;
  }
}

/**
 * KL(q || p) = sum log diag L_p - sum log diag L_q + (|L_p^-1 L_q|_F^2 + |L_p^-1 (m_q - m_p)|^2 - D) / 2,
 * per event.
 */
export function klMultivariateNormal(q: MultivariateNormal, p: MultivariateNormal): Tensor {
  const m = solveLowerTriangular(p.scaleTril, q.scaleTril);
  const y = solveLowerTriangular(p.scaleTril, tf.expandDims(tf.sub(q.loc, p.loc), -1));
  const trace = tf.sum(tf.square(m), [-2, -1]);
  const maha = tf.sum(tf.square(y), [-2, -1]);
  const logDets = tf.sub(tf.sum(tf.log(diagonal(p.scaleTril)), -1), tf.sum(tf.log(diagonal(q.scaleTril)), -1));
  return tf.add(logDets, tf.mul(0.5, tf.sub(tf.add(trace, maha), q.dim)));
}
