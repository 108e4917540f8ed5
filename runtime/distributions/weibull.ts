import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { WEIBULL_SPEC } from './spec.js';
import { lgamma, uniformNoise } from './special.js';

/** Weibull(scale lambda, concentration k): density (k / lambda) (z / lambda)^(k-1) exp(-(z / lambda)^k) on z > 0. */
export class Weibull implements Distribution {
  readonly spec = WEIBULL_SPEC;

  constructor(readonly scale: Tensor, readonly concentration: Tensor) {}

  /** z = lambda (-log u)^(1/k) (inverse CDF): pathwise in both parameters. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const e = tf.neg(tf.log(uniformNoise(shape, rng)));
    return tf.mul(this.scale, tf.exp(tf.div(tf.log(e), this.concentration)));
  }

  logProb(value: Tensor): Tensor {
    const k = this.concentration;
    const logr = tf.sub(tf.log(value), tf.log(this.scale));
    return tf.sub(tf.add(tf.sub(tf.log(k), tf.log(this.scale)), tf.mul(tf.sub(k, 1), logr)), tf.exp(tf.mul(k, logr)));
  }

  /** lambda Gamma(1 + 1/k). */
  mean(): Tensor {
    return tf.mul(this.scale, tf.exp(lgamma(tf.add(1, tf.reciprocal(this.concentration)))));
  }
}
