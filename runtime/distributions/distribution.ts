// The tensor side of a distribution: sampling and log-density over tfjs tensors.
import type { Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { DistSpec } from './spec.js';

export interface Distribution {
  readonly spec: DistSpec;
  /** The arguments by parameter name, already broadcastable to the site's full shape. */
  /**
   * A draw of the full shape [particles, batch or 1, ...event]. When the spec is
   * reparameterizable the draw is a differentiable function of the arguments (pathwise);
   * otherwise gradients do not flow through it.
   */
  sample(shape: readonly number[], rng: Rng): Tensor;
  /** Elementwise log-density (eventRank 0) or per-event log-density, broadcast with `value`. */
  logProb(value: Tensor): Tensor;
  /** The mean, for reconstructions and posterior summaries. */
  mean(): Tensor;
  /**
   * The log-weight of each value when a guide sums over all of them (@enumerate), elementwise
   * like `logProb`; `logProb` itself when absent.
   */
  enumerationLogWeight?(value: Tensor): Tensor;
}
