// A point mass carrying a log-density: the value of a latent that a generated guide computes
// from other draws by a bijection (Pyro's Delta with log_density). A full-rank automatic guide
// draws one joint Normal and gives each latent its part as a Delta whose log-density is minus
// the log-Jacobian of the latent's transform, so that the guide's log q sums to the exact
// log-density of the latents. Only generated guides use it: it is not in DIST_SPECS, so no
// program can write it.
import { tf, type Tensor } from '../tf.js';
import type { Distribution } from './distribution.js';
import { DELTA_SPEC } from './delta-spec.js';

export { DELTA_SPEC } from './delta-spec.js';

export class Delta implements Distribution {
  readonly spec = DELTA_SPEC;

  constructor(
    readonly value: Tensor,
    /** [particles, batch or 1]: summed over no event axes. */
    readonly logDensity: Tensor,
  ) {}

  /** The point itself, broadcast (gradients flow through it to whatever computed it). */
  sample(shape: readonly number[]): Tensor {
    return tf.broadcastTo(this.value, [...shape]);
  }

  /** The carried log-density, whatever the value (it is only ever evaluated at its own point). */
  logProb(): Tensor {
    return this.logDensity;
  }

  mean(): Tensor {
    return this.value;
  }
}
