import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { NEGATIVE_BINOMIAL_SPEC } from './spec.js';
import { binaryLogits } from './bernoulli.js';
import { lgamma } from './special.js';
import { hostDraws, negativeBinomialSample } from './count-samplers.js';

/** The parameterizations: PyTorch's and NumPyro's (total_count, probs or logits) and Stan's neg_binomial_2 (mean, concentration). */
export type NegativeBinomialParam =
  | { totalCount: Tensor; logits: Tensor }
  | { totalCount: Tensor; probs: Tensor }
  | { mean: Tensor; concentration: Tensor };

/**
 * Counts k = 0, 1, 2, ...: the successes before the r-th failure, success probability
 * p = sigmoid(logits): P(k) = Gamma(k + r) / (Gamma(r) k!) (1 - p)^r p^k, mean r p / (1 - p).
 * (mean mu, concentration phi) is the same distribution with r = phi and p = mu / (mu + phi):
 * variance mu + mu^2 / phi. Held internally as r and logits.
 */
export class NegativeBinomial implements Distribution {
  readonly spec = NEGATIVE_BINOMIAL_SPEC;
  readonly totalCount: Tensor;
  readonly logits: Tensor;

  constructor(param: NegativeBinomialParam) {
    if ('mean' in param) {
      this.totalCount = param.concentration;
      this.logits = tf.sub(tf.log(param.mean), tf.log(param.concentration));
    } else {
      this.totalCount = param.totalCount;
      this.logits = binaryLogits(param);
    }
  }

  /** A Gamma-Poisson mixture drawn in float64; no gradient flows through it. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    return hostDraws(shape, [this.totalCount, this.logits], 'negbin', rng, ([r, l], js) => negativeBinomialSample(r!, Math.exp(l!), js));
  }

  /** lgamma(k + r) - lgamma(r) - lgamma(k + 1) + r log(1 - p) + k log p, the logs as -softplus of the logits. */
  logProb(value: Tensor): Tensor {
    const r = this.totalCount;
    const norm = tf.sub(lgamma(tf.add(value, r)), tf.add(lgamma(r), lgamma(tf.add(value, 1))));
    return tf.add(norm, tf.add(tf.mul(r, tf.neg(tf.softplus(this.logits))), tf.mul(value, tf.neg(tf.softplus(tf.neg(this.logits))))));
  }

  /** r p / (1 - p) = r exp(logits). */
  mean(): Tensor {
    return tf.mul(this.totalCount, tf.exp(this.logits));
  }
}
