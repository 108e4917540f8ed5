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
 * The lower Cholesky factor L (L L^T = A) of symmetric positive definite matrices A [..., D, D],
 * column by column in differentiable ops (Cholesky-Banachiewicz): with s_i = sum_{k<j} L_ik L_jk,
 * L_jj = sqrt(A_jj - s_j) and L_ij = (A_ij - s_i) / L_jj below it. Only A's lower triangle is
 * read, so the gradient with respect to an off-diagonal entry lands on its lower copy.
 */
export function cholesky(a: Tensor): Tensor {
  const d = a.shape[a.rank - 1]!;
  const eye = tf.eye(d);
  let l: Tensor = tf.zerosLike(a);
  for (let j = 0; j < d; j++) {
    const ej = tf.slice(eye, [j, 0], [1, d]); // [1, D]
    const ejCol = tf.reshape(ej, [d, 1]);
    const rowJ = tf.sum(tf.mul(l, ejCol), -2); // [..., D]: row j of L so far (zero from column j on)
    const colA = tf.sum(tf.mul(a, ej), -1); // [..., D]: column j of A
    const diff = tf.sub(colA, tf.sum(tf.mul(l, tf.expandDims(rowJ, -2)), -1)); // A_ij - s_i
    const ljj = tf.sqrt(tf.sum(tf.mul(diff, ej), -1)); // [...]
    const below = tf.slice(tf.linalg.bandPart(tf.ones([d, d]), -1, 0), [0, j], [d, 1]); // [D, 1]: rows i >= j
    const col = tf.mul(tf.div(diff, tf.expandDims(ljj, -1)), tf.reshape(below, [d]));
    l = tf.add(l, tf.mul(tf.expandDims(col, -1), ej));
  }
  return l;
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

  /** `scale` is the factor L, or `{ covariance }` to be factored. */
  constructor(readonly loc: Tensor, scale: Tensor | { covariance: Tensor }) {
    this.scaleTril = scale instanceof tf.Tensor ? tf.mul(scale, lowerMask(scale.shape[scale.rank - 1]!)) : cholesky(scale.covariance);
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
