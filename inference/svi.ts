// One step of stochastic variational inference: the objective's estimate on a minibatch and an
// optimizer step on its surrogate. Which bound, which gradient estimator and which baselines
// are the objective's business.
import { tf } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { Rng } from '../runtime/random.js';
import type { Objective, ObjectiveValue } from './objectives/objective.js';
import type { Minibatch } from './run.js';
import type { Handler } from '../runtime/effects/messages.js';

export type { Minibatch } from './run.js';

export class Svi {
  constructor(
    readonly program: CompiledProgram,
    readonly optimizer: tf.Optimizer,
    readonly objective: Objective,
    /** Samples per latent and data point (L; K for multi-sample bounds). */
    readonly particles: number,
    /** Handlers around every run (an estimator mode, say). */
    readonly handlers: readonly Handler[] = [],
  ) {}

  /** Every variable the optimizer trains: the program's and the objective's (baseline nets). */
  variables(): tf.Variable[] {
    return [...this.program.params.variables(), ...this.objective.variables()];
  }

  /** The objective on one minibatch, in the caller's tidy scope. */
  estimate(batch: Minibatch, datasetSize: number, rng: Rng, particles = this.particles, extra: readonly Handler[] = []): ObjectiveValue {
    return this.objective.estimate(this.program, batch, { particles, rng, datasetSize, handlers: [...this.handlers, ...extra] });
  }

  /** The loss the optimizer minimizes: -surrogate / N (per data point, nats). */
  loss(batch: Minibatch, datasetSize: number, rng: Rng, extra: readonly Handler[] = []): tf.Scalar {
    return tf.div(tf.neg(this.estimate(batch, datasetSize, rng, this.particles, extra).surrogate), datasetSize) as tf.Scalar;
  }

  /**
   * One optimizer step, under `extra` handlers for this step only (a KL annealing weight). Returns the minibatch's objective estimate per data point, in nats
   * (the data set's estimate divided by N).
   */
  step(batch: Minibatch, datasetSize: number, rng: Rng, extra: readonly Handler[] = []): number {
    const loss = this.optimizer.minimize(() => this.loss(batch, datasetSize, rng, extra), true, this.variables());
    if (!loss) throw new Error('internal: optimizer returned no loss');
    const value = -(loss.dataSync()[0] ?? NaN);
    loss.dispose();
    return value;
  }

  dispose(): void {
    this.objective.dispose();
  }
}
