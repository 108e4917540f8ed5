// One step of stochastic variational inference: run the guide, replay the model on its draws,
// estimate the objective on the minibatch, and take an optimizer step on its surrogate.
import { tf } from '../runtime/tf.js';
import type { CompiledProgram, RunContext } from '../lang/compiler/index.js';
import type { Rng } from '../runtime/random.js';
import type { Tensor } from '../runtime/tf.js';
import { DEFAULT_OBJECTIVE, Objective, type ObjectiveOptions, type ObjectiveValue } from './objective.js';

export interface SviOptions extends Partial<ObjectiveOptions> {
  /** Samples per latent and data point (L; K for the IWAE objective). */
  particles: number;
}

export interface Minibatch {
  /** Data by declared name, laid out [1, M, ...shape]. */
  data: ReadonlyMap<string, Tensor>;
  size: number;
}

export class Svi {
  readonly objective: Objective;

  constructor(
    readonly program: CompiledProgram,
    readonly optimizer: tf.Optimizer,
    readonly options: SviOptions,
  ) {
    this.objective = new Objective(program, { ...DEFAULT_OBJECTIVE, ...options });
  }

  /** Every variable the optimizer trains: the program's and the objective's (NVIL nets). */
  variables(): tf.Variable[] {
    const extra = new Set(this.objective.variables());
    return [...this.program.params.variables().filter((v) => !extra.has(v)), ...extra];
  }

  /** Guide and model on one minibatch, in the caller's tidy scope. */
  estimate(batch: Minibatch, datasetSize: number, rng: Rng, particles = this.options.particles): ObjectiveValue {
    const ctx: RunContext = {
      particles,
      batchSize: batch.size,
      localScale: datasetSize / batch.size,
      data: batch.data,
      rng,
    };
    const guide = this.program.runGuide(ctx);
    const model = this.program.runModel(ctx, guide);
    return this.objective.evaluate(guide, model, particles, batch.data);
  }

  /** The loss the optimizer minimizes: -surrogate / N (per data point, nats). */
  loss(batch: Minibatch, datasetSize: number, rng: Rng): tf.Scalar {
    return tf.div(tf.neg(this.estimate(batch, datasetSize, rng).surrogate), datasetSize) as tf.Scalar;
  }

  /**
   * One optimizer step. Returns the minibatch's objective estimate per data point, in nats
   * (the data set's ELBO, or IWAE bound, estimate divided by N).
   */
  step(batch: Minibatch, datasetSize: number, rng: Rng): number {
    const loss = this.optimizer.minimize(() => this.loss(batch, datasetSize, rng), true, this.variables());
    if (!loss) throw new Error('internal: optimizer returned no loss');
    const value = -(loss.dataSync()[0] ?? NaN);
    loss.dispose();
    return value;
  }

  dispose(): void {
    this.objective.dispose();
  }
}
