import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { DIRICHLET_SPEC } from './spec.js';
import { broadcastShapes, digamma, FLOAT32_TINY, lgamma, standardGammaDraws } from './special.js';

/** Dirichlet(a) on the simplex of the last axis (event rank 1). */
export class Dirichlet implements Distribution {
  readonly spec = DIRICHLET_SPEC;

  constructor(readonly concentration: Tensor) {}

  /**
   * x = g / sum(g) along the last axis, g_k ~ Gamma(a_k, 1), normalized in float64 from the
   * Gammas' logs. Pathwise: with c_k = x_k dlog g_k/da_k (the Gamma's implicit gradient),
   * dL/da_k = c_k (dL/dx_k - sum_j dL/dx_j x_j).
   */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const full = broadcastShapes(shape, this.concentration.shape);
    const k = full[full.length - 1]!;
    const a = tf.broadcastTo(this.concentration, full);
    const g = standardGammaDraws(a.dataSync() as Float32Array, rng);
    const n = g.logz.length;
    const x = new Float32Array(n);
    const c = new Float32Array(n);
    for (let row = 0; row < n; row += k) {
      let max = -Infinity;
      for (let i = row; i < row + k; i++) max = Math.max(max, g.logz[i]!);
      let sum = 0;
      for (let i = row; i < row + k; i++) sum += Math.exp(g.logz[i]! - max);
      for (let i = row; i < row + k; i++) {
        const xi = Math.exp(g.logz[i]! - max) / sum;
        x[i] = Math.max(xi, FLOAT32_TINY);
        c[i] = xi * g.dlogz[i]!;
      }
    }
    const value = tf.tensor(x, full, 'float32');
    const factor = tf.tensor(c, full, 'float32');
    const f = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      (args[1] as tf.GradSaveFunc)([factor, value]);
      return {
        value,
        gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(saved[0]!, tf.sub(dy, tf.sum(tf.mul(dy, saved[1]!), -1, true))),
      };
    }) as (a: Tensor) => Tensor;
    return f(a);
  }

  /** Per event (the last axis summed out). */
  logProb(value: Tensor): Tensor {
    const a = this.concentration;
    const norm = tf.sub(lgamma(tf.sum(a, -1)), tf.sum(lgamma(a), -1));
    return tf.add(tf.sum(tf.mul(tf.sub(a, 1), tf.log(value)), -1), norm);
  }

  mean(): Tensor {
    return tf.div(this.concentration, tf.sum(this.concentration, -1, true));
  }
}

/**
 * KL(q || p) = lgamma(a0) - sum lgamma(a_k) - lgamma(b0) + sum lgamma(b_k)
 *              + sum (a_k - b_k)(psi(a_k) - psi(a0)),  a = q's, b = p's, a0 = sum a_k.
 */
export function klDirichletDirichlet(q: Dirichlet, p: Dirichlet): Tensor {
  const a = q.concentration;
  const b = p.concentration;
  const a0 = tf.sum(a, -1);
  const t1 = tf.sub(lgamma(a0), tf.sum(lgamma(a), -1));
  const t2 = tf.sub(tf.sum(lgamma(b), -1), lgamma(tf.sum(b, -1)));
  const t3 = tf.sum(tf.mul(tf.sub(a, b), tf.sub(digamma(a), tf.expandDims(digamma(a0), -1))), -1);
  return tf.add(tf.add(t1, t2), t3);
}
