import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { NORMAL_SPEC } from './spec.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export class Normal implements Distribution {
  readonly spec = NORMAL_SPEC;

  constructor(readonly loc: Tensor, readonly scale: Tensor) {}

  sample(shape: readonly number[], rng: Rng): Tensor {
    const eps = tf.randomNormal([...shape], 0, 1, 'float32', rng.nextSeed());
    return tf.add(this.loc, tf.mul(this.scale, eps));
  }

  logProb(value: Tensor): Tensor {
    const z = tf.div(tf.sub(value, this.loc), this.scale);
    return tf.sub(tf.neg(tf.add(tf.mul(0.5, tf.square(z)), tf.log(this.scale))), HALF_LOG_2PI);
  }

  mean(): Tensor {
    return this.loc;
  }
}

/** KL(q || p) between two elementwise Normals. */
export function klNormalNormal(q: Normal, p: Normal): Tensor {
  const varRatio = tf.square(tf.div(q.scale, p.scale));
  const t = tf.square(tf.div(tf.sub(q.loc, p.loc), p.scale));
  return tf.mul(0.5, tf.sub(tf.sub(tf.add(varRatio, t), 1), tf.log(varRatio)));
}
