import { tf, withoutGradient, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { GEOMETRIC_SPEC } from './spec.js';
import { binaryLogits, type BinaryParam } from './bernoulli.js';
import { uniformNoise } from './special.js';

/**
 * The number of failures before the first success, success probability p = sigmoid(logits):
 * P(k) = (1 - p)^k p, k = 0, 1, 2, ... (the convention of PyTorch, NumPyro and scipy's
 * `geom(p, loc=-1)`).
 */
export class Geometric implements Distribution {
  readonly spec = GEOMETRIC_SPEC;
  readonly logits: Tensor;

  constructor(param: BinaryParam) {
    this.logits = binaryLogits(param);
  }

  /** floor(log u / log(1 - p)) (inversion); no gradient flows through it. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const u = uniformNoise(shape, rng);
    return withoutGradient((l) => tf.floor(tf.div(tf.log(u), tf.neg(tf.softplus(l)))))(this.logits);
  }

  /** k log(1 - p) + log p, as -softplus of the logits (tf.logSigmoid's gradient reads a tensor it does not save, disposed inside a tidy). */
  logProb(value: Tensor): Tensor {
    return tf.add(tf.mul(value, tf.neg(tf.softplus(this.logits))), tf.neg(tf.softplus(tf.neg(this.logits))));
  }

  /** (1 - p) / p = exp(-logits). */
  mean(): Tensor {
    return tf.exp(tf.neg(this.logits));
  }
}
