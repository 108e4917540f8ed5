import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { LOGNORMAL_SPEC } from './spec.js';
import { Normal, klNormalNormal } from './normal.js';

/** exp of a Normal(loc, scale). */
export class LogNormal implements Distribution {
  readonly spec = LOGNORMAL_SPEC;
  private readonly base: Normal;

  constructor(
    readonly loc: Tensor,
    readonly scale: Tensor,
  ) {
    this.base = new Normal(loc, scale);
  }

  sample(shape: readonly number[], rng: Rng): Tensor {
    return tf.exp(this.base.sample(shape, rng));
  }

  /** log p(z) = log N(log z; loc, scale) - log z. */
  logProb(value: Tensor): Tensor {
    const logz = tf.log(value);
    return tf.sub(this.base.logProb(logz), logz);
  }

  mean(): Tensor {
    return tf.exp(tf.add(this.loc, tf.mul(0.5, tf.square(this.scale))));
  }

  /** The Normal of log z (KL is invariant under the bijection exp). */
  get normal(): Normal {
    return this.base;
  }
}

export function klLogNormalLogNormal(q: LogNormal, p: LogNormal): Tensor {
  return klNormalNormal(q.normal, p.normal);
}
