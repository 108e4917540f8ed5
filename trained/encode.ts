// Inference of z given x: the guide's posterior summary of every local latent, per data point,
// and of the missing entries of data declared `missing` (the seed's third task: fill in the
// missing parts of a new x).
import { tf, type Tensor } from '../runtime/tf.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { Dataset } from '../runtime/data/dataset.js';
import { Normal, Bernoulli, Categorical, Delta } from '../runtime/distributions/index.js';
import { PartlyObserved } from '../runtime/distributions/partly-observed.js';
import type { SiteElementRef } from '../runtime/effects/messages.js';
import { Rng } from '../runtime/random.js';
import { onMinibatch, traceGuide, type Minibatch } from '../inference/run.js';
import { disposeMinibatch, toMinibatch, type Bindings } from '../inference/minibatch.js';

/**
 * One local latent's posterior summary for each of M data points, each statistic row-major
 * [M, ...shape]: Normal guides give `mean` and `sd`, Bernoulli guides `prob`, Categorical
 * guides the probability of each class k as `prob_k`, any other distribution its `mean`.
 */
export interface LatentSummary {
  name: string;
  dist: string;
  shape: number[];
  stats: Record<string, Float32Array>;
}

export const DEFAULT_ENCODE_PARTICLES = 64;

function squeezeStat(t: Tensor): Float32Array {
  return new Float32Array(t.dataSync());
}

/**
 * The guide's summary of q(z | x) for every local latent of the minibatch. When a latent's guide
 * arguments do not depend on other draws (an amortized encoder), the summary is exact: the
 * distribution's own parameters. When they do (a guide over z2 given z1), it is the moments of
 * the guide's marginal over `particles` draws: mean E[loc], sd sqrt(E[scale^2] + Var[loc]),
 * prob E[p].
 */
export function encodeBatch(program: CompiledProgram, batch: Minibatch, rng: Rng, particles = DEFAULT_ENCODE_PARTICLES): LatentSummary[] {
  const out: LatentSummary[] = [];
  const elementOf = new Map<LatentSummary, SiteElementRef>();
  tf.tidy(() => {
    const guide = traceGuide(program, batch.data, onMinibatch(batch, { particles, rng }));
    for (const site of guide.latents()) {
      // generated sites of automatic guides (`auto.z.base` of a flow) have dotted names, which no latent has
      if (site.plate !== 'local' || site.name.includes('.')) continue;
      const shape = site.value.shape.slice(2);
      const full = site.value.shape;
      const stats: Record<string, Float32Array> = {};
      // Data with missing entries: the observed entries are known (sd 0), the others proposed.
      const partly = site.dist instanceof PartlyObserved ? site.dist : undefined;
      const dist = partly?.base ?? site.dist;
      if (dist instanceof Normal) {
        const loc = partly ? partly.fill(tf.broadcastTo(dist.loc, full)) : tf.broadcastTo(dist.loc, full);
        const scale = partly ? partly.zeroObserved(tf.broadcastTo(dist.scale, full)) : tf.broadcastTo(dist.scale, full);
        const mean = tf.mean(loc, 0);
        const variance = tf.add(tf.mean(tf.square(scale), 0), tf.mean(tf.square(tf.sub(loc, mean)), 0));
        stats['mean'] = squeezeStat(mean);
        stats['sd'] = squeezeStat(tf.sqrt(variance));
      } else if (dist instanceof Bernoulli && !partly) {
        stats['prob'] = squeezeStat(tf.mean(tf.broadcastTo(dist.mean(), full), 0));
      } else if (dist instanceof Categorical) {
        const k = dist.classes;
        let probs = tf.mean(tf.broadcastTo(dist.probs(), [...full, k]), 0);
        // an observed label is certain: its class has probability 1
        if (partly) probs = partly.fillClasses(probs, k);
        const perClass = tf.unstack(probs, probs.rank - 1);
        perClass.forEach((p, c) => (stats[`prob_${c}`] = squeezeStat(p)));
      } else if (dist instanceof Delta) {
        // a flow guide's draw: the mean and sd of its draws (no closed form)
        const mean = tf.mean(site.value, 0);
        stats['mean'] = squeezeStat(mean);
        stats['sd'] = squeezeStat(tf.sqrt(tf.mean(tf.square(tf.sub(site.value, mean)), 0)));
      } else {
        stats['mean'] = squeezeStat(tf.mean(tf.broadcastTo(site.dist.mean(), full), 0));
      }
      const option = program.lowered.latents.find((l) => l.name === site.name)?.autoOption;
      out.push({ name: site.name, dist: option ? `auto(${option})` : dist.spec.name, shape, stats });
      if (site.element) elementOf.set(out[out.length - 1]!, site.element);
    }
  });
  return joinElements(out, elementOf, batch.size);
}

/**
 * A latent drawn element by element (z[0], z[1], ...) reported whole: its elements' summaries
 * interleaved into [M, N, ...shape] per statistic, under the latent's own name.
 */
function joinElements(summaries: LatentSummary[], elementOf: ReadonlyMap<LatentSummary, SiteElementRef>, rows: number): LatentSummary[] {
  const out: LatentSummary[] = [];
  const groups = new Map<string, LatentSummary[]>();
  for (const s of summaries) {
    const e = elementOf.get(s);
    if (!e) {
      out.push(s);
      continue;
    }
    let group = groups.get(e.of);
    if (!group) {
      group = [];
      groups.set(e.of, group);
      // the whole latent takes the place of its first element
      out.push({ name: e.of, dist: s.dist, shape: [], stats: {} });
    }
    group[e.at] = s;
  }
  for (const [name, parts] of groups) {
    const whole = out.find((s) => s.name === name)!;
    const first = parts.find((p) => p !== undefined)!;
    const per = first.shape.reduce((a, b) => a * b, 1);
    const n = parts.length;
    whole.shape = [n, ...first.shape];
    for (const key of Object.keys(first.stats)) {
      const values = new Float32Array(rows * n * per).fill(NaN);
      parts.forEach((p, t) => {
        const src = p?.stats[key];
        if (!src) return;
        for (let m = 0; m < rows; m++) values.set(src.subarray(m * per, (m + 1) * per), (m * n + t) * per);
      });
      whole.stats[key] = values;
    }
  }
  return out;
}

/** Posterior summaries of a whole data set, in its order. */
export interface EncodedSet {
  /** Positions of the points in the data set. */
  indices: Uint32Array;
  /** The data set's `label` field, when it has one. */
  labels?: Float32Array;
  latents: LatentSummary[];
}

export interface EncodeOptions {
  batchSize?: number;
  particles?: number;
  seed: string;
  /** Only the first `limit` points. */
  limit?: number;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function encodeDataset(program: CompiledProgram, dataset: Dataset, bindings: Bindings, opts: EncodeOptions): Promise<EncodedSet> {
  const rng = new Rng(opts.seed);
  const dataRng = rng.derive('data');
  const hasLabels = dataset.fields.some((f) => f.name === 'label');
  const indices: number[] = [];
  const labels: Float32Array[] = [];
  const chunks: LatentSummary[][] = [];
  const limit = opts.limit ?? dataset.size;
  for await (const batch of dataset.batches(opts.batchSize ?? 250, { rng: dataRng, shuffle: false })) {
    const keep = Math.min(batch.size, limit - indices.length);
    if (keep <= 0) break;
    const mb = toMinibatch(batch, program.lowered, bindings);
    try {
      chunks.push(encodeBatch(program, mb, rng, opts.particles));
    } finally {
      disposeMinibatch(mb);
    }
    indices.push(...batch.indices);
    if (hasLabels) labels.push(batch.fields['label']!);
    if (keep < batch.size) {
      // trim the last batch to the limit
      const last = chunks[chunks.length - 1]!;
      for (const l of last) {
        const per = l.shape.reduce((a, b) => a * b, 1);
        for (const k of Object.keys(l.stats)) l.stats[k] = l.stats[k]!.slice(0, keep * per);
      }
      indices.length = limit;
      if (hasLabels) labels[labels.length - 1] = labels[labels.length - 1]!.slice(0, keep);
      break;
    }
  }
  const first = chunks[0] ?? [];
  const latents = first.map((l, i) => ({
    name: l.name,
    dist: l.dist,
    shape: l.shape,
    stats: Object.fromEntries(Object.keys(l.stats).map((k) => [k, concat(chunks.map((c) => c[i]!.stats[k]!))])),
  }));
  return { indices: Uint32Array.from(indices), labels: hasLabels ? concat(labels) : undefined, latents };
}
