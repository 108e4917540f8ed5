import { tf, withoutGradient, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { CATEGORICAL_SPEC } from './spec.js';
import { FLOAT32_TINY, uniformNoise } from './special.js';

/**
 * Class indices 0..K-1. The parameters carry the K classes on their last axis; a value has the
 * parameters' shape without it (values are float32 integers, like every value of a program).
 */
export class Categorical implements Distribution {
  readonly spec = CATEGORICAL_SPEC;
  /** Normalized log-probabilities, [..., K]. */
  readonly logProbs: Tensor;

  /** The value of class 0 (an integer; 0 unless the site gives `low`). */
  readonly low: Tensor | undefined;

  constructor(param: { logits: Tensor } | { probs: Tensor }, low?: Tensor) {
    this.low = low;
    if ('logits' in param) {
      this.logProbs = tf.logSoftmax(param.logits);
    } else {
      const p = tf.maximum(param.probs, FLOAT32_TINY);
      this.logProbs = tf.sub(tf.log(p), tf.log(tf.sum(p, -1, true)));
    }
  }

  get classes(): number {
    return this.logProbs.shape[this.logProbs.rank - 1]!;
  }

  /** Gumbel-max: argmax_k (log p_k + g_k), g_k = -log(-log u_k). */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const full = [...shape, this.classes];
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniformNoise(full, rng)))));
    const index = withoutGradient((lp) => tf.cast(tf.argMax(tf.add(tf.broadcastTo(lp, full), gumbel), -1), 'float32'))(this.logProbs);
    return this.low ? tf.add(index, this.low) : index;
  }

  logProb(value: Tensor): Tensor {
    const index = this.low ? tf.sub(value, this.low) : value;
    // int32 then cast: tfjs-wasm's OneHot ignores the dtype argument (float32-labelled int bits).
    const onehot = tf.cast(tf.oneHot(tf.cast(index, 'int32'), this.classes), 'float32');
    return tf.sum(tf.mul(onehot, this.logProbs), -1);
  }

  /** The expected value low + sum_k k p_k (the probabilities themselves are `probs()`). */
  mean(): Tensor {
    const index = tf.sum(tf.mul(this.probs(), tf.range(0, this.classes, 1, 'float32')), -1);
    return this.low ? tf.add(index, this.low) : index;
  }

  probs(): Tensor {
    return tf.exp(this.logProbs);
  }
}

/** KL(q || p) = sum_k q_k (log q_k - log p_k), per value (the class axis summed out). */
export function klCategoricalCategorical(q: Categorical, p: Categorical): Tensor {
  return tf.sum(tf.mul(q.probs(), tf.sub(q.logProbs, p.logProbs)), -1);
}
