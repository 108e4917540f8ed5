import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { STUDENT_T_SPEC } from './spec.js';
import { broadcastShapes, lgamma, standardGammaSample } from './special.js';

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);

/** Student's t with `df` degrees of freedom, location `loc` and scale `scale`. */
export class StudentT implements Distribution {
  readonly spec = STUDENT_T_SPEC;

  constructor(readonly df: Tensor, readonly loc: Tensor, readonly scale: Tensor) {}

  /**
   * z = loc + scale eps / sqrt(chi2 / df), eps ~ N(0, 1), chi2 = 2 g, g ~ Gamma(df / 2, 1):
   * pathwise in loc and scale, and in df through g's implicit gradient.
   */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const full = broadcastShapes(shape, this.df.shape);
    const g = standardGammaSample(tf.broadcastTo(tf.mul(this.df, 0.5), full), rng);
    const eps = tf.randomNormal([...shape], 0, 1, 'float32', rng.nextSeed());
    const t = tf.mul(eps, tf.sqrt(tf.div(this.df, tf.mul(2, g))));
    return tf.add(this.loc, tf.mul(this.scale, t));
  }

  logProb(value: Tensor): Tensor {
    const nu = this.df;
    const y = tf.div(tf.sub(value, this.loc), this.scale);
    const norm = tf.sub(lgamma(tf.mul(tf.add(nu, 1), 0.5)), tf.add(lgamma(tf.mul(nu, 0.5)), tf.add(tf.mul(0.5, tf.log(nu)), HALF_LOG_PI)));
    const kernel = tf.mul(tf.mul(tf.add(nu, 1), 0.5), tf.log1p(tf.div(tf.square(y), nu)));
    return tf.sub(tf.sub(norm, tf.log(this.scale)), kernel);
  }

  /** loc (the mean when df > 1; the median always). */
  mean(): Tensor {
    return this.loc;
  }
}
