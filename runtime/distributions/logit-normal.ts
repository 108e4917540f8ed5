import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { LOGIT_NORMAL_SPEC } from './spec.js';
import { FLOAT32_TINY } from './special.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * A Normal(loc, scale) pushed into the interval (low, high) by z = low + (high - low) sigmoid(x):
 * the automatic guide of interval latents (Pyro's AutoNormal does the same through
 * biject_to(support)), and a guide family of its own for unit latents.
 */
export class LogitNormal implements Distribution {
  readonly spec = LOGIT_NORMAL_SPEC;

  constructor(readonly loc: Tensor, readonly scale: Tensor, readonly low: Tensor, readonly high: Tensor) {}

  /** Pathwise: z = low + (high - low) sigmoid(loc + scale eps). */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const eps = tf.randomNormal([...shape], 0, 1, 'float32', rng.nextSeed());
    return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), tf.sigmoid(tf.add(this.loc, tf.mul(this.scale, eps)))));
  }

  /** The Normal's density at x = logit(u), u = (z - low) / (high - low), over |dz/dx| = (high - low) u (1 - u). */
  logProb(value: Tensor): Tensor {
    const width = tf.sub(this.high, this.low);
    const u = tf.clipByValue(tf.div(tf.sub(value, this.low), width), FLOAT32_TINY, 1 - 2 ** -24);
    const logU = tf.log(u);
    const log1mU = tf.log1p(tf.neg(u));
    const z = tf.div(tf.sub(tf.sub(logU, log1mU), this.loc), this.scale);
    const normal = tf.sub(tf.neg(tf.add(tf.mul(0.5, tf.square(z)), tf.log(this.scale))), HALF_LOG_2PI);
    return tf.sub(normal, tf.add(tf.log(width), tf.add(logU, log1mU)));
  }

  /** The median low + (high - low) sigmoid(loc) (the mean has no closed form). */
  mean(): Tensor {
    return tf.add(this.low, tf.mul(tf.sub(this.high, this.low), tf.sigmoid(this.loc)));
  }
}
