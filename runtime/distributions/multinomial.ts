import { tf, type Tensor } from '../tf.js';
import { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { MULTINOMIAL_SPEC } from './spec.js';
import { broadcastShapes, FLOAT32_TINY, lgamma } from './special.js';
import { binomialSample } from './count-samplers.js';

/**
 * The counts of K classes in `total_count` draws with class probabilities p (the last axis, event
 * rank 1): n! / prod k_i! prod p_i^k_i. A value has the parameters' shape; `total_count` has one
 * axis fewer.
 */
export class Multinomial implements Distribution {
  readonly spec = MULTINOMIAL_SPEC;
  /** Normalized log-probabilities, [..., K]. */
  readonly logProbs: Tensor;

  constructor(readonly totalCount: Tensor, param: { logits: Tensor } | { probs: Tensor }) {
    if ('logits' in param) {
      this.logProbs = tf.logSoftmax(param.logits);
    } else {
      const p = tf.maximum(param.probs, FLOAT32_TINY);
      this.logProbs = tf.sub(tf.log(p), tf.log(tf.sum(p, -1, true)));
    }
  }

  /**
   * Class by class in float64: k_i ~ Binomial(n - k_1 - ... - k_(i-1), p_i / (p_i + ... + p_K)),
   * the last class taking the rest. No gradient flows through it.
   */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const k = this.logProbs.shape[this.logProbs.rank - 1]!;
    const full = broadcastShapes(shape, this.logProbs.shape, [...this.totalCount.shape, 1]);
    const [lp, n] = tf.tidy(() => [tf.broadcastTo(this.logProbs, full).dataSync(), tf.broadcastTo(tf.expandDims(this.totalCount, -1), full).dataSync()]);
    const js = new Rng(`multinomial:${rng.nextSeed()}`);
    const out = new Float32Array(lp!.length);
    for (let row = 0; row < out.length; row += k) {
      let left = Math.round(n![row]!);
      let mass = 0;
      for (let i = row; i < row + k; i++) mass += Math.exp(lp![i]!);
      for (let i = row; i < row + k; i++) {
        const p = Math.exp(lp![i]!);
        const draw = i === row + k - 1 || mass <= 0 ? left : binomialSample(left, Math.min(1, p / mass), js);
        out[i] = draw;
        left -= draw;
        mass -= p;
      }
    }
    return tf.tensor(out, full, 'float32');
  }

  /** Per event (the class axis summed out): lgamma(n + 1) - sum lgamma(k_i + 1) + sum k_i log p_i. */
  logProb(value: Tensor): Tensor {
    const norm = tf.sub(lgamma(tf.add(this.totalCount, 1)), tf.sum(lgamma(tf.add(value, 1)), -1));
    return tf.add(norm, tf.sum(tf.mul(value, this.logProbs), -1));
  }

  mean(): Tensor {
    return tf.mul(tf.expandDims(this.totalCount, -1), tf.exp(this.logProbs));
  }
}
