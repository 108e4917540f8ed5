import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { RELAXED_BERNOULLI_SPEC } from './spec.js';
import { binaryLogits, type BinaryParam } from './bernoulli.js';
import { FLOAT32_ONE_MINUS, FLOAT32_TINY, uniformNoise } from './special.js';

/**
 * Binary Concrete (Maddison et al. 2017), the relaxation of Bernoulli(logits) at temperature t:
 * z = sigmoid((logits + log u - log(1 - u)) / t) in (0, 1).
 */
export class RelaxedBernoulli implements Distribution {
  readonly spec = RELAXED_BERNOULLI_SPEC;
  readonly logits: Tensor;

  constructor(
    readonly temperature: Tensor,
    param: BinaryParam,
  ) {
    this.logits = binaryLogits(param);
  }

  /** Pathwise in logits and temperature. Kept inside float32's open (0, 1) so log z and log(1 - z) stay finite. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const u = uniformNoise(shape, rng);
    const logistic = tf.sub(tf.log(u), tf.log1p(tf.neg(u)));
    const z = tf.sigmoid(tf.div(tf.add(this.logits, logistic), this.temperature));
    return tf.clipByValue(z, FLOAT32_TINY, FLOAT32_ONE_MINUS);
  }

  /**
   * logit(z) is Logistic(logits / t, 1 / t); with y = t logit(z) - logits:
   * log p(z) = log t - y - 2 softplus(-y) - log z - log(1 - z).
   */
  logProb(value: Tensor): Tensor {
    const logz = tf.log(value);
    const log1mz = tf.log1p(tf.neg(value));
    const y = tf.sub(tf.mul(this.temperature, tf.sub(logz, log1mz)), this.logits);
    return tf.sub(tf.sub(tf.log(this.temperature), tf.add(y, tf.mul(2, tf.softplus(tf.neg(y))))), tf.add(logz, log1mz));
  }

  /** sigmoid(logits): the mean of the Bernoulli it relaxes (the relaxed mean has no closed form). */
  mean(): Tensor {
    return tf.sigmoid(this.logits);
  }
}
