// One step of stochastic variational inference: run the guide, replay the model on its draws,
// estimate the ELBO on the minibatch, and take an optimizer step on its surrogate.
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram, RunContext } from '../lang/compiler/index.js';
import type { Rng } from '../runtime/random.js';
import { estimateElbo, surrogateElbo, type ElboEstimate, type KlMode } from './elbo.js';

export interface SviOptions {
  /** Samples per latent and data point (L). */
  particles: number;
  kl: KlMode;
}

export interface Minibatch {
  /** Data by declared name, laid out [1, M, ...shape]. */
  data: ReadonlyMap<string, Tensor>;
  size: number;
}

export class Svi {
  private readonly variables: tf.Variable[];

  constructor(
    readonly program: CompiledProgram,
    readonly optimizer: tf.Optimizer,
    readonly options: SviOptions,
  ) {
    this.variables = program.params.variables();
  }

  /** Guide and model on one minibatch, in the caller's tidy scope. */
  estimate(batch: Minibatch, datasetSize: number, rng: Rng, particles = this.options.particles): { est: ElboEstimate; surrogate: Tensor } {
    const ctx: RunContext = {
      particles,
      batchSize: batch.size,
      localScale: datasetSize / batch.size,
      data: batch.data,
      rng,
    };
    const guide = this.program.runGuide(ctx);
    const model = this.program.runModel(ctx, guide);
    const est = estimateElbo(guide, model, particles, { kl: this.options.kl });
    return { est, surrogate: surrogateElbo(guide, est) };
  }

  /**
   * One optimizer step. Returns the minibatch's ELBO estimate per data point, in nats
   * (the data set's ELBO estimate divided by N).
   */
  step(batch: Minibatch, datasetSize: number, rng: Rng): number {
    const loss = this.optimizer.minimize(
      () => tf.div(tf.neg(this.estimate(batch, datasetSize, rng).surrogate), datasetSize) as tf.Scalar,
      true,
      this.variables,
    );
    if (!loss) throw new Error('internal: optimizer returned no loss');
    const value = -(loss.dataSync()[0] ?? NaN);
    loss.dispose();
    return value;
  }
}
