import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { GAMMA_SPEC } from './spec.js';
import { broadcastShapes, digamma, lgamma, standardGammaSample } from './special.js';

/** Gamma(concentration a, rate b): density b^a z^(a-1) exp(-b z) / Gamma(a). */
export class Gamma implements Distribution {
  readonly spec = GAMMA_SPEC;

  constructor(readonly concentration: Tensor, readonly rate: Tensor) {}

  /**
   * z = z1 / rate with z1 ~ Gamma(a, 1) drawn in float64 (Marsaglia-Tsang); z1 is pathwise in a
   * through the implicit gradient dz1/da = -(dP(a, z1)/da) / p(z1; a) (special.ts), and z in
   * the rate through the division.
   */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const z1 = standardGammaSample(tf.broadcastTo(this.concentration, broadcastShapes(shape, this.concentration.shape)), rng);
    return tf.div(z1, this.rate);
  }

  logProb(value: Tensor): Tensor {
    const a = this.concentration;
    const b = this.rate;
    return tf.sub(tf.add(tf.mul(a, tf.log(b)), tf.sub(tf.mul(tf.sub(a, 1), tf.log(value)), tf.mul(b, value))), lgamma(a));
  }

  mean(): Tensor {
    return tf.div(this.concentration, this.rate);
  }
}

/**
 * KL(q || p) = (a_q - a_p) psi(a_q) - lgamma(a_q) + lgamma(a_p) + a_p (log b_q - log b_p)
 *              + a_q (b_p - b_q) / b_q.
 */
export function klGammaGamma(q: Gamma, p: Gamma): Tensor {
  const [aq, bq, ap, bp] = [q.concentration, q.rate, p.concentration, p.rate];
  const t1 = tf.mul(tf.sub(aq, ap), digamma(aq));
  const t2 = tf.sub(lgamma(ap), lgamma(aq));
  const t3 = tf.mul(ap, tf.sub(tf.log(bq), tf.log(bp)));
  const t4 = tf.mul(aq, tf.div(tf.sub(bp, bq), bq));
  return tf.add(tf.add(t1, t2), tf.add(t3, t4));
}
