import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { BETA_SPEC } from './spec.js';
import { broadcastShapes, digamma, FLOAT32_ONE_MINUS, FLOAT32_TINY, lbeta, standardGammaDraws } from './special.js';

/** Beta(a = concentration1, b = concentration0) on (0, 1). */
export class Beta implements Distribution {
  readonly spec = BETA_SPEC;

  constructor(readonly concentration1: Tensor, readonly concentration0: Tensor) {}

  /**
   * x = g1 / (g1 + g0), g1 ~ Gamma(a, 1), g0 ~ Gamma(b, 1), computed in float64 from the
   * Gammas' logs. Pathwise: dx/da = x (1 - x) dlog g1/da and dx/db = -x (1 - x) dlog g0/db, each
   * dlog g/d(shape) the Gamma's implicit reparameterization gradient.
   */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const full = broadcastShapes(shape, this.concentration1.shape, this.concentration0.shape);
    const a = tf.broadcastTo(this.concentration1, full);
    const b = tf.broadcastTo(this.concentration0, full);
    const g1 = standardGammaDraws(a.dataSync() as Float32Array, rng);
    const g0 = standardGammaDraws(b.dataSync() as Float32Array, rng);
    const n = g1.logz.length;
    const x = new Float32Array(n);
    const fa = new Float32Array(n);
    const fb = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const s = g1.logz[i]! - g0.logz[i]!;
      const xi = 1 / (1 + Math.exp(-s));
      const xy = xi * (1 / (1 + Math.exp(s)));
      x[i] = Math.min(Math.max(xi, FLOAT32_TINY), FLOAT32_ONE_MINUS);
      fa[i] = xy * g1.dlogz[i]!;
      fb[i] = -xy * g0.dlogz[i]!;
    }
    const value = tf.tensor(x, full, 'float32');
    const da = tf.tensor(fa, full, 'float32');
    const db = tf.tensor(fb, full, 'float32');
    const f = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
      (args[2] as tf.GradSaveFunc)([da, db]);
      return { value, gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.mul(dy, saved[0]!), tf.mul(dy, saved[1]!)] };
    }) as (a: Tensor, b: Tensor) => Tensor;
    return f(a, b);
  }

  logProb(value: Tensor): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    return tf.sub(tf.add(tf.mul(tf.sub(a, 1), tf.log(value)), tf.mul(tf.sub(b, 1), tf.log1p(tf.neg(value)))), lbeta(a, b));
  }

  mean(): Tensor {
    return tf.div(this.concentration1, tf.add(this.concentration1, this.concentration0));
  }
}

/**
 * KL(q || p) = log B(a_p, b_p) - log B(a_q, b_q) + (a_q - a_p) psi(a_q) + (b_q - b_p) psi(b_q)
 *              + (a_p - a_q + b_p - b_q) psi(a_q + b_q).
 */
export function klBetaBeta(q: Beta, p: Beta): Tensor {
  const [aq, bq, ap, bp] = [q.concentration1, q.concentration0, p.concentration1, p.concentration0];
  const t1 = tf.sub(lbeta(ap, bp), lbeta(aq, bq));
  const t2 = tf.add(tf.mul(tf.sub(aq, ap), digamma(aq)), tf.mul(tf.sub(bq, bp), digamma(bq)));
  const t3 = tf.mul(tf.add(tf.sub(ap, aq), tf.sub(bp, bq)), digamma(tf.add(aq, bq)));
  return tf.add(tf.add(t1, t2), t3);
}
