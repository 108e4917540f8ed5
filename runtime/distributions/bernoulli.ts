import { tf, withoutGradient, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { BERNOULLI_SPEC } from './spec.js';
import { fusedOps } from '../fusion.js';
import { bernoulliLogProbKernel } from '../bernoulli-kernel.js';

export type BinaryParam = { logits: Tensor } | { probs: Tensor };

/** The log-odds of a binary distribution given by logits or by probs (clipped off 0 and 1). */
export function binaryLogits(param: BinaryParam): Tensor {
  if ('logits' in param) return param.logits;
  const p = tf.clipByValue(param.probs, 1e-7, 1 - 1e-7);
  return tf.sub(tf.log(p), tf.log1p(tf.neg(p)));
}

/** Parameterized internally by logits: log p(x) = x l - softplus(l) is exact for any l. */
export class Bernoulli implements Distribution {
  readonly spec = BERNOULLI_SPEC;
  readonly logits: Tensor;

  constructor(param: BinaryParam) {
    this.logits = binaryLogits(param);
  }

  sample(shape: readonly number[], rng: Rng): Tensor {
    const u = tf.randomUniform([...shape], 0, 1, 'float32', rng.nextSeed());
    return withoutGradient((l) => tf.cast(tf.less(u, tf.sigmoid(l)), 'float32'))(this.logits);
  }

  logProb(value: Tensor): Tensor {
    return (fusedOps() ? bernoulliLogProbKernel(this.logits, value) : undefined) ?? bernoulliLogProb(this.logits, value);
  }

  mean(): Tensor {
    return tf.sigmoid(this.logits);
  }
}

/** Per-element log p(x | l) is floored here (p >= e^-80): sigmoid underflows to 0 near -87. */
const LOG_PROB_FLOOR = -80;

/** Sum `g` over the axes along which `shape` was broadcast, giving a tensor of `shape`. */
function reduceTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.join(',') === shape.join(',')) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return tf.reshape(tf.sum(g, axes), [...shape]);
}

/**
 * Elementwise log p(x | logits) for x in {0, 1}: x l - softplus(l) = log sigmoid((2x - 1) l).
 * The second form because tfjs-wasm's softplus is slow scalar code while XNNPACK's sigmoid and
 * log are vectorized; the exact gradient (x - sigmoid(l)) is written by hand. The value is
 * floored at LOG_PROB_FLOOR per element; no gradient flows to x (data or a discrete sample).
 */
export function bernoulliLogProb(logits: Tensor, x: Tensor): Tensor {
  const f = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const l = args[0] as Tensor;
    // x is saved too: a drawn sample would otherwise be disposed before the backward pass.
    (args[1] as tf.GradSaveFunc)([l, x]);
    const signed = tf.mul(l, tf.sub(tf.mul(x, 2), 1));
    return {
      value: tf.log(tf.sigmoid(tf.clipByValue(signed, LOG_PROB_FLOOR, Infinity))),
      gradFunc: (dy: Tensor, saved: Tensor[]) => reduceTo(tf.mul(tf.sub(saved[1]!, tf.sigmoid(saved[0]!)), dy), l.shape),
    };
  }) as (l: Tensor) => Tensor;
  return f(logits);
}

/** KL(q || p) between two elementwise Bernoullis. */
export function klBernoulliBernoulli(q: Bernoulli, p: Bernoulli): Tensor {
  const qp = tf.sigmoid(q.logits);
  // KL = q (log q - log p) + (1-q) (log(1-q) - log(1-p)), in logits: stable via log-sigmoid,
  // written -softplus(-l): tf.logSigmoid's gradient reads its input without saving it, and an
  // input computed inside the step's tidy (logits = 2 * v) is disposed before the backward pass.
  const logSigmoid = (l: Tensor): Tensor => tf.neg(tf.softplus(tf.neg(l)));
  const logQ1 = logSigmoid(q.logits);
  const logQ0 = logSigmoid(tf.neg(q.logits));
  const logP1 = logSigmoid(p.logits);
  const logP0 = logSigmoid(tf.neg(p.logits));
  return tf.add(tf.mul(qp, tf.sub(logQ1, logP1)), tf.mul(tf.sub(1, qp), tf.sub(logQ0, logP0)));
}
