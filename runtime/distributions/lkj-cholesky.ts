// LKJ priors on correlation matrices through their Cholesky factors, and the transformed Normal
// that is the automatic guide of a corr_cholesky latent.
import { tf, type Tensor } from '../tf.js';
import { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { CORR_CHOLESKY_NORMAL_SPEC, LKJ_CHOLESKY_SPEC } from './spec.js';
import { broadcastShapes, lgamma, lgammaNum, logGammaSample } from './special.js';
import { diagonal } from './multivariate-normal.js';

const LOG_PI = Math.log(Math.PI);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The D x D mask of the entries strictly below the diagonal. */
function strictlyLower(d: number): Tensor {
  return tf.sub(tf.linalg.bandPart(tf.ones([d, d]), -1, 0), tf.eye(d));
}

/** sum_{j=1}^{d} lgamma(a + (1 - j) / 2) + d (d - 1) / 4 log pi: the log multivariate gamma function. */
function logMultiGamma(a: Tensor, d: number): Tensor {
  let acc: Tensor = tf.scalar((d * (d - 1) * LOG_PI) / 4);
  for (let j = 1; j <= d; j++) acc = tf.add(acc, lgamma(tf.add(a, (1 - j) / 2)));
  return acc;
}

/** A standard normal draw in float64 (Box-Muller). */
function normalNum(rng: Rng): number {
  const u = rng.uniform() || Number.MIN_VALUE;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform());
}

/**
 * LKJCholesky(concentration eta) on the Cholesky factor L of a D x D correlation matrix (Lewandowski,
 * Kurowicka & Joe 2009; Stan's lkj_corr_cholesky, NumPyro's LKJCholesky): density
 * prod_{k=2}^{D} L_kk^(D - k + 2 eta - 2) / c(D, eta) with respect to the entries below the
 * diagonal; eta = 1 is uniform over correlation matrices, larger eta concentrates on the identity.
 */
export class LkjCholesky implements Distribution {
  readonly spec = LKJ_CHOLESKY_SPEC;

  constructor(readonly dimension: Tensor, readonly concentration: Tensor) {}

  /**
   * The onion method in float64: row 0 is e_1; row i (1 <= i < D) is (sqrt(y) u, sqrt(1 - y), 0...)
   * with y ~ Beta(i / 2, eta + (D - 1 - i) / 2) and u uniform on the unit sphere in R^i. No
   * gradient flows through it.
   */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const d = shape[shape.length - 1]!;
    const batch = shape.slice(0, -2);
    const full = broadcastShapes(batch, this.concentration.shape);
    const eta = tf.tidy(() => tf.broadcastTo(this.concentration, full).dataSync());
    const js = new Rng(`lkj:${rng.nextSeed()}`);
    const out = new Float32Array(eta.length * d * d);
    for (let b = 0; b < eta.length; b++) {
      const base = b * d * d;
      out[base] = 1;
      for (let i = 1; i < d; i++) {
        const s = logGammaSample(i / 2, js) - logGammaSample(eta[b]! + (d - 1 - i) / 2, js);
        const y = 1 / (1 + Math.exp(-s));
        const u = Array.from({ length: i }, () => normalNum(js));
        const norm = Math.sqrt(u.reduce((a, v) => a + v * v, 0));
        for (let j = 0; j < i; j++) out[base + i * d + j] = (Math.sqrt(y) * u[j]!) / norm;
        out[base + i * d + i] = Math.sqrt(1 - y);
      }
    }
    return tf.tensor(out, [...full, d, d], 'float32');
  }

  /** Per event (the last two axes summed out). */
  logProb(value: Tensor): Tensor {
    const d = value.shape[value.rank - 1]!;
    const eta = this.concentration;
    const logDiag = tf.log(diagonal(value)); // [..., D]
    // the exponent of L_kk, k = 1..D (1-based): D - k + 2 eta - 2 (k = 1 has L_11 = 1 and adds 0)
    const order = tf.add(tf.expandDims(tf.mul(2, tf.sub(eta, 1)), -1), tf.sub(d, tf.range(1, d + 1, 1, 'float32')));
    const unnormalized = tf.sum(tf.mul(order, logDiag), -1);
    const dm1 = d - 1;
    const alpha = tf.add(eta, 0.5 * dm1);
    const norm = tf.sub(tf.add(0.5 * dm1 * LOG_PI, logMultiGamma(tf.sub(alpha, 0.5), dm1)), tf.mul(dm1, lgamma(alpha)));
    return tf.sub(unnormalized, norm);
  }

  /**
   * The identity: the mean correlation matrix L L^T of every LKJ is the identity (its factor's
   * off-diagonal entries have mean 0), and it is the mode for eta > 1.
   */
  mean(): Tensor {
    return tf.eye(Math.round(this.dimension.dataSync()[0]!));
  }
}

/**
 * Stan's transform from unconstrained reals to the Cholesky factor of a correlation matrix:
 * z = tanh(x) below the diagonal (canonical partial correlations), then row by row
 * L_ij = z_ij sqrt(1 - sum_{k<j} L_ik^2), L_ii = sqrt(1 - sum_{k<i} L_ik^2). x's entries on and
 * above the diagonal are ignored. Differentiable.
 */
export function corrCholeskyForward(x: Tensor): Tensor {
  const d = x.shape[x.rank - 1]!;
  const eye = tf.eye(d);
  const lower = strictlyLower(d);
  const z = tf.mul(tf.tanh(x), lower);
  let rest: Tensor = tf.onesLike(tf.sum(z, -1)); // [..., D]: 1 - sum of squares so far, per row
  let l: Tensor = tf.zerosLike(z);
  for (let j = 0; j < d - 1; j++) {
    const ej = tf.slice(eye, [j, 0], [1, d]); // [1, D]: column j picked by a one-hot mask (Gather's gradient is not on wasm)
    const col = tf.mul(tf.sum(tf.mul(z, ej), -1), tf.sqrt(tf.maximum(rest, 1e-12))); // [..., D], zero on rows <= j
    rest = tf.sub(rest, tf.square(col));
    l = tf.add(l, tf.mul(tf.expandDims(col, -1), ej));
  }
  return tf.add(l, tf.mul(tf.expandDims(tf.sqrt(tf.maximum(rest, 1e-12)), -1), eye));
}

/**
 * A Normal(loc, scale) on the D (D - 1) / 2 entries below the diagonal of [..., D, D] pushed
 * through `corrCholeskyForward`: the automatic guide of a corr_cholesky latent (NumPyro's
 * AutoNormal transforms a Normal the same way). Pathwise.
 */
export class CorrCholeskyNormal implements Distribution {
  readonly spec = CORR_CHOLESKY_NORMAL_SPEC;

  constructor(readonly loc: Tensor, readonly scale: Tensor) {}

  sample(shape: readonly number[], rng: Rng): Tensor {
    const eps = tf.randomNormal([...shape], 0, 1, 'float32', rng.nextSeed());
    return corrCholeskyForward(tf.add(this.loc, tf.mul(this.scale, eps)));
  }

  /**
   * With c_ij = sum_{k<j} L_ik^2 (an exclusive cumulative sum along the row), z_ij = L_ij /
   * sqrt(1 - c_ij), x = atanh(z): the Normal's log-density of x minus log |dL/dx| =
   * sum_{i>j} log(1 - z_ij^2) + log(1 - c_ij) / 2.
   */
  logProb(value: Tensor): Tensor {
    const d = value.shape[value.rank - 1]!;
    const lower = strictlyLower(d);
    const lv = tf.mul(value, lower);
    // tfjs-wasm's Cumsum takes no negative axis
    const c = tf.cumsum(tf.square(lv), lv.rank - 1, true);
    const rest = tf.maximum(tf.sub(1, c), 1e-12);
    const z = tf.clipByValue(tf.div(lv, tf.sqrt(rest)), -1 + 1e-6, 1 - 1e-6);
    const x = tf.mul(0.5, tf.sub(tf.log1p(z), tf.log1p(tf.neg(z))));
    const y = tf.div(tf.sub(x, this.loc), this.scale);
    const normal = tf.neg(tf.add(tf.add(tf.mul(0.5, tf.square(y)), tf.log(this.scale)), HALF_LOG_2PI));
    const logJ = tf.add(tf.log1p(tf.neg(tf.square(z))), tf.mul(0.5, tf.log(rest)));
    return tf.sum(tf.mul(tf.sub(normal, logJ), lower), [-2, -1]);
  }

  /** The factor at the Normal's mean (the transform of loc). */
  mean(): Tensor {
    return corrCholeskyForward(this.loc);
  }
}

/** log c(D, eta) in float64, for tests and docs: the LKJCholesky normalizer. */
export function lkjLogNormalizer(d: number, eta: number): number {
  const dm1 = d - 1;
  const alpha = eta + 0.5 * dm1;
  let mg = (dm1 * (dm1 - 1) * LOG_PI) / 4;
  for (let j = 1; j <= dm1; j++) mg += lgammaNum(alpha - 0.5 + (1 - j) / 2);
  return 0.5 * dm1 * LOG_PI + mg - dm1 * lgammaNum(alpha);
}
