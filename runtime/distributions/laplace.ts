import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { LAPLACE_SPEC } from './spec.js';
import { uniformNoise } from './special.js';

export class Laplace implements Distribution {
  readonly spec = LAPLACE_SPEC;

  constructor(readonly loc: Tensor, readonly scale: Tensor) {}

  /** z = loc + scale (log u1 - log u2): the difference of two Exponential(1) variates is Laplace(0, 1). */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const e = tf.sub(tf.log(uniformNoise(shape, rng)), tf.log(uniformNoise(shape, rng)));
    return tf.add(this.loc, tf.mul(this.scale, e));
  }

  logProb(value: Tensor): Tensor {
    return tf.neg(tf.add(tf.log(tf.mul(2, this.scale)), tf.div(tf.abs(tf.sub(value, this.loc)), this.scale)));
  }

  mean(): Tensor {
    return this.loc;
  }
}

/** KL(q || p) = log(b_p / b_q) + |m_q - m_p| / b_p + (b_q / b_p) exp(-|m_q - m_p| / b_q) - 1. */
export function klLaplaceLaplace(q: Laplace, p: Laplace): Tensor {
  const d = tf.abs(tf.sub(q.loc, p.loc));
  const ratio = tf.div(q.scale, p.scale);
  return tf.sub(tf.add(tf.add(tf.neg(tf.log(ratio)), tf.div(d, p.scale)), tf.mul(ratio, tf.exp(tf.neg(tf.div(d, q.scale))))), 1);
}
