import { tf, withoutGradient, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import type { DistSpec } from './spec.js';
import { ZERO_INFLATED_NEGATIVE_BINOMIAL_SPEC, ZERO_INFLATED_POISSON_SPEC } from './spec.js';
import { Poisson } from './poisson.js';
import { NegativeBinomial, type NegativeBinomialParam } from './negative-binomial.js';

/** log(e^a + e^b), stable. */
function logAddExp(a: Tensor, b: Tensor): Tensor {
  const m = tf.maximum(a, b);
  return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m)))));
}

/**
 * A count that is 0 with probability `gate` (a structural zero) and otherwise drawn from `base`:
 * P(0) = gate + (1 - gate) base(0), P(k > 0) = (1 - gate) base(k).
 */
abstract class ZeroInflated implements Distribution {
  abstract readonly spec: DistSpec;

  constructor(readonly gate: Tensor, readonly base: Distribution) {}

  sample(shape: readonly number[], rng: Rng): Tensor {
    const k = this.base.sample(shape, rng);
    const u = tf.randomUniform([...k.shape], 0, 1, 'float32', rng.nextSeed());
    return withoutGradient((g) => tf.mul(k, tf.cast(tf.greaterEqual(u, g), 'float32')))(this.gate);
  }

  logProb(value: Tensor): Tensor {
    const base = this.base.logProb(value);
    const kept = tf.add(tf.log1p(tf.neg(this.gate)), base);
    const zero = logAddExp(tf.log(this.gate), kept);
    const isZero = withoutGradient((v) => tf.cast(tf.equal(v, 0), 'float32'))(value);
    return tf.add(tf.mul(isZero, zero), tf.mul(tf.sub(1, isZero), kept));
  }

  mean(): Tensor {
    return tf.mul(tf.sub(1, this.gate), this.base.mean());
  }
}

export class ZeroInflatedPoisson extends ZeroInflated {
  readonly spec = ZERO_INFLATED_POISSON_SPEC;

  constructor(gate: Tensor, rate: Tensor) {
    super(gate, new Poisson(rate));
  }
}

export class ZeroInflatedNegativeBinomial extends ZeroInflated {
  readonly spec = ZERO_INFLATED_NEGATIVE_BINOMIAL_SPEC;

  constructor(gate: Tensor, param: NegativeBinomialParam) {
    super(gate, new NegativeBinomial(param));
  }
}
