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
import { UserError } from '../../runtime/errors.js';
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
    // Sites the guide sums over (@enumerate) get exact gradients through their weights q(k | x).
    const perValue = est.perGuideValue;
    for (const q of guide.latents()) {
      if (q.estimator !== 'score' || q.enumerated) continue;
      const local = q.plate === 'local';
      if (perValue && !local) throw new UserError(`the guide sums over discrete values (@enumerate), so the global latent ${q.name} cannot be estimated by the score function; give it a reparameterizable guide`);
      // after values the guide sums over, a draw's signal is its own value's terms, weighted by that value's q
      const signal = stopGradient(perValue ? perValue.local : local ? est.local : tf.reshape(est.total, [particles, 1]));
      const { advantage, fitLoss } = this.baselines.advantage(q, signal, batch.data);
      const logq = local ? q.logProb : tf.reshape(q.logProb, [-1, 1]);
      const weighted = perValue ? tf.mul(stopGradient(perValue.weights), advantage) : advantage;
      // per data point: (N/M) sum_i; then the mean over particles
      let term = tf.div(tf.mul(q.scale, tf.sum(tf.mul(stopGradient(weighted), logq))), particles);
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
