import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { HALF_NORMAL_SPEC } from './spec.js';

const LOG_2_OVER_SQRT_2PI = Math.log(2) - 0.5 * Math.log(2 * Math.PI);

/** |N(0, scale^2)|: density 2 / (scale sqrt(2 pi)) exp(-z^2 / (2 scale^2)) on z > 0. */
export class HalfNormal implements Distribution {
  readonly spec = HALF_NORMAL_SPEC;

  constructor(readonly scale: Tensor) {}

  /** z = scale |eps|, eps ~ N(0, 1): pathwise in the scale. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const eps = tf.randomNormal([...shape], 0, 1, 'float32', rng.nextSeed());
    return tf.mul(this.scale, tf.abs(eps));
  }

  logProb(value: Tensor): Tensor {
    const z = tf.div(value, this.scale);
    return tf.sub(tf.sub(LOG_2_OVER_SQRT_2PI, tf.log(this.scale)), tf.mul(0.5, tf.square(z)));
  }

  /** scale sqrt(2 / pi). */
  mean(): Tensor {
    return tf.mul(this.scale, Math.sqrt(2 / Math.PI));
  }
}
