import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { CAUCHY_SPEC, HALF_CAUCHY_SPEC } from './spec.js';
import { FLOAT32_ONE_MINUS, FLOAT32_TINY } from './special.js';

const LOG_PI = Math.log(Math.PI);

/** tan(pi (u - 1/2)) for u uniform in (0, 1): a standard Cauchy variate (inverse CDF). */
function standardCauchy(shape: readonly number[], rng: Rng): Tensor {
  const u = tf.randomUniform([...shape], FLOAT32_TINY, FLOAT32_ONE_MINUS, 'float32', rng.nextSeed());
  return tf.tan(tf.mul(Math.PI, tf.sub(u, 0.5)));
}

/** Cauchy(loc, scale): density 1 / (pi scale (1 + ((z - loc) / scale)^2)). */
export class Cauchy implements Distribution {
  readonly spec = CAUCHY_SPEC;

  constructor(readonly loc: Tensor, readonly scale: Tensor) {}

  /** z = loc + scale tan(pi (u - 1/2)): pathwise in both parameters. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    return tf.add(this.loc, tf.mul(this.scale, standardCauchy(shape, rng)));
  }

  logProb(value: Tensor): Tensor {
    const z = tf.div(tf.sub(value, this.loc), this.scale);
    return tf.sub(tf.neg(tf.add(tf.log(this.scale), tf.log1p(tf.square(z)))), LOG_PI);
  }

  /** The median loc (the mean does not exist). */
  mean(): Tensor {
    return this.loc;
  }
}

/** HalfCauchy(scale) = |Cauchy(0, scale)|: density 2 / (pi scale (1 + (z / scale)^2)) on z > 0. */
export class HalfCauchy implements Distribution {
  readonly spec = HALF_CAUCHY_SPEC;

  constructor(readonly scale: Tensor) {}

  /** z = scale |tan(pi (u - 1/2))|: pathwise in the scale. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    return tf.mul(this.scale, tf.abs(standardCauchy(shape, rng)));
  }

  logProb(value: Tensor): Tensor {
    const z = tf.div(value, this.scale);
    return tf.sub(tf.neg(tf.add(tf.log(this.scale), tf.log1p(tf.square(z)))), LOG_PI - Math.LN2);
  }

  /** The median, scale (the mean is infinite). */
  mean(): Tensor {
    return this.scale;
  }
}
