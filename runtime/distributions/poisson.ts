import { tf, type Tensor } from '../tf.js';
import { Rng } from '../random.js';
import type { Distribution } from './distribution.js';
import { POISSON_SPEC } from './spec.js';
import { broadcastShapes, lgamma, poissonSample } from './special.js';

export class Poisson implements Distribution {
  readonly spec = POISSON_SPEC;

  constructor(readonly rate: Tensor) {}

  /** Drawn in float64 (inversion, or PTRS for rates >= 10); no gradient flows through it. */
  sample(shape: readonly number[], rng: Rng): Tensor {
    const full = broadcastShapes(shape, this.rate.shape);
    const lam = tf.tidy(() => tf.broadcastTo(this.rate, full).dataSync());
    const js = new Rng(`poisson:${rng.nextSeed()}`);
    const out = new Float32Array(lam.length);
    for (let i = 0; i < lam.length; i++) out[i] = poissonSample(lam[i]!, js);
    return tf.tensor(out, full, 'float32');
  }

  /** k log(rate) - rate - log k!. */
  logProb(value: Tensor): Tensor {
    return tf.sub(tf.sub(tf.mul(value, tf.log(this.rate)), this.rate), lgamma(tf.add(value, 1)));
  }

  mean(): Tensor {
    return this.rate;
  }
}

/** KL(q || p) = l_q log(l_q / l_p) - l_q + l_p. */
export function klPoissonPoisson(q: Poisson, p: Poisson): Tensor {
  return tf.add(tf.sub(tf.mul(q.rate, tf.sub(tf.log(q.rate), tf.log(p.rate))), q.rate), p.rate);
}
