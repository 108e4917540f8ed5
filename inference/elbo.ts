// The evidence lower bound, estimated from a guide trace and the model trace replayed on it:
//   ELBO = E_q[log p(x, z) - log q(z | x)] = E_q[log p(x | z)] - KL(q(z | x) || p(z)).
// Local sites are summed over the minibatch and scaled by N/M; global sites count once.
import { tf, withoutGradient, type Tensor } from '../runtime/tf.js';
import type { Trace, TraceSite } from '../runtime/trace.js';
import { analyticKl } from '../runtime/distributions/index.js';
import { PartlyObserved } from '../runtime/distributions/partly-observed.js';
import { repeatParticles, sumEvent } from '../runtime/layout.js';

export type KlMode = 'analytic' | 'mc';

export interface ElboOptions {
  /** Closed-form KL(q || p) for latents whose guide and prior pair has one (pathwise sites only). */
  kl: KlMode;
}

export interface ElboEstimate {
  /** Per particle and data point: the local terms log p(x_i, z_i) - log q(z_i | x_i). [P, M] */
  local: Tensor;
  /** Per particle: the global terms log p(w) - log q(w). [P] */
  global: Tensor;
  /** Per particle: (N/M) * sum_i local_i + global, the ELBO estimate of the whole data set. [P] */
  total: Tensor;
  /** N/M, the factor the local terms' minibatch sum carries. */
  scale: number;
  /**
   * Per particle and data point, without @scale or annealing weights: the local data terms
   * log p(x_i | z_i) (minus the distortion) and the local latent terms log p(z_i) - log q(z_i | x_i)
   * (minus the rate, the KL). Undefined when latents are summed out (their terms do not split). [P, M]
   */
  split?: { data: Tensor; latent: Tensor };
  /**
   * Per particle and data point, the log importance weight log p(x_i, z_i) - log q(z_i | x_i).
   * The same tensor as `local`, except where the guide sums over discrete values: `local` is then
   * their q-weighted mean of the terms and this their log-sum-exp with log q added. [P, M]
   */
  logWeights: Tensor;
  /**
   * Where the guide sums over the joint values of discrete sites (@enumerate in the guide): the
   * local terms per joint value and those values' weights, [P * size, M] (row p * size + k),
   * for the score-function signals of sites drawn after them.
   */
  perGuideValue?: { local: Tensor; weights: Tensor };
}

/**
 * The per-site contribution [P * e, rows]: log p - log q, or -KL where it is used. With e > 1
 * (latents summed out) the guide's draws are repeated e times; the KL is then Monte Carlo,
 * since the prior may depend on the enumerated values.
 */
function latentTerm(q: TraceSite, p: TraceSite, opts: ElboOptions, e: number): Tensor {
  if (opts.kl === 'analytic' && q.estimator === 'reparam' && e === 1) {
    const kl = analyticKl(q.dist, p.dist);
    if (kl) return tf.neg(sumEvent(kl));
  }
  return tf.sub(p.logProb, repeatParticles(q.logProb, e));
}

function addTo(acc: Tensor | undefined, t: Tensor): Tensor {
  return acc ? tf.add(acc, t) : t;
}

function weighted(t: Tensor, weight: number): Tensor {
  return weight === 1 ? t : tf.mul(t, weight);
}

/**
 * The ELBO's terms from a guide trace and the model replayed on it. Latents summed out in the
 * model enter by a log-sum-exp over their joint values; discrete values the guide sums over
 * (guide-side enumeration, as in Pyro's TraceEnum_ELBO) enter as the expectation under q:
 * sum_k q(k | x) [log p(x, k, z_k) - log q(z_k | x, k) - log q(k | x)], exact in k.
 */
export function estimateElbo(guide: Trace, model: Trace, particles: number, opts: ElboOptions): ElboEstimate {
  const e = model.enumeration;
  const eg = guide.enumeration;
  // guide draws, each with every joint value of the guide's enumerated sites
  const draws = particles * eg;
  let local: Tensor | undefined;
  let global: Tensor | undefined;
  // Unweighted local terms by kind, for the rate and the distortion.
  const dataTerms: Tensor[] = [];
  const latentTerms: Tensor[] = [];
  for (const p of model.sites.values()) {
    let term: Tensor;
    const q = p.kind === 'latent' ? guide.get(p.name) : undefined;
    if (p.kind === 'data') term = p.logProb;
    else if (!q && ((p.element && guide.get(p.element.of)) || guide.hasElementsOf(p.name))) {
      // drawn whole on one side and element by element on the other: the guide's log q enters below
      term = p.logProb;
    } else if (!q) {
      // summed out in the model (@enumerate): its prior enters the log-sum-exp below
      if (e === 1) throw new Error(`internal: latent '${p.name}' has no guide site`);
      term = p.logProb;
    } else term = latentTerm(q, p, opts, e);
    if (p.plate === 'local') {
      // data the guide proposes where missing: its prior there is part of the rate, not the distortion
      const proposal = p.kind === 'data' ? guide.get(p.name)?.dist : undefined;
      if (proposal instanceof PartlyObserved) {
        const [observed, missing] = proposal.splitByObserved(p.dist.logProb(p.value));
        dataTerms.push(sumEvent(observed));
        latentTerms.push(sumEvent(missing));
      } else (p.kind === 'data' ? dataTerms : latentTerms).push(term);
    }
    term = weighted(term, p.weight);
    if (p.plate === 'local') local = addTo(local, term);
    else global = addTo(global, tf.reshape(term, [-1]));
  }
  // Guide sites the model has no site of the same name for: a sequence the guide draws whole
  // while the model draws it element by element, the missing entries of partly observed data.
  for (const q of guide.sites.values()) {
    if (q.kind !== 'latent' || model.sites.get(q.name)?.kind === 'latent') continue;
    const raw = tf.neg(repeatParticles(q.logProb, e));
    if (q.plate === 'local') latentTerms.push(raw);
    const term = weighted(raw, q.weight);
    if (q.plate === 'local') local = addTo(local, term);
    else global = addTo(global, tf.reshape(term, [-1]));
  }
  const rows = localRows(model);
  let localFull = broadcastIfNeeded(local ?? tf.zeros([1, rows]), [draws * e, rows]);
  let globalFull = broadcastIfNeeded(global ?? tf.zeros([1]), [draws * e]);
  if (e > 1) {
    // log sum over the joint values of the enumerated latents, per guide draw and data point:
    // the terms that do not involve them are equal across the values and factor out exactly.
    localFull = tf.logSumExp(tf.reshape(localFull, [draws, e, rows]), 1);
    globalFull = tf.reshape(tf.slice(tf.reshape(globalFull, [draws, e]), [0, 0], [draws, 1]), [draws]);
  }
  let logWeights = localFull;
  let perGuideValue: ElboEstimate['perGuideValue'];
  let overGuideValues = (t: Tensor): Tensor => t;
  if (eg > 1) {
    const logw = tf.reshape(broadcastIfNeeded(guideValueLogWeights(guide, rows), [draws, rows]), [particles, eg, rows]);
    const w = tf.exp(logw);
    // A value of weight 0 (not the observed one, or underflowed) must not bring its terms' NaN or -Infinity in.
    const counted = tf.cast(positive(w), 'bool');
    const safe = (t: Tensor): Tensor => tf.where(counted, tf.reshape(t, [particles, eg, rows]), tf.zerosLike(w));
    overGuideValues = (t) => tf.sum(tf.mul(w, safe(t)), 1);
    perGuideValue = { local: localFull, weights: tf.reshape(w, [draws, rows]) };
    logWeights = tf.logSumExp(tf.add(safe(localFull), logw), 1);
    localFull = overGuideValues(localFull);
    // global sites are drawn after the enumerated ones, once per value: their mean over the values
    globalFull = tf.mean(tf.reshape(globalFull, [particles, eg]), 1);
  }
  const scale = firstLocalScale(model);
  const localSum = tf.mul(scale, tf.sum(localFull, 1));
  // Adding the zeros of a model without global sites changes no value: leave those kernels out.
  const total = global ? tf.add(localSum, globalFull) : localSum;
  // The split costs kernels that training never needs: computed on first read (in the caller's tidy scope).
  const sum = (terms: Tensor[]): Tensor => overGuideValues(tf.broadcastTo(terms.reduce<Tensor | undefined>((acc, t) => addTo(acc, t), undefined) ?? tf.zeros([1, rows]), [draws, rows]));
  let split: { data: Tensor; latent: Tensor } | undefined;
  return {
    local: localFull,
    global: globalFull,
    total,
    scale,
    logWeights,
    ...(perGuideValue ? { perGuideValue } : {}),
    get split() {
      if (e !== 1 || model.summedOut) return undefined;
      split ??= { data: sum(dataTerms), latent: sum(latentTerms) };
      return split;
    },
  };
}

/** 1 where positive, else 0; off the gradient tape (comparisons have no gradient). */
const positive = withoutGradient((x) => tf.cast(tf.greater(x, 0), 'float32'));

/**
 * log q of each joint value of the sites the guide sums over, per draw and data point: the sum
 * over those sites of their values' log-weights (a point mass where a partly observed value is
 * observed). [P * size, rows or 1]
 */
function guideValueLogWeights(guide: Trace, rows: number): Tensor {
  let out: Tensor | undefined;
  for (const q of guide.sites.values()) {
    if (!q.enumerated) continue;
    const w = sumEvent(q.dist.enumerationLogWeight ? q.dist.enumerationLogWeight(q.value) : q.dist.logProb(q.value));
    out = addTo(out, w);
  }
  if (!out) throw new Error('internal: a guide trace with enumerated values has no enumerated site');
  return out.shape[1] === rows || out.shape[1] === 1 ? out : tf.broadcastTo(out, [out.shape[0]!, rows]);
}

/** `t` broadcast to `shape`, or `t` itself when it has that shape already (no copy kernel). */
function broadcastIfNeeded(t: Tensor, shape: number[]): Tensor {
  return t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : tf.broadcastTo(t, shape);
}

/** M: local values may broadcast over the batch (enumerated values have 1 row), so take the widest. */
function localRows(t: Trace): number {
  let rows = 1;
  for (const s of t.sites.values()) if (s.plate === 'local') rows = Math.max(rows, s.value.shape[1] ?? 1);
  return rows;
}

function firstLocalScale(t: Trace): number {
  for (const s of t.sites.values()) if (s.plate === 'local') return s.scale;
  return 1;
}
