// Gradient estimators compared at fixed parameters and a fixed minibatch: R independent
// estimates per estimator, summarized per parameter group (each net layer, each param) by
// mean norm, total variance (trace of the covariance), signal-to-noise ratio, cosine to a
// high-sample reference gradient, and cost (ms per estimate, variance x time).
import { tf } from '../runtime/tf.js';
import { Rng } from '../runtime/random.js';
import { UserError } from '../runtime/errors.js';
import { nextTurn } from '../runtime/next-turn.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { sitesOf } from '../lang/lower/program.js';
import { resolveEstimator, type EstimatorMode } from '../runtime/effects/messages.js';
import { estimators } from '../runtime/effects/handlers.js';
import { Svi, type Minibatch } from '../inference/svi.js';
import { BASELINES, type BaselineKind } from '../inference/objectives/baselines.js';
import { makeObjective, type ObjectiveName } from '../inference/objectives/registry.js';
import type { KlMode } from '../inference/elbo.js';

export interface EstimatorSpec {
  /** As written: "reparam", "score+mavg+nvil", "iwae", "vimco". */
  label: string;
  mode: EstimatorMode;
  baselines: BaselineKind[];
  objective: ObjectiveName;
  particles: number;
}

/**
 * reparam | score | auto, each optionally +mavg +nvil +loo; iwae (pathwise IWAE bound);
 * vimco (score-function IWAE bound). loo, iwae and vimco use at least 2 particles.
 */
export function parseEstimatorSpec(label: string, particles: number): EstimatorSpec {
  const [head, ...rest] = label.split('+');
  if (head === 'iwae' || head === 'vimco') {
    if (rest.length) throw new UserError(`estimator '${label}': ${head} takes no baselines (VIMCO has its own)`);
    return { label, mode: head === 'iwae' ? 'auto' : 'score', baselines: [], objective: 'iwae', particles: Math.max(particles, 2) };
  }
  if (head !== 'reparam' && head !== 'score' && head !== 'auto') {
    throw new UserError(`unknown estimator '${label}': use reparam, score or auto, each with +mavg, +nvil, +loo; or iwae, vimco`);
  }
  for (const b of rest) {
    if (!(BASELINES as readonly string[]).includes(b)) throw new UserError(`estimator '${label}': unknown baseline '${b}' (mavg, nvil, loo)`);
  }
  const baselines = rest as BaselineKind[];
  return { label, mode: head, baselines, objective: 'elbo', particles: baselines.includes('loo') ? Math.max(particles, 2) : particles };
}

export interface GroupStats {
  group: string;
  size: number;
  /** Norm of the mean gradient estimate. */
  meanNorm: number;
  /** Trace of the covariance of the estimates: sum over coordinates of their variances. */
  totalVariance: number;
  /** meanNorm / sqrt(totalVariance). */
  snr: number;
  /** Cosine between the mean estimate and the reference gradient. */
  cosine: number;
}

export interface EstimatorStats {
  spec: EstimatorSpec;
  msPerEstimate: number;
  groups: GroupStats[];
  overall: GroupStats;
  /** Total variance times ms per estimate: what a user pays for a given precision. */
  varianceTimesMs: number;
}

export interface GradientStatsOptions {
  repeats: number;
  /** Draws averaged for the reference gradient (with referenceParticles each). */
  referenceRepeats: number;
  referenceParticles: number;
  /** Steps that fit baselines (moving averages, NVIL nets) before measuring; model fixed. */
  warmup: number;
  kl: KlMode;
  datasetSize: number;
  seed: string;
  onProgress?: (label: string, done: number, total: number) => void;
}

/** Parameter groups: a net layer's weight and bias together; each param alone. */
export function parameterGroups(program: CompiledProgram): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of program.params.names()) {
    const m = /^(.*)\.(weight|bias)$/.exec(name);
    const key = m ? m[1]! : name;
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  return groups;
}

/** Running sums for mean and variance of flattened gradients, in float64. */
class Moments {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  n = 0;

  constructor(size: number) {
    this.sum = new Float64Array(size);
    this.sumSq = new Float64Array(size);
  }

  add(g: ArrayLike<number>): void {
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      this.sum[i]! += v;
      this.sumSq[i]! += v * v;
    }
    this.n++;
  }

  mean(): Float64Array {
    return this.sum.map((s) => s / this.n);
  }

  /** Unbiased variance per coordinate. */
  variance(): Float64Array {
    const n = this.n;
    return this.sum.map((s, i) => (this.sumSq[i]! - (s * s) / n) / Math.max(n - 1, 1));
  }
}

interface Layout {
  names: string[];
  offsets: Map<string, [number, number]>;
  size: number;
}

function layoutOf(program: CompiledProgram, groups: Map<string, string[]>): Layout {
  const names = [...groups.values()].flat();
  const offsets = new Map<string, [number, number]>();
  let size = 0;
  for (const n of names) {
    const len = program.params.variable(n).size;
    offsets.set(n, [size, len]);
    size += len;
  }
  return { names, offsets, size };
}

/** One gradient estimate of the loss -surrogate/N, flattened in layout order. */
function estimateOnce(svi: Svi, batch: Minibatch, layout: Layout, datasetSize: number, rng: Rng): Float32Array {
  const vars = svi.variables();
  const { grads, value } = tf.variableGrads(() => svi.loss(batch, datasetSize, rng), vars);
  value.dispose();
  const flat = new Float32Array(layout.size);
  for (const name of layout.names) {
    const g = grads[svi.program.params.variable(name).name];
    const [off] = layout.offsets.get(name)!;
    // The gradient of the ELBO is minus that of the loss; report it per data point.
    if (g) {
      const v = g.dataSync();
      for (let i = 0; i < v.length; i++) flat[off + i] = -v[i]!;
    }
  }
  tf.dispose(grads);
  return flat;
}

/**
 * Fit the baselines' own state (moving averages, NVIL nets) with the model held fixed: Adam at
 * 1e-2 for the first half of the steps, 1e-3 for the rest, so b(x) settles instead of jittering.
 */
export function warmBaselines(svi: Svi, batch: Minibatch, steps: number, datasetSize: number, rng: Rng): void {
  const extra = svi.objective.variables();
  const fast = tf.train.adam(1e-2);
  const slow = tf.train.adam(1e-3);
  for (let i = 0; i < steps; i++) {
    const opt = i < steps / 2 ? fast : slow;
    if (extra.length) opt.minimize(() => svi.loss(batch, datasetSize, rng), true, extra)?.dispose();
    else {
      // Only the moving averages move: run the loss for its side effects and keep nothing.
      tf.tidy(() => {
        svi.loss(batch, datasetSize, rng);
      });
    }
  }
  fast.dispose();
  slow.dispose();
}

function summarize(group: string, idx: [number, number][], mean: Float64Array, variance: Float64Array, reference: Float64Array): GroupStats {
  let size = 0;
  let norm = 0;
  let tv = 0;
  let dot = 0;
  let refNorm = 0;
  for (const [off, len] of idx) {
    for (let i = off; i < off + len; i++) {
      norm += mean[i]! * mean[i]!;
      tv += variance[i]!;
      dot += mean[i]! * reference[i]!;
      refNorm += reference[i]! * reference[i]!;
    }
    size += len;
  }
  const meanNorm = Math.sqrt(norm);
  return {
    group,
    size,
    meanNorm,
    totalVariance: tv,
    snr: tv > 0 ? meanNorm / Math.sqrt(tv) : Infinity,
    cosine: meanNorm > 0 && refNorm > 0 ? dot / (meanNorm * Math.sqrt(refNorm)) : NaN,
  };
}

function makeSvi(program: CompiledProgram, spec: EstimatorSpec, kl: KlMode, seed: string): Svi {
  const objective = makeObjective(spec.objective, program, { kl, baselines: spec.baselines, seed });
  return new Svi(program, tf.train.sgd(0), objective, spec.particles, [estimators(spec.mode)]);
}

/**
 * The estimator of the reference gradient: pathwise where every guide site allows it, else
 * score+loo; with `particles` samples per data point.
 */
export function referenceSpec(program: CompiledProgram, particles: number): EstimatorSpec {
  const allReparam = sitesOf(program.lowered, 'guide').every((s) => s.dist.reparameterizable);
  return parseEstimatorSpec(allReparam ? 'reparam' : 'score+loo', particles);
}

/** The reference gradient: the mean of many high-particle estimates (see referenceSpec). */
function* referenceGradient(program: CompiledProgram, batch: Minibatch, layout: Layout, opts: GradientStatsOptions): Generator<void, Float64Array> {
  const spec = referenceSpec(program, opts.referenceParticles);
  const svi = makeSvi(program, spec, opts.kl, `${opts.seed}/reference`);
  const rng = new Rng(`${opts.seed}/reference`);
  const m = new Moments(layout.size);
  for (let r = 0; r < opts.referenceRepeats; r++) {
    m.add(estimateOnce(svi, batch, layout, opts.datasetSize, rng));
    opts.onProgress?.('reference', r + 1, opts.referenceRepeats);
    yield;
  }
  disposeSvi(svi);
  return m.mean();
}

/**
 * Why an estimator cannot be used on this program (one sentence), or undefined when it can:
 * reparam with a guide site that has no pathwise sample (and is not pinned @score); iwae or
 * vimco with a global latent that would need the score function under the IWAE bound.
 */
export function inapplicableReason(program: Pick<CompiledProgram, 'lowered'>, spec: EstimatorSpec): string | undefined {
  const guideSites = sitesOf(program.lowered, 'guide').filter((s) => s.target === 'latent');
  if (spec.mode === 'reparam') {
    const bad = guideSites.find((s) => !s.dist.reparameterizable && s.rule.pinned !== 'score');
    if (bad) return `the guide site of ${bad.name} is ${bad.dist.name}, which cannot be reparameterized`;
  }
  if (spec.objective === 'iwae') {
    const bad = guideSites.find((s) => s.plate !== 'local' && resolveEstimator(s.rule, spec.mode) === 'score');
    if (bad) return `the global latent ${bad.name} would need the score function under the IWAE bound, which VIMCO does not cover`;
  }
  return undefined;
}

/** An estimator that was not run, and why. */
export interface NotApplicable {
  spec: EstimatorSpec;
  notApplicable: string;
}

export type EstimatorResult = EstimatorStats | NotApplicable;

export function isNotApplicable(r: EstimatorResult): r is NotApplicable {
  return 'notApplicable' in r;
}

export interface GradientReport {
  /** How the reference gradient was estimated. */
  reference: { spec: EstimatorSpec; repeats: number };
  /** Parameter groups in report order, with their number of scalars. */
  groups: { group: string; size: number }[];
  /** One per requested estimator, in the order given. */
  results: EstimatorResult[];
}

/**
 * Every estimator of `specs` at the program's current parameters and the minibatch `batch`:
 * those that cannot apply (inapplicableReason, or a UserError while estimating) are reported
 * as NotApplicable and the others still run.
 */
export function gradientReport(program: CompiledProgram, batch: Minibatch, specs: readonly EstimatorSpec[], opts: GradientStatsOptions): GradientReport {
  const steps = reportSteps(program, batch, specs, opts);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** gradientReport, letting other work run (a page's events) after every estimate. */
export async function gradientReportYielding(program: CompiledProgram, batch: Minibatch, specs: readonly EstimatorSpec[], opts: GradientStatsOptions): Promise<GradientReport> {
  const steps = reportSteps(program, batch, specs, opts);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await nextTurn();
  }
}

/** gradientReport's work, pausing (yield) after every estimate. */
function* reportSteps(program: CompiledProgram, batch: Minibatch, specs: readonly EstimatorSpec[], opts: GradientStatsOptions): Generator<void, GradientReport> {
  const groups = parameterGroups(program);
  const layout = layoutOf(program, groups);
  const results: EstimatorResult[] = [];
  {
    const reference = yield* referenceGradient(program, batch, layout, opts);
    for (const spec of specs) {
      const reason = inapplicableReason(program, spec);
      if (reason !== undefined) {
        results.push({ spec, notApplicable: reason });
        continue;
      }
      try {
        results.push(yield* measure(program, batch, spec, groups, layout, reference, opts));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        results.push({ spec, notApplicable: e.message });
      }
    }
    return {
      reference: { spec: referenceSpec(program, opts.referenceParticles), repeats: opts.referenceRepeats },
      groups: [...groups].map(([group, names]) => ({ group, size: names.reduce((n, name) => n + layout.offsets.get(name)![1], 0) })),
      results,
    };
  }
}

function* measure(
  program: CompiledProgram,
  batch: Minibatch,
  spec: EstimatorSpec,
  groups: Map<string, string[]>,
  layout: Layout,
  reference: Float64Array,
  opts: GradientStatsOptions,
): Generator<void, EstimatorStats> {
  const svi = makeSvi(program, spec, opts.kl, opts.seed);
  try {
    const rng = new Rng(`${opts.seed}/${spec.label}`);
    warmBaselines(svi, batch, spec.baselines.length ? opts.warmup : 0, opts.datasetSize, rng);
    const m = new Moments(layout.size);
    let elapsed = 0;
    for (let r = 0; r < opts.repeats; r++) {
      const started = performance.now();
      const g = estimateOnce(svi, batch, layout, opts.datasetSize, rng);
      elapsed += performance.now() - started;
      m.add(g);
      opts.onProgress?.(spec.label, r + 1, opts.repeats);
      yield;
    }
    const ms = elapsed / opts.repeats;
    const mean = m.mean();
    const variance = m.variance();
    const groupStats = [...groups].map(([g, names]) => summarize(g, names.map((n) => layout.offsets.get(n)!), mean, variance, reference));
    const overall = summarize('all', [[0, layout.size]], mean, variance, reference);
    return { spec, msPerEstimate: ms, groups: groupStats, overall, varianceTimesMs: overall.totalVariance * ms };
  } finally {
    disposeSvi(svi);
  }
}

/** The Svi of makeSvi and its optimizer (tfjs' SGD keeps its learning rate as a tensor). */
function disposeSvi(svi: Svi): void {
  svi.dispose();
  svi.optimizer.dispose();
}

/** gradientReport's statistics; an estimator that cannot apply is a UserError. */
export function gradientStats(program: CompiledProgram, batch: Minibatch, specs: readonly EstimatorSpec[], opts: GradientStatsOptions): EstimatorStats[] {
  for (const spec of specs) {
    const reason = inapplicableReason(program, spec);
    if (reason !== undefined) throw new UserError(`estimator '${spec.label}': ${reason}; compare score-function estimators for this model`);
  }
  return gradientReport(program, batch, specs, opts).results.map((r) => {
    if (isNotApplicable(r)) throw new UserError(`estimator '${r.spec.label}': ${r.notApplicable}`);
    return r;
  });
}
