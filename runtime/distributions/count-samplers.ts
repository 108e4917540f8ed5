// Float64 samplers of the count distributions (Binomial, NegativeBinomial, Multinomial), each
// exact, drawn element by element on the host like Poisson's.
import { tf, type Tensor } from '../tf.js';
import { Rng } from '../random.js';
import { broadcastShapes, logGammaSample, poissonSample } from './special.js';

/** A Beta(a, b) draw from two Gamma variates, normalized in log space. */
function betaNum(a: number, b: number, rng: Rng): number {
  const s = logGammaSample(a, rng) - logGammaSample(b, rng);
  return 1 / (1 + Math.exp(-s));
}

/**
 * A Binomial(n, p) draw: inversion (sequential search from 0) when n min(p, 1 - p) is small,
 * else Knuth's recursion through the order statistics of uniforms (TAOCP vol. 2, 3.4.1): with
 * a = 1 + floor(n / 2), the a-th smallest of n uniforms is X ~ Beta(a, n + 1 - a); if X >= p the
 * count is Binomial(a - 1, p / X), else a + Binomial(n - a, (p - X) / (1 - X)). Exact, with
 * O(log n) Beta draws.
 */
export function binomialSample(n: number, p: number, rng: Rng): number {
  let count = 0;
  for (;;) {
    if (!(n > 0) || !(p > 0)) return count;
    if (p >= 1) return count + n;
    if (n * Math.min(p, 1 - p) < 20) return count + binomialInversion(n, p, rng);
    const a = 1 + Math.floor(n / 2);
    const x = betaNum(a, n + 1 - a, rng);
    if (x >= p) {
      n = a - 1;
      p = p / x;
    } else {
      count += a;
      n = n - a;
      p = (p - x) / (1 - x);
    }
  }
}

/** Inversion by sequential search over the pmf, from the end with the smaller success probability. */
function binomialInversion(n: number, p: number, rng: Rng): number {
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const r = q / (1 - q);
  let pmf = Math.pow(1 - q, n);
  let cdf = pmf;
  const u = rng.uniform();
  let k = 0;
  while (u > cdf && k < n) {
    pmf *= (r * (n - k)) / (k + 1);
    k++;
    cdf += pmf;
  }
  return flip ? n - k : k;
}

/** A NegativeBinomial draw as a Gamma-Poisson mixture: lambda ~ Gamma(r, 1) * odds, k ~ Poisson(lambda). */
export function negativeBinomialSample(r: number, odds: number, rng: Rng): number {
  if (!(r > 0) || !(odds > 0)) return 0;
  return poissonSample(Math.exp(logGammaSample(r, rng)) * odds, rng);
}

/**
 * Draws by `draw` applied to the host values of `params` broadcast with `shape`, as a float32
 * tensor of the full shape (no gradient flows through it).
 */
export function hostDraws(shape: readonly number[], params: readonly Tensor[], label: string, rng: Rng, draw: (values: readonly number[], rng: Rng) => number): Tensor {
  const full = broadcastShapes(shape, ...params.map((p) => p.shape));
  const host = tf.tidy(() => params.map((p) => tf.broadcastTo(p, full).dataSync()));
  const js = new Rng(`${label}:${rng.nextSeed()}`);
  const out = new Float32Array(host[0]?.length ?? 0);
  const row: number[] = new Array(params.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < host.length; j++) row[j] = host[j]![i]!;
    out[i] = draw(row, js);
  }
  return tf.tensor(out, full, 'float32');
}
