// The training objective and its gradient estimator. From a guide trace and the model trace
// replayed on it, build a scalar surrogate whose VALUE is the objective estimate (ELBO or IWAE
// bound, for the whole data set) and whose GRADIENT is the chosen unbiased gradient estimate:
//   - pathwise through reparameterized sites (z = mu + sigma * eps);
//   - score function for the others: (signal - baseline) * grad log q(z), signal held constant.
// A local site's signal is its own data point's terms (per-datapoint Rao-Blackwellization); a
// global site's is the whole (N/M-scaled) estimate. Baselines, each optional and combinable:
//   mavg  moving average of the signal per site (Williams 1992);
//   nvil  a running mean c plus an input-dependent b(x) fitted by squared error to the rest,
//         b(x) declared with @baseline(...) or generated; optional variance normalization
//         (Mnih & Gregor 2014);
//   loo   leave-one-out mean over the other L - 1 particles (Kool et al. 2019; the multi-sample
//         baseline of VIMCO).
// With the IWAE objective (Burda et al. 2016) score sites use VIMCO's per-sample signals
// (Mnih & Rezende 2016). Zero-valued terms (s - stopGradient(s)) carry the extra gradients.
import { tf, stopGradient, type Tensor } from '../runtime/tf.js';
import type { Trace, TraceSite } from '../runtime/trace.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { Mlp } from '../runtime/nets.js';
import { joinedDataInput, joinedDataSize } from '../lang/compiler/functions.js';
import { Rng } from '../runtime/random.js';
import { UserError } from '../runtime/errors.js';
import { estimateElbo, type ElboEstimate, type KlMode } from './elbo.js';
import { logMeanExp } from './importance.js';

export type BaselineKind = 'mavg' | 'nvil' | 'loo';
export const BASELINES: readonly BaselineKind[] = ['mavg', 'nvil', 'loo'];
export type ObjectiveKind = 'elbo' | 'iwae';

export interface ObjectiveOptions {
  kind: ObjectiveKind;
  kl: KlMode;
  baselines: readonly BaselineKind[];
  /** Decay of the moving averages (mavg, and the NVIL centring/normalization statistics). */
  decay: number;
  /** NVIL: divide the centred signal by a running estimate of its standard deviation. */
  normalize: boolean;
  /** Hidden units of a generated NVIL baseline net (data -> hidden -> 1, tanh). */
  nvilHidden: number;
  seed: string;
}

export const DEFAULT_OBJECTIVE: ObjectiveOptions = {
  kind: 'elbo',
  kl: 'analytic',
  baselines: [],
  decay: 0.9,
  normalize: false,
  nvilHidden: 100,
  seed: '0',
};

export interface ObjectiveValue {
  /** The data set objective estimate (ELBO or IWAE bound), averaged over particles. Scalar. */
  value: Tensor;
  /** Same value; its gradient is the estimator's. Scalar. */
  surrogate: Tensor;
  /** Per data point and particle local terms, for diagnostics. [P, M] */
  local: Tensor;
  /** Per particle data set estimate for the ELBO [P]; the bound itself [1] for IWAE. */
  total: Tensor;
}

/** Running mean and variance of one site's residual signal, kept on the device. */
interface SiteStats {
  mean: tf.Variable;
  variance: tf.Variable;
  initialized: tf.Variable;
}

export class Objective {
  private readonly stats = new Map<string, SiteStats>();
  private readonly generated = new Map<string, Mlp>();
  private readonly extraVariables: tf.Variable[] = [];

  constructor(
    readonly program: CompiledProgram,
    readonly options: ObjectiveOptions,
  ) {
    const b = new Set(options.baselines);
    if (options.kind === 'iwae' && b.size > 0) {
      throw new UserError(`--baseline ${[...b].join(',')}: the IWAE objective uses VIMCO's own per-sample baselines for score-function sites; drop --baseline`);
    }
    if (b.has('nvil')) this.buildGeneratedBaselines();
  }

  /** Trainable variables the objective adds (generated NVIL nets). */
  variables(): tf.Variable[] {
    return this.extraVariables;
  }

  /** Guide sites estimated by the score function. */
  private scoreSites(guide: Trace): TraceSite[] {
    return guide.latents().filter((q) => q.estimator === 'score');
  }

  /**
   * A generated NVIL baseline b(x) for each local score site without @baseline: an MLP from the
   * flattened local data to one number, tanh hidden units.
   */
  private buildGeneratedBaselines(): void {
    const checked = this.program.checked;
    const inputSize = joinedDataSize(checked.data);
    const rng = new Rng(`${this.options.seed}/nvil`);
    for (const site of checked.sites) {
      if (site.block !== 'guide' || site.targetKind !== 'latent' || site.plate !== 'local') continue;
      if (site.stmt.annotations.some((a) => a.name.name === 'baseline')) continue;
      const name = `baseline.${site.target}`;
      const net = new Mlp({ name, layers: [inputSize, this.options.nvilHidden, 1], activation: 'tanh' }, this.program.params, rng.derive(site.target));
      for (const p of this.program.params.names()) if (p.startsWith(`${name}.`)) this.extraVariables.push(this.program.params.variable(p));
      this.generated.set(site.target, net);
    }
  }

  private siteStats(name: string): SiteStats {
    let s = this.stats.get(name);
    if (!s) {
      s = {
        mean: tf.variable(tf.scalar(0), false),
        variance: tf.variable(tf.scalar(1), false),
        initialized: tf.variable(tf.scalar(0), false),
      };
      this.stats.set(name, s);
    }
    return s;
  }

  /** b(x) of a local site: declared (@baseline) or generated; [1 or P, M], or undefined. */
  private inputBaseline(q: TraceSite, data: ReadonlyMap<string, Tensor>, rows: number): Tensor | undefined {
    if (q.baseline) return q.baseline;
    const net = this.generated.get(q.name);
    if (!net) return undefined;
    const input = joinedDataInput(
      this.program.checked.data.map((d) => {
        const t = data.get(d.name);
        if (!t) throw new UserError(`NVIL baseline for ${q.name}: data '${d.name}' is missing from the minibatch`);
        return t;
      }),
    );
    return tf.reshape(net.apply(input) as Tensor, [1, rows]);
  }

  /**
   * The centred learning signal A and the squared-error loss that fits b(x), for one score site.
   * `signal` is [P, M] (local) or [P, 1] (global), already constant.
   */
  private advantage(q: TraceSite, signal: Tensor, data: ReadonlyMap<string, Tensor>): { advantage: Tensor; fitLoss?: Tensor } {
    const b = new Set(this.options.baselines);
    const particles = signal.shape[0]!;
    let residual = signal;
    if (b.has('loo')) {
      if (particles < 2) throw new UserError('--baseline loo needs at least 2 particles (--particles 2 or more)');
      const others = tf.div(tf.sub(tf.sum(signal, 0, true), signal), particles - 1);
      residual = tf.sub(residual, others);
    }
    // NVIL centres by a running mean c as well and fits b(x) to what remains (Mnih & Gregor 2014).
    const nvil = b.has('nvil');
    let advantage = residual;
    if (b.has('mavg') || nvil) {
      const s = this.siteStats(q.name);
      // The baselines use the statistics from before this step, so they do not depend on it.
      advantage = tf.sub(residual, s.mean);
      if (nvil && this.options.normalize) advantage = tf.div(advantage, tf.maximum(1, tf.sqrt(s.variance)));
      this.updateStats(s, residual);
    }
    let fitLoss: Tensor | undefined;
    if (nvil && q.plate === 'local') {
      const bx = this.inputBaseline(q, data, signal.shape[1]!);
      if (bx) {
        fitLoss = tf.mean(tf.square(tf.sub(stopGradient(advantage), bx)));
        advantage = tf.sub(advantage, stopGradient(bx));
      }
    }
    return { advantage, fitLoss };
  }

  private updateStats(s: SiteStats, residual: Tensor): void {
    const d = this.options.decay;
    const batchMean = tf.mean(residual);
    const batchVar = tf.mean(tf.square(tf.sub(residual, batchMean)));
    // The first step starts the averages at the batch values instead of at 0 and 1.
    const first = tf.equal(s.initialized, 0);
    s.mean.assign(tf.where(first, batchMean, tf.add(tf.mul(d, s.mean), tf.mul(1 - d, batchMean))) as tf.Scalar);
    s.variance.assign(tf.where(first, batchVar, tf.add(tf.mul(d, s.variance), tf.mul(1 - d, batchVar))) as tf.Scalar);
    s.initialized.assign(tf.scalar(1));
  }

  /** ELBO or IWAE with the estimator's surrogate; runs in the caller's tidy scope. */
  evaluate(guide: Trace, model: Trace, particles: number, data: ReadonlyMap<string, Tensor>): ObjectiveValue {
    return this.options.kind === 'iwae' ? this.iwae(guide, model, particles) : this.elbo(guide, model, particles, data);
  }

  private elbo(guide: Trace, model: Trace, particles: number, data: ReadonlyMap<string, Tensor>): ObjectiveValue {
    const est: ElboEstimate = estimateElbo(guide, model, particles, { kl: this.options.kl });
    const value = tf.mean(est.total);
    let extra: Tensor | undefined;
    for (const q of this.scoreSites(guide)) {
      const local = q.plate === 'local';
      const signal = stopGradient(local ? est.local : tf.reshape(est.total, [particles, 1]));
      const { advantage, fitLoss } = this.advantage(q, signal, data);
      const logq = local ? q.logProb : tf.reshape(q.logProb, [-1, 1]);
      // per data point: (N/M) sum_i; then the mean over particles
      let term = tf.div(tf.mul(q.scale, tf.sum(tf.mul(stopGradient(advantage), logq))), particles);
      if (fitLoss) term = tf.sub(term, fitLoss);
      extra = extra ? tf.add(extra, term) : term;
    }
    const surrogate = extra ? tf.add(value, tf.sub(extra, stopGradient(extra))) : value;
    return { value, surrogate, local: est.local, total: est.total };
  }

  private iwae(guide: Trace, model: Trace, particles: number): ObjectiveValue {
    // Importance weights need every density: the KL cannot be taken in closed form here.
    const est = estimateElbo(guide, model, particles, { kl: 'mc' });
    const bound = logMeanExp(est.local); // [M]
    const value = tf.add(tf.mul(est.scale, tf.sum(bound)), tf.mean(est.global));
    let extra: Tensor | undefined;
    const scoreSites = this.scoreSites(guide);
    if (scoreSites.length > 0) {
      if (particles < 2) throw new UserError('the IWAE objective with score-function sites (VIMCO) needs K >= 2 samples (--particles)');
      const signal = stopGradient(vimcoSignals(est.local, bound));
      for (const q of scoreSites) {
        if (q.plate !== 'local') throw new UserError(`VIMCO: the global latent ${q.name} cannot be estimated by the score function under the IWAE objective; use --objective elbo`);
        const term = tf.mul(q.scale, tf.sum(tf.mul(signal, q.logProb)));
        extra = extra ? tf.add(extra, term) : term;
      }
    }
    const surrogate = extra ? tf.add(value, tf.sub(extra, stopGradient(extra))) : value;
    return { value, surrogate, local: est.local, total: tf.reshape(value, [1]) };
  }

  dispose(): void {
    for (const s of this.stats.values()) tf.dispose([s.mean, s.variance, s.initialized]);
    this.stats.clear();
  }
}

/**
 * VIMCO's per-sample learning signals L - L_{-k} [K, M], where L_{-k} replaces log w_k by the
 * mean of the other K - 1 log-weights (their geometric mean), a baseline independent of z_k.
 */
export function vimcoSignals(logW: Tensor, bound: Tensor): Tensor {
  const k = logW.shape[0]!;
  const othersMean = tf.div(tf.sub(tf.sum(logW, 0, true), logW), k - 1); // [K, M]
  // log sum_j w_j with w_k replaced: logsumexp over j of (j == k ? othersMean_k : logW_j)
  const m = logW.shape[1]!;
  const diagonal = tf.broadcastTo(tf.expandDims(tf.cast(tf.eye(k), 'bool'), 2), [k, k, m]); // [K(k), K(j), M]
  const replaced = tf.where(diagonal, tf.broadcastTo(tf.expandDims(othersMean, 1), [k, k, m]), tf.broadcastTo(tf.expandDims(logW, 0), [k, k, m]));
  const without = tf.sub(tf.logSumExp(replaced, 1), Math.log(k)); // [K, M]
  return tf.sub(tf.expandDims(bound, 0), without);
}

/** Parse "score+mavg+nvil" style estimator specs into an estimator mode and baselines. */
export function parseBaselines(value: string): BaselineKind[] {
  if (value === '' || value === 'none') return [];
  const out: BaselineKind[] = [];
  for (const part of value.split(/[,+]/)) {
    if (!(BASELINES as readonly string[]).includes(part)) throw new UserError(`--baseline: unknown baseline '${part}' (choose from none, ${BASELINES.join(', ')}, combined with commas)`);
    out.push(part as BaselineKind);
  }
  return out;
}
