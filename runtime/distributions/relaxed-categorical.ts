import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { RELAXED_CATEGORICAL_SPEC } from './spec.js';
import { FLOAT32_TINY, lgammaNum, uniformNoise } from './special.js';

/** The exact log of each drawn sample (an ExpConcrete draw), by the sample tensor. */
const LOG_OF_SAMPLE = new WeakMap<Tensor, Tensor>();

/**
 * Concrete / Gumbel-softmax (Maddison et al. 2017; Jang et al. 2017) over the last axis:
 * z = softmax((logits + g) / t), g_k = -log(-log u_k). The temperature broadcasts to the shape
 * without the class axis.
 */
export class RelaxedCategorical implements Distribution {
  readonly spec = RELAXED_CATEGORICAL_SPEC;
  readonly logits: Tensor;

  constructor(
    readonly temperature: Tensor,
    param: { logits: Tensor } | { probs: Tensor },
  ) {
    if ('logits' in param) {
      this.logits = param.logits;
    } else {
      this.logits = tf.log(tf.maximum(param.probs, FLOAT32_TINY));
    }
  }

  get classes(): number {
    return this.logits.shape[this.logits.rank - 1]!;
  }

  /** The temperature with a trailing axis, to broadcast against [..., K]. */
  private get t(): Tensor {
    return tf.expandDims(this.temperature, -1);
  }

  /** Pathwise in logits and temperature; entries kept >= the smallest float32 so log z is finite. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(uniformNoise(shape, rng)))));
    const logz = tf.logSoftmax(tf.div(tf.add(this.logits, gumbel), this.t));
    const z = tf.maximum(tf.exp(logz), FLOAT32_TINY);
    // Entries below float32's range are clamped, and log(z) of the clamp is not their log: keep
    // the exact log of each draw for logProb (the guide's and the prior's score the same tensor).
    LOG_OF_SAMPLE.set(z, logz);
    return z;
  }

  /**
   * Per event: log p(z) = lgamma(K) + (K - 1) log t + sum_k (l_k - (t + 1) log z_k)
   *                       - K logsumexp_k (l_k - t log z_k).
   */
  logProb(value: Tensor): Tensor {
    const k = this.classes;
    const logz = LOG_OF_SAMPLE.get(value) ?? tf.log(value);
    const t = this.t;
    const body = tf.sum(tf.sub(this.logits, tf.mul(tf.add(t, 1), logz)), -1);
    const lse = tf.logSumExp(tf.sub(this.logits, tf.mul(t, logz)), -1);
    return tf.add(tf.add(lgammaNum(k), tf.mul(k - 1, tf.log(this.temperature))), tf.sub(body, tf.mul(k, lse)));
  }

  /** softmax(logits): the mean of the one-hot Categorical it relaxes (no closed form at t > 0). */
  mean(): Tensor {
    return tf.softmax(this.logits);
  }
}
