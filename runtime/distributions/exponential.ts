import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { EXPONENTIAL_SPEC } from './spec.js';
import { uniformNoise } from './special.js';

export class Exponential implements Distribution {
  readonly spec = EXPONENTIAL_SPEC;

  constructor(readonly rate: Tensor) {}

  /** z = -log(u) / rate, u in (0, 1). */
  sample(shape: readonly number[], rng: Rng): Tensor {
    return tf.div(tf.neg(tf.log(uniformNoise(shape, rng))), this.rate);
  }

  logProb(value: Tensor): Tensor {
    return tf.sub(tf.log(this.rate), tf.mul(this.rate, value));
  }

  mean(): Tensor {
    return tf.reciprocal(this.rate);
  }
}

/** KL(q || p) = log(l_q / l_p) + l_p / l_q - 1. */
export function klExponentialExponential(q: Exponential, p: Exponential): Tensor {
  const r = tf.div(p.rate, q.rate);
  return tf.sub(tf.sub(r, tf.log(r)), 1);
}
