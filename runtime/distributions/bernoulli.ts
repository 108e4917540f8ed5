import { tf, stopGradient, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { BERNOULLI_SPEC } from './spec.js';

/** Parameterized internally by logits: log p(x) = x l - softplus(l) is exact for any l. */
export class Bernoulli implements Distribution {
  readonly spec = BERNOULLI_SPEC;
  readonly args: Readonly<Record<string, Tensor>>;
  readonly logits: Tensor;

  constructor(param: { logits: Tensor } | { probs: Tensor }) {
    if ('logits' in param) {
      this.logits = param.logits;
      this.args = { logits: param.logits };
    } else {
      const p = tf.clipByValue(param.probs, 1e-7, 1 - 1e-7);
      this.logits = tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
      this.args = { probs: param.probs };
    }
  }

  sample(shape: readonly number[], rng: Rng): Tensor {
    const u = tf.randomUniform([...shape], 0, 1, 'float32', rng.nextSeed());
    return tf.cast(tf.less(u, stopGradient(tf.sigmoid(this.logits))), 'float32');
  }

  logProb(value: Tensor): Tensor {
    return tf.sub(tf.mul(value, this.logits), tf.softplus(this.logits));
  }

  mean(): Tensor {
    return tf.sigmoid(this.logits);
  }
}

/** KL(q || p) between two elementwise Bernoullis. */
export function klBernoulliBernoulli(q: Bernoulli, p: Bernoulli): Tensor {
  const qp = tf.sigmoid(q.logits);
  // KL = q (log q - log p) + (1-q) (log(1-q) - log(1-p)), in logits: stable via log-sigmoid.
  const logQ1 = tf.logSigmoid(q.logits);
  const logQ0 = tf.logSigmoid(tf.neg(q.logits));
  const logP1 = tf.logSigmoid(p.logits);
  const logP0 = tf.logSigmoid(tf.neg(p.logits));
  return tf.add(tf.mul(qp, tf.sub(logQ1, logP1)), tf.mul(tf.sub(1, qp), tf.sub(logQ0, logP0)));
}
