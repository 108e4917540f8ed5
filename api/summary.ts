// The posterior summary of a trained model: for every global latent, the guide's mean, sd and
// 5%, 50% and 95% quantiles per element, in the latent's own (constrained) space; for every
// param, its point value (sd 0, every quantile the value). Local latents are per data point:
// encode summarizes those. Exact where the guide has a closed form (a Normal or LogNormal
// whose arguments do not depend on other draws), else from draws of the guide.
import { tf, type Tensor } from '../runtime/tf.js';
import { LogNormal, Normal } from '../runtime/distributions/index.js';
import type { Distribution } from '../runtime/distributions/distribution.js';
import { Rng } from '../runtime/random.js';
import { OptionError } from '../runtime/errors.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { plate, seed } from '../runtime/effects/handlers.js';
import { traceGuide } from '../inference/run.js';
import { hasGlobals, onlyGlobals, withPlaceholders } from '../trained/replay.js';

export interface VariableSummary {
  kind: 'global' | 'param';
  /**
   * How the statistics were obtained: 'exact' from the guide's closed form, 'draws' from
   * `draws` samples of the guide (the mean is still exact where the guide's mean is known),
   * 'value' for a param (a point value).
   */
  method: 'exact' | 'draws' | 'value';
  /** The guide's distribution for a global latent (e.g. 'Normal'); absent for a param. */
  guide?: string;
  /** The declared shape; every statistic below is one number per element, row-major. */
  shape: number[];
  mean: number[];
  sd: number[];
  q05: number[];
  q50: number[];
  q95: number[];
}

/** By name: every global latent, then every param. */
export type PosteriorSummary = Record<string, VariableSummary>;

export interface SummaryOptions {
  /** Draws from the guide behind the sd and the quantiles. Default 1000. */
  draws?: number;
  /** Seed of the draws: the same seed gives the same summary. Default 'summary'. */
  seed?: string;
}

export const DEFAULT_SUMMARY_DRAWS = 1000;

/** The q-quantile of sorted values, interpolating linearly between order statistics. */
function quantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Statistics of `draws` values per element ([draws, elements] row-major), with the given means. */
function fromDraws(values: Float32Array, draws: number, means: Float32Array, shape: number[]): VariableSummary {
  const elements = means.length;
  const s: VariableSummary = { kind: 'global', method: 'draws', shape, mean: Array.from(means), sd: [], q05: [], q50: [], q95: [] };
  const column = new Float64Array(draws);
  for (let e = 0; e < elements; e++) {
    let sum = 0;
    for (let d = 0; d < draws; d++) sum += column[d] = values[d * elements + e]!;
    const m = sum / draws;
    let ss = 0;
    for (let d = 0; d < draws; d++) ss += (column[d]! - m) ** 2;
    s.sd.push(draws > 1 ? Math.sqrt(ss / (draws - 1)) : 0);
    column.sort();
    s.q05.push(quantile(column, 0.05));
    s.q50.push(quantile(column, 0.5));
    s.q95.push(quantile(column, 0.95));
  }
  return s;
}

/** Standard normal quantiles of 0.05, 0.5 and 0.95. */
const Z05 = -1.6448536269514722;
const Z95 = 1.6448536269514722;

/** `t` ([draws, 1, ...shape] after broadcasting) as one row per element when every draw has the same value, else undefined. */
function constantAcrossDraws(t: Tensor, full: number[]): Float32Array | undefined {
  const b = tf.broadcastTo(t, full);
  const first = tf.slice(b, [0], [1]);
  const spread = tf.max(tf.abs(tf.sub(b, first))).dataSync()[0]!;
  return spread === 0 ? (first.dataSync() as Float32Array) : undefined;
}

/**
 * The exact summary of a Normal or LogNormal guide whose loc and scale are the same in every
 * draw (they read only params: a mean-field guide); undefined otherwise.
 */
function exactSummary(dist: Distribution, full: number[], shape: number[]): VariableSummary | undefined {
  if (!(dist instanceof Normal) && !(dist instanceof LogNormal)) return undefined;
  const loc = constantAcrossDraws(dist.loc, full);
  const scale = constantAcrossDraws(dist.scale, full);
  if (!loc || !scale) return undefined;
  const s: VariableSummary = { kind: 'global', method: 'exact', shape, mean: [], sd: [], q05: [], q50: [], q95: [] };
  const log = dist instanceof LogNormal;
  for (let e = 0; e < loc.length; e++) {
    const m = loc[e]!;
    const sigma = scale[e]!;
    const at = (z: number) => (log ? Math.exp(m + sigma * z) : m + sigma * z);
    s.mean.push(log ? Math.exp(m + (sigma * sigma) / 2) : m);
    s.sd.push(log ? Math.sqrt(Math.expm1(sigma * sigma)) * Math.exp(m + (sigma * sigma) / 2) : sigma);
    s.q05.push(at(Z05));
    s.q50.push(at(0));
    s.q95.push(at(Z95));
  }
  return s;
}

/**
 * Global latents: one run of the guide with `draws` particles (a global's guide reads only
 * globals, params and nets, so placeholder data stand in for the data). Exact for a Normal or
 * LogNormal guide with fixed arguments; otherwise the mean is the guide's own mean (averaged
 * over the draws when its arguments depend on other draws) and sd and quantiles are those of
 * the draws.
 */
function globalSummaries(program: CompiledProgram, draws: number, rng: Rng): Map<string, VariableSummary> {
  const out = new Map<string, VariableSummary>();
  if (!hasGlobals(program)) return out;
  tf.tidy(() => {
    const guide = traceGuide(program, withPlaceholders(program, 1), [onlyGlobals(), seed(rng), plate(draws, 1)]);
    for (const site of guide.latents()) {
      const shape = site.value.shape.slice(2);
      const full = [draws, 1, ...shape];
      let s = exactSummary(site.dist, full, shape);
      if (!s) {
        const values = tf.broadcastTo(site.value, full);
        const means = tf.mean(tf.broadcastTo(site.dist.mean(), full), [0, 1]);
        s = fromDraws(values.dataSync() as Float32Array, draws, means.dataSync() as Float32Array, shape);
      }
      // a full-rank guide's latents are parts of one joint draw (point-mass sites): name the guide, not the site
      const option = program.lowered.latents.find((l) => l.name === site.name)?.autoOption;
      s.guide = option ? `auto(${option})` : site.dist.spec.name;
      out.set(site.name, s);
    }
  });
  return out;
}

function paramSummary(program: CompiledProgram, name: string, shape: readonly number[]): VariableSummary {
  const t = program.params.value(name);
  const values = Array.from(t.dataSync());
  if (t !== program.params.variable(name)) t.dispose();
  return { kind: 'param', method: 'value', shape: [...shape], mean: values, sd: values.map(() => 0), q05: [...values], q50: [...values], q95: [...values] };
}

export function posteriorSummary(program: CompiledProgram, options: SummaryOptions = {}): PosteriorSummary {
  const draws = options.draws ?? DEFAULT_SUMMARY_DRAWS;
  if (!Number.isInteger(draws) || draws < 2) throw new OptionError('draws', `must be a whole number of at least 2 (got ${draws})`);
  const globals = globalSummaries(program, draws, new Rng(options.seed ?? 'summary'));
  const summary: PosteriorSummary = {};
  for (const l of program.lowered.latents) {
    const s = globals.get(l.name);
    if (s) summary[l.name] = s;
  }
  for (const p of program.lowered.params) if (!p.generated) summary[p.name] = paramSummary(program, p.name, p.shape);
  return summary;
}
