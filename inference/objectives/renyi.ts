// The variational Rényi bound of Li & Turner (2016), "Rényi Divergence Variational Inference":
//   L_alpha = 1 / (1 - alpha) log E_q[(p(x, z) / q(z | x))^(1 - alpha)],
// estimated per data point from K draws as 1 / (1 - alpha) log (1/K) sum_k w_k^(1 - alpha).
// alpha = 0 is the IWAE bound; alpha -> 1 is the ELBO (the mean of log w), taken exactly at 1.
// Pathwise sites only: the score-function estimator of this bound is not implemented.
import { tf, type Tensor } from '../../runtime/tf.js';
import { logMeanExp } from '../importance.js';
import { MultiSampleBound } from './multi-sample.js';

export class RenyiObjective extends MultiSampleBound {
  readonly name = 'renyi';
  protected readonly vimco = false;

  constructor(readonly alpha: number) {
    super();
  }

  describe(particles: number): string {
    return `Rényi bound (alpha = ${this.alpha}, K = ${particles})`;
  }

  protected bound(logW: Tensor): Tensor {
    if (this.alpha === 1) return tf.mean(logW, 0);
    const power = 1 - this.alpha;
    return tf.div(logMeanExp(tf.mul(power, logW)), power);
  }
}
