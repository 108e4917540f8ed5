// A small simulated corpus from LDA's generative process (Blei, Ng & Jordan 2003): K topics,
// each a distribution over V words drawn from a symmetric Dirichlet; each document draws its
// topic proportions from a Dirichlet, its length uniformly from a range, then each word's topic
// and the word. Kept as bag-of-words counts (one row of V counts per document), with the
// measure of topic recovery the tests use: each true topic's best cosine similarity under the
// best one-to-one matching of learned topics to true ones.
import { Rng } from '../../runtime/random.js';
import { logGammaSample } from '../../runtime/distributions/special.js';

export interface Corpus {
  /** topics[k][w]: the probability of word w under topic k. */
  topics: number[][];
  /** counts[d][w]: how often word w occurs in document d. */
  counts: number[][];
  /** The documents' lengths (their counts' sums). */
  lengths: number[];
}

function dirichlet(alpha: readonly number[], rng: Rng): number[] {
  const logs = alpha.map((a) => logGammaSample(a, rng));
  const top = Math.max(...logs);
  const g = logs.map((l) => Math.exp(l - top));
  const total = g.reduce((s, x) => s + x, 0);
  return g.map((x) => x / total);
}

function categorical(p: readonly number[], rng: Rng): number {
  let u = rng.uniform();
  for (let i = 0; i < p.length - 1; i++) {
    u -= p[i]!;
    if (u < 0) return i;
  }
  return p.length - 1;
}

export function simulateCorpus(options: { topics: number; vocabulary: number; documents: number; minLength: number; maxLength: number; topicConcentration: number; docConcentration: number }, rng: Rng): Corpus {
  const { topics: K, vocabulary: V } = options;
  const topics = Array.from({ length: K }, () => dirichlet(Array.from({ length: V }, () => options.topicConcentration), rng));
  const counts: number[][] = [];
  const lengths: number[] = [];
  for (let d = 0; d < options.documents; d++) {
    const theta = dirichlet(Array.from({ length: K }, () => options.docConcentration), rng);
    const n = options.minLength + rng.int(options.maxLength - options.minLength + 1);
    const row = Array.from({ length: V }, () => 0);
    for (let i = 0; i < n; i++) row[categorical(topics[categorical(theta, rng)]!, rng)]! += 1;
    counts.push(row);
    lengths.push(n);
  }
  return { topics, counts, lengths };
}

function cosine(a: readonly number[], b: readonly number[]): number {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  const norm = (v: readonly number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return dot / (norm(a) * norm(b));
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/**
 * The one-to-one matching of learned topics to true ones with the largest total cosine
 * similarity (all K! matchings; K is small), and each true topic's similarity under it.
 */
export function matchTopics(truth: readonly (readonly number[])[], learned: readonly (readonly number[])[]): { similarity: number[]; match: number[] } {
  const sims = truth.map((t) => learned.map((l) => cosine(t, l)));
  let best: number[] = [];
  let bestTotal = -Infinity;
  for (const p of permutations(truth.length)) {
    const total = p.reduce((s, j, k) => s + sims[k]![j]!, 0);
    if (total > bestTotal) {
      bestTotal = total;
      best = p;
    }
  }
  return { similarity: best.map((j, k) => sims[k]![j]!), match: best };
}
