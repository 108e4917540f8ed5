import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { INVERSE_GAMMA_SPEC } from './spec.js';
import { broadcastShapes, lgamma, standardGammaSample } from './special.js';

/** InverseGamma(concentration a, rate b): 1 / Gamma(a, rate b), density b^a z^(-a-1) e^(-b/z) / Gamma(a). */
export class InverseGamma implements Distribution {
  readonly spec = INVERSE_GAMMA_SPEC;

  constructor(readonly concentration: Tensor, readonly rate: Tensor) {}

  /** z = rate / g, g ~ Gamma(a, 1) with its implicit gradient in a; pathwise in the rate through the product. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const g = standardGammaSample(tf.broadcastTo(this.concentration, broadcastShapes(shape, this.concentration.shape)), rng);
    return tf.div(this.rate, g);
  }

  logProb(value: Tensor): Tensor {
    const a = this.concentration;
    const b = this.rate;
    const kernel = tf.add(tf.mul(tf.add(a, 1), tf.log(value)), tf.div(b, value));
    return tf.sub(tf.sub(tf.mul(a, tf.log(b)), lgamma(a)), kernel);
  }

  /** b / (a - 1) when a > 1; the mode b / (a + 1) otherwise (the mean is infinite). */
  mean(): Tensor {
    const a = this.concentration;
    return tf.where(tf.greater(a, 1), tf.div(this.rate, tf.sub(a, 1)), tf.div(this.rate, tf.add(a, 1)));
  }
}
