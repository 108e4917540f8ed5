import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { BINOMIAL_SPEC } from './spec.js';
import { binaryLogits, type BinaryParam } from './bernoulli.js';
import { lgamma } from './special.js';
import { binomialSample, hostDraws } from './count-samplers.js';

/** log C(n, k) = lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1). */
export function logChoose(n: Tensor, k: Tensor): Tensor {
  return tf.sub(lgamma(tf.add(n, 1)), tf.add(lgamma(tf.add(k, 1)), lgamma(tf.add(tf.sub(n, k), 1))));
}

/** Successes in `total_count` trials of probability p = sigmoid(logits): C(n, k) p^k (1 - p)^(n - k). */
export class Binomial implements Distribution {
  readonly spec = BINOMIAL_SPEC;
  readonly logits: Tensor;

  constructor(readonly totalCount: Tensor, param: BinaryParam) {
    this.logits = binaryLogits(param);
  }

  /** Drawn in float64 (binomialSample); no gradient flows through it. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    return hostDraws(shape, [this.totalCount, this.logits], 'binomial', rng, ([n, l], js) => binomialSample(Math.round(n!), 1 / (1 + Math.exp(-l!)), js));
  }

  /** log C(n, k) + k logits - n softplus(logits): exact for any logits. */
  logProb(value: Tensor): Tensor {
    const n = this.totalCount;
    return tf.add(logChoose(n, value), tf.sub(tf.mul(value, this.logits), tf.mul(n, tf.softplus(this.logits))));
  }

  mean(): Tensor {
    return tf.mul(this.totalCount, tf.sigmoid(this.logits));
  }
}
