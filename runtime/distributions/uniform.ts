import { tf, withoutGradient, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { UNIFORM_SPEC } from './spec.js';

export class Uniform implements Distribution {
  readonly spec = UNIFORM_SPEC;

  constructor(readonly low: Tensor, readonly high: Tensor) {}

  /** z = low + (high - low) u, u ~ U(0, 1): pathwise in both bounds. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const u = tf.randomUniform([...shape], 0, 1, 'float32', rng.nextSeed());
    return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), u));
  }

  /**
   * -log(high - low) inside [low, high], -Infinity outside. The indicator is computed with no
   * gradient (a guide's draw reaches it, and the comparisons have none): the density's gradient
   * is that of -log(high - low).
   */
  logProb(value: Tensor): Tensor {
    const inside = withoutGradient((v) => tf.cast(tf.logicalAnd(tf.greaterEqual(v, this.low), tf.lessEqual(v, this.high)), 'float32'))(value);
    return tf.sub(tf.log(inside), tf.log(tf.sub(this.high, this.low)));
  }

  mean(): Tensor {
    return tf.mul(0.5, tf.add(this.low, this.high));
  }
}
