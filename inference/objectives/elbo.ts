// The ELBO as a training objective. Its surrogate's value is the ELBO estimate for the whole
// data set and its gradient is unbiased: pathwise through reparameterized sites
// (z = mu + sigma * eps), and for the others the score function (signal - baseline) * grad log q,
// the signal held constant. A local site's signal is its own data point's terms
// (per-datapoint Rao-Blackwellization); a global site's is the whole (N/M-scaled) estimate.
// Zero-valued terms (s - stopGradient(s)) carry the extra gradients.
import { tf, stopGradient, type Tensor } from '../../runtime/tf.js';
import type { CompiledProgram } from '../../lang/compiler/index.js';
import type { ParamStore, SavedParam } from '../../runtime/params.js';
import { estimateElbo, type KlMode } from '../elbo.js';
import { guideThenModel, type BatchRun, type Minibatch } from '../run.js';
import { ScoreBaselines, type BaselineOptions } from './baselines.js';
import type { Objective, ObjectiveValue } from './objective.js';

export interface ElboObjectiveOptions extends BaselineOptions {
  /** Closed-form KL(q || p) where the guide and prior pair has one (pathwise sites only). */
  kl: KlMode;
}

export class ElboObjective implements Objective {
  readonly name = 'elbo';
  private readonly baselines: ScoreBaselines;

  constructor(
    program: CompiledProgram,
    readonly options: ElboObjectiveOptions,
  ) {
    this.baselines = new ScoreBaselines(program, options);
  }

  describe(): string {
    return `ELBO, KL ${this.options.kl}`;
  }

  estimate(program: CompiledProgram, batch: Minibatch, run: BatchRun): ObjectiveValue {
    const { guide, model } = guideThenModel(program, batch, run);
    const particles = run.particles;
    const est = estimateElbo(guide, model, particles, { kl: this.options.kl });
    const value = tf.mean(est.total);
    let extra: Tensor | undefined;
    for (const q of guide.latents()) {
      if (q.estimator !== 'score') continue;
      const local = q.plate === 'local';
      const signal = stopGradient(local ? est.local : tf.reshape(est.total, [particles, 1]));
      const { advantage, fitLoss } = this.baselines.advantage(q, signal, batch.data);
      const logq = local ? q.logProb : tf.reshape(q.logProb, [-1, 1]);
      // per data point: (N/M) sum_i; then the mean over particles
      let term = tf.div(tf.mul(q.scale, tf.sum(tf.mul(stopGradient(advantage), logq))), particles);
      if (fitLoss) term = tf.sub(term, fitLoss);
      extra = extra ? tf.add(extra, term) : term;
    }
    const surrogate = extra ? tf.add(value, tf.sub(extra, stopGradient(extra))) : value;
    return { value, surrogate, local: est.local, total: est.total };
  }

  variables(): tf.Variable[] {
    return this.baselines.params.variables();
  }

  snapshot(): SavedParam[] {
    return this.baselines.params.snapshot();
  }

  restore(saved: readonly SavedParam[], origin: string): void {
    this.baselines.params.restore(saved, origin);
  }

  stores(): ParamStore[] {
    return [this.baselines.params];
  }

  dispose(): void {
    this.baselines.dispose();
  }
}
