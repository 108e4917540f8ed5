// The distributions added for the ported models (HalfNormal ... MultivariateNormal, LogitNormal,
// Categorical with low): log-densities against closed forms computed here in float64 and against
// tabulated values (cited), normalization of the discrete ones, sample moments against theory
// (4 standard errors, seeds stated), supports, pathwise gradients against identities in
// expectation, the MultivariateNormal KL against Monte Carlo, the checker's static checks, the
// automatic guides of interval, count and int(lo, hi) latents, and the Uniform and no-parameter fixes.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import {
  Bernoulli,
  Binomial,
  Categorical,
  Cauchy,
  CorrCholeskyNormal,
  Geometric,
  HalfCauchy,
  HalfNormal,
  InverseGamma,
  LkjCholesky,
  LogitNormal,
  Multinomial,
  MultivariateNormal,
  NegativeBinomial,
  Normal,
  VonMises,
  Weibull,
  ZeroInflatedNegativeBinomial,
  ZeroInflatedPoisson,
  analyticKl,
  type Distribution,
} from '../runtime/distributions/index.js';
import { checkSource } from '../lang/checker/index.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { compileOk, minibatch, makeSvi } from './helpers.js';

beforeAll(async () => {
  await initBackend('auto');
});

const t1 = (v: number[]): tf.Tensor => tf.tensor1d(v);
const s = (v: number): tf.Tensor => tf.scalar(v);
const values = (x: tf.Tensor): number[] => Array.from(x.dataSync());

/** log Gamma(x), Lanczos (g = 7, n = 9), relative error ~1e-15. */
function lgammaL(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgammaL(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

function expectClose(got: number[], want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThan(tol * Math.max(1, Math.abs(want[i]!))));
}

function moments(xs: ArrayLike<number>): { mean: number; variance: number; seMean: number; seVar: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i]!;
  m /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    m2 += d * d;
    m4 += d ** 4;
  }
  const variance = m2 / (n - 1);
  m4 /= n;
  return { mean: m, variance, seMean: Math.sqrt(variance / n), seVar: Math.sqrt(Math.max(m4 - variance * variance, 0) / n) };
}

function expectMoments(name: string, xs: ArrayLike<number>, mean: number, variance?: number): void {
  const m = moments(xs);
  expect(Math.abs(m.mean - mean), `${name}: mean ${m.mean} vs ${mean} (se ${m.seMean})`).toBeLessThan(4 * m.seMean);
  if (variance !== undefined) expect(Math.abs(m.variance - variance), `${name}: variance ${m.variance} vs ${variance} (se ${m.seVar})`).toBeLessThan(4 * m.seVar);
}

/** sum_k exp(log p(k)) over k = 0..kmax. */
function massUpTo(d: Distribution, kmax: number): number {
  return values(tf.exp(d.logProb(t1(Array.from({ length: kmax + 1 }, (_, k) => k))))).reduce((a, b) => a + b, 0);
}

describe('log-densities against closed forms and tables', () => {
  it('HalfNormal, HalfCauchy, Cauchy: closed forms; scipy.stats.halfnorm.logpdf(1) = log(sqrt(2 / pi)) - 1/2 = -0.7257913526447274, cauchy.logpdf(0) = -log(pi)', () => {
    const xs = [0.1, 1, 2.5, 7];
    expectClose(values(new HalfNormal(s(2)).logProb(t1(xs))), xs.map((x) => Math.log(2) - 0.5 * Math.log(2 * Math.PI) - Math.log(2) - (x * x) / 8), 1e-6);
    expectClose(values(new HalfNormal(s(1)).logProb(s(1))), [-0.7257913526447274], 1e-6);
    expectClose(values(new HalfCauchy(s(5)).logProb(t1(xs))), xs.map((x) => Math.log(2 / (Math.PI * 5)) - Math.log1p((x / 5) ** 2)), 1e-6);
    expectClose(values(new Cauchy(s(1), s(0.5)).logProb(t1(xs))), xs.map((x) => -Math.log(Math.PI * 0.5) - Math.log1p(((x - 1) / 0.5) ** 2)), 1e-6);
    expectClose(values(new Cauchy(s(0), s(1)).logProb(s(0))), [-Math.log(Math.PI)], 1e-6);
  });

  it('InverseGamma and Weibull: closed forms', () => {
    const xs = [0.2, 1, 3.3];
    const [a, b] = [2.5, 1.7];
    expectClose(values(new InverseGamma(s(a), s(b)).logProb(t1(xs))), xs.map((x) => a * Math.log(b) - lgammaL(a) - (a + 1) * Math.log(x) - b / x), 1e-5);
    const [lam, k] = [1.5, 0.7];
    expectClose(values(new Weibull(s(lam), s(k)).logProb(t1(xs))), xs.map((x) => Math.log(k / lam) + (k - 1) * Math.log(x / lam) - (x / lam) ** k), 1e-5);
    // Weibull with k = 1 is Exponential(1 / lambda)
    expectClose(values(new Weibull(s(2), s(1)).logProb(t1(xs))), xs.map((x) => -Math.log(2) - x / 2), 1e-6);
  });

  it('Geometric, Binomial, NegativeBinomial: closed forms, probs and logits agree, and each sums to 1', () => {
    const ks = [0, 1, 4, 9];
    expectClose(values(new Geometric({ probs: s(0.3) }).logProb(t1(ks))), ks.map((k) => k * Math.log(0.7) + Math.log(0.3)), 1e-5);
    expectClose(values(new Geometric({ logits: s(Math.log(0.3 / 0.7)) }).logProb(t1(ks))), ks.map((k) => k * Math.log(0.7) + Math.log(0.3)), 1e-5);
    expect(massUpTo(new Geometric({ probs: s(0.3) }), 200)).toBeCloseTo(1, 4);

    const n = 12;
    const choose = (nn: number, k: number): number => lgammaL(nn + 1) - lgammaL(k + 1) - lgammaL(nn - k + 1);
    const bin = ks.map((k) => choose(n, k) + k * Math.log(0.35) + (n - k) * Math.log(0.65));
    expectClose(values(new Binomial(s(n), { probs: s(0.35) }).logProb(t1(ks))), bin, 1e-5);
    expectClose(values(new Binomial(s(n), { logits: s(Math.log(0.35 / 0.65)) }).logProb(t1(ks))), bin, 1e-5);
    expect(massUpTo(new Binomial(s(n), { probs: s(0.35) }), n)).toBeCloseTo(1, 5);

    const [r, p] = [2.5, 0.4];
    const nb = ks.map((k) => lgammaL(k + r) - lgammaL(r) - lgammaL(k + 1) + r * Math.log(1 - p) + k * Math.log(p));
    expectClose(values(new NegativeBinomial({ totalCount: s(r), probs: s(p) }).logProb(t1(ks))), nb, 1e-5);
    // mean mu = r p / (1 - p), concentration phi = r: the same distribution (Stan's neg_binomial_2)
    const mu = (r * p) / (1 - p);
    expectClose(values(new NegativeBinomial({ mean: s(mu), concentration: s(r) }).logProb(t1(ks))), nb, 1e-5);
    expect(massUpTo(new NegativeBinomial({ mean: s(mu), concentration: s(r) }), 300)).toBeCloseTo(1, 4);
  });

  it('Multinomial: closed form per event; with K = 2 it is the Binomial of the first count', () => {
    const p = [0.2, 0.5, 0.3];
    const x = [[2, 3, 1], [0, 6, 0]];
    const want = x.map((row) => lgammaL(7) - row.reduce((a, k) => a + lgammaL(k + 1), 0) + row.reduce((a, k, i) => a + k * Math.log(p[i]!), 0));
    expectClose(values(new Multinomial(s(6), { probs: t1(p) }).logProb(tf.tensor2d(x))), want, 1e-5);
    const two = values(new Multinomial(s(9), { logits: t1([0.3, -0.4]) }).logProb(tf.tensor2d([[4, 5]])));
    const q = 1 / (1 + Math.exp(-0.7));
    expectClose(two, values(new Binomial(s(9), { probs: s(q) }).logProb(s(4))), 1e-5);
  });

  it('ZeroInflatedPoisson and ZeroInflatedNegativeBinomial: the mixture closed forms, summing to 1', () => {
    const [g, rate] = [0.3, 2.2];
    const ks = [0, 1, 3, 8];
    const pois = (k: number): number => k * Math.log(rate) - rate - lgammaL(k + 1);
    const want = ks.map((k) => (k === 0 ? Math.log(g + (1 - g) * Math.exp(-rate)) : Math.log(1 - g) + pois(k)));
    expectClose(values(new ZeroInflatedPoisson(s(g), s(rate)).logProb(t1(ks))), want, 1e-5);
    expect(massUpTo(new ZeroInflatedPoisson(s(g), s(rate)), 60)).toBeCloseTo(1, 5);
    const nb = new NegativeBinomial({ mean: s(3), concentration: s(1.5) });
    const nbLp = values(nb.logProb(t1(ks)));
    const zinb = values(new ZeroInflatedNegativeBinomial(s(g), { mean: s(3), concentration: s(1.5) }).logProb(t1(ks)));
    expectClose(zinb, ks.map((k, i) => (k === 0 ? Math.log(g + (1 - g) * Math.exp(nbLp[i]!)) : Math.log(1 - g) + nbLp[i]!)), 1e-5);
  });

  it('VonMises: exp(kappa cos(z - loc)) / (2 pi I0(kappa)) with I0(0.5), I0(1), I0(5), I0(10) from Abramowitz & Stegun Table 9.8 (1.0634833707, 1.2660658778, 27.2398718236, 2815.7166284663); integrates to 1 over a turn', () => {
    const table: [number, number][] = [
      [0.5, 1.0634833707413236],
      [1, 1.2660658777520082],
      [5, 27.239871823604442],
      [10, 2815.716628466254],
    ];
    for (const [kappa, i0] of table) {
      const zs = [-2, 0.3, 1.1, 3];
      const want = zs.map((z) => kappa * Math.cos(z - 0.4) - Math.log(2 * Math.PI * i0));
      expectClose(values(new VonMises(s(0.4), s(kappa)).logProb(t1(zs))), want, 2e-6);
    }
    const m = 4000;
    const grid = Array.from({ length: m }, (_, i) => -Math.PI + ((i + 0.5) * 2 * Math.PI) / m);
    const total = (values(tf.exp(new VonMises(s(1), s(3)).logProb(t1(grid)))).reduce((a, b) => a + b, 0) * 2 * Math.PI) / m;
    expect(total).toBeCloseTo(1, 5);
  });

  it('MultivariateNormal: the density with the covariance inverted in float64 here; a diagonal scale_tril is a product of Normals; entries above the diagonal are ignored', () => {
    const L = [
      [1.2, 0, 0],
      [0.5, 0.8, 0],
      [-0.3, 0.4, 0.6],
    ];
    const loc = [0.5, -1, 2];
    const cov = L.map((ri) => L.map((rj) => ri.reduce((a, v, k) => a + v * rj[k]!, 0)));
    // 3 x 3 inverse and determinant by cofactors
    const det = cov[0]![0]! * (cov[1]![1]! * cov[2]![2]! - cov[1]![2]! * cov[2]![1]!) - cov[0]![1]! * (cov[1]![0]! * cov[2]![2]! - cov[1]![2]! * cov[2]![0]!) + cov[0]![2]! * (cov[1]![0]! * cov[2]![1]! - cov[1]![1]! * cov[2]![0]!);
    const inv = [0, 1, 2].map((i) => [0, 1, 2].map((j) => {
      const r = [0, 1, 2].filter((k) => k !== j);
      const c = [0, 1, 2].filter((k) => k !== i);
      const minor = cov[r[0]!]![c[0]!]! * cov[r[1]!]![c[1]!]! - cov[r[0]!]![c[1]!]! * cov[r[1]!]![c[0]!]!;
      return (((i + j) % 2 === 0 ? 1 : -1) * minor) / det;
    }));
    const xs = [[0, 0, 0], [1, -2, 3.5], [0.5, -1, 2]];
    const want = xs.map((x) => {
      const d = x.map((v, i) => v - loc[i]!);
      const q = d.reduce((a, di, i) => a + di * d.reduce((b, dj, j) => b + inv[i]![j]! * dj, 0), 0);
      return -1.5 * Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
    });
    const withJunk = L.map((row, i) => row.map((v, j) => (j > i ? 9 : v)));
    expectClose(values(new MultivariateNormal(t1(loc), tf.tensor2d(withJunk)).logProb(tf.tensor2d(xs))), want, 1e-5);
    // the covariance itself, factored by the differentiable Cholesky
    expectClose(values(new MultivariateNormal(t1(loc), { covariance: tf.tensor2d(cov) }).logProb(tf.tensor2d(xs))), want, 1e-4);
    const diag = values(new MultivariateNormal(t1(loc), tf.diag(t1([1.2, 0.8, 0.6]))).logProb(tf.tensor2d(xs)));
    const normals = values(tf.sum(new Normal(t1(loc), t1([1.2, 0.8, 0.6])).logProb(tf.tensor2d(xs)), -1));
    expectClose(diag, normals, 1e-5);
  });

  it('LogitNormal: the change of variables of a Normal; integrates to 1 on (low, high)', () => {
    const zs = [-0.5, 0.2, 1.9];
    const [m, sd, lo, hi] = [0.3, 0.8, -1, 2];
    const want = zs.map((z) => {
      const u = (z - lo) / (hi - lo);
      const x = Math.log(u / (1 - u));
      return -0.5 * ((x - m) / sd) ** 2 - Math.log(sd) - 0.5 * Math.log(2 * Math.PI) - Math.log((hi - lo) * u * (1 - u));
    });
    expectClose(values(new LogitNormal(s(m), s(sd), s(lo), s(hi)).logProb(t1(zs))), want, 1e-5);
    const n = 20_000;
    const grid = Array.from({ length: n }, (_, i) => lo + ((i + 0.5) * (hi - lo)) / n);
    const total = (values(tf.exp(new LogitNormal(s(m), s(sd), s(lo), s(hi)).logProb(t1(grid)))).reduce((a, b) => a + b, 0) * (hi - lo)) / n;
    expect(total).toBeCloseTo(1, 3);
  });

  it('Categorical with low: values low..low+K-1', () => {
    const d = new Categorical({ probs: t1([0.2, 0.3, 0.5]) }, s(4));
    expectClose(values(d.logProb(t1([4, 5, 6]))), [Math.log(0.2), Math.log(0.3), Math.log(0.5)], 1e-6);
    expectClose(values(d.mean()), [4 + 0.3 + 1], 1e-6);
    const ks = values(d.sample([20_000], new Rng('cat-low')));
    expect(ks.every((k) => k === 4 || k === 5 || k === 6)).toBe(true);
    expectMoments('Categorical(low = 4)', ks, 5.3, 0.3 + 4 * 0.5 - 1.3 ** 2);
  });
});

describe('sample moments and supports (4 standard errors)', () => {
  const n = 60_000;
  it('continuous: HalfNormal, InverseGamma, Weibull, LogitNormal (seeds hn, ig, wb, ln; 60k each); HalfCauchy and Cauchy by their quartiles (seeds hc, ca)', () => {
    const hn = values(new HalfNormal(s(2)).sample([n], new Rng('hn')));
    expect(hn.every((v) => v >= 0)).toBe(true);
    expectMoments('HalfNormal', hn, 2 * Math.sqrt(2 / Math.PI), 4 * (1 - 2 / Math.PI));
    const [a, b] = [5, 2];
    const ig = values(new InverseGamma(s(a), s(b)).sample([n], new Rng('ig')));
    expect(ig.every((v) => v > 0)).toBe(true);
    expectMoments('InverseGamma', ig, b / (a - 1), (b * b) / ((a - 1) ** 2 * (a - 2)));
    const [lam, k] = [1.5, 2.2];
    const g1 = Math.exp(lgammaL(1 + 1 / k));
    const g2 = Math.exp(lgammaL(1 + 2 / k));
    const wb = values(new Weibull(s(lam), s(k)).sample([n], new Rng('wb')));
    expectMoments('Weibull', wb, lam * g1, lam * lam * (g2 - g1 * g1));
    const lnv = values(new LogitNormal(s(0), s(1), s(-1), s(3)).sample([n], new Rng('ln')));
    expect(lnv.every((v) => v > -1 && v < 3)).toBe(true);
    // symmetric around the midpoint 1 (loc 0)
    expectMoments('LogitNormal', lnv, 1);
    // quartiles: HalfCauchy(scale) has median scale and P(z < scale tan(3 pi / 8)) = 3/4; Cauchy(loc, scale) quartiles loc -+ scale
    const frac = (xs: number[], t: number): number => xs.filter((v) => v < t).length / xs.length;
    const se = Math.sqrt(0.25 / n);
    const hc = values(new HalfCauchy(s(5)).sample([n], new Rng('hc')));
    expect(Math.abs(frac(hc, 5) - 0.5)).toBeLessThan(4 * se);
    expect(Math.abs(frac(hc, 5 * Math.tan((3 * Math.PI) / 8)) - 0.75)).toBeLessThan(4 * se);
    const ca = values(new Cauchy(s(1), s(2)).sample([n], new Rng('ca')));
    expect(Math.abs(frac(ca, -1) - 0.25)).toBeLessThan(4 * se);
    expect(Math.abs(frac(ca, 3) - 0.75)).toBeLessThan(4 * se);
  });

  it('counts: Geometric, Binomial (small and large n), NegativeBinomial, ZIP, ZINB are integers with the right moments (seeds ge, bi, bi2, nb, zip, zinb)', () => {
    const isCount = (xs: number[]): boolean => xs.every((v) => Number.isInteger(v) && v >= 0);
    const ge = values(new Geometric({ probs: s(0.3) }).sample([n], new Rng('ge')));
    expect(isCount(ge)).toBe(true);
    expectMoments('Geometric', ge, 0.7 / 0.3, 0.7 / 0.09);
    for (const [nn, p, seed] of [[12, 0.35, 'bi'], [5000, 0.3, 'bi2']] as const) {
      const bi = values(new Binomial(s(nn), { probs: s(p) }).sample([n], new Rng(seed)));
      expect(isCount(bi) && bi.every((v) => v <= nn)).toBe(true);
      expectMoments(`Binomial(${nn}, ${p})`, bi, nn * p, nn * p * (1 - p));
    }
    const [mu, phi] = [4, 1.5];
    const nb = values(new NegativeBinomial({ mean: s(mu), concentration: s(phi) }).sample([n], new Rng('nb')));
    expect(isCount(nb)).toBe(true);
    expectMoments('NegativeBinomial', nb, mu, mu + (mu * mu) / phi);
    const [g, rate] = [0.3, 2.2];
    const zip = values(new ZeroInflatedPoisson(s(g), s(rate)).sample([n], new Rng('zip')));
    expect(isCount(zip)).toBe(true);
    expectMoments('ZIP', zip, (1 - g) * rate, (1 - g) * rate * (1 + g * rate));
    const zinb = values(new ZeroInflatedNegativeBinomial(s(g), { mean: s(mu), concentration: s(phi) }).sample([n], new Rng('zinb')));
    const m2 = mu + (mu * mu) / phi + mu * mu;
    expectMoments('ZINB', zinb, (1 - g) * mu, (1 - g) * m2 - ((1 - g) * mu) ** 2);
  });

  it('Multinomial: counts sum to n, each class Binomial(n, p_i) (seed mn, 20k)', () => {
    const p = [0.2, 0.5, 0.3];
    const m = 20_000;
    const x = new Multinomial(s(10), { probs: t1(p) }).sample([m, 3], new Rng('mn')).arraySync() as number[][];
    expect(x.every((row) => row.reduce((a, b) => a + b, 0) === 10 && row.every((v) => Number.isInteger(v) && v >= 0))).toBe(true);
    p.forEach((pi, i) => expectMoments(`Multinomial class ${i}`, x.map((r) => r[i]!), 10 * pi, 10 * pi * (1 - pi)));
  });

  it('VonMises: in (-pi, pi], E[cos(z - loc)] = I1(kappa) / I0(kappa) (kappa = 2: 0.6977746579640081, A&S Table 9.8: I1(2) = 1.590636855, I0(2) = 2.279585302) (seed vm, 60k)', () => {
    const z = values(new VonMises(s(2.5), s(2)).sample([n], new Rng('vm')));
    expect(z.every((v) => v > -Math.PI && v <= Math.PI)).toBe(true);
    expectMoments('VonMises cos', z.map((v) => Math.cos(v - 2.5)), 1.590636854637329 / 2.2795853023360673);
    expectMoments('VonMises sin', z.map((v) => Math.sin(v - 2.5)), 0);
  });

  it('MultivariateNormal: mean loc and covariance L L^T (seed mvn, 60k)', () => {
    const L = [
      [1, 0],
      [0.8, 0.5],
    ];
    const z = new MultivariateNormal(t1([1, -2]), tf.tensor2d(L)).sample([n, 2], new Rng('mvn')).arraySync() as number[][];
    expectMoments('z0', z.map((r) => r[0]!), 1, 1);
    expectMoments('z1', z.map((r) => r[1]!), -2, 0.64 + 0.25);
    // the covariance 0.8 as the mean of (z0 - 1)(z1 + 2)
    expectMoments('cross', z.map((r) => (r[0]! - 1) * (r[1]! + 2)), 0.8);
  });
});

/** Mean over n draws of the gradient of sum(f(z)) with respect to each parameter. */
function meanGrads(make: (ps: tf.Tensor[]) => Distribution, params: number[], shape: number[], seed: string, f: (z: tf.Tensor) => tf.Tensor = (z) => z): number[] {
  const g = tf.grads((...ps: tf.Tensor[]) => tf.sum(f(make(ps).sample(shape, new Rng(seed)))));
  const n = shape.reduce((a, b) => a * b, 1);
  return g(params.map((p) => tf.scalar(p))).map((t) => t.dataSync()[0]! / n);
}

describe('gradients through samples', () => {
  const n = 40_000;
  it('pathwise: d/dscale E[z] of HalfNormal is sqrt(2 / pi); Weibull d/dlambda E[z] = Gamma(1 + 1/k); InverseGamma (implicit in a) d/da E[z] = -b / (a - 1)^2, d/db E[z] = 1 / (a - 1) (seeds ghn, gwb within 3%; gig 10k draws, 4 SE)', () => {
    expect(meanGrads(([sc]) => new HalfNormal(sc!), [1.7], [n], 'ghn')[0]).toBeCloseTo(Math.sqrt(2 / Math.PI), 1);
    const [lam, k] = [1.5, 2.2];
    const gw = meanGrads(([l, c]) => new Weibull(l!, c!), [lam, k], [n], 'gwb');
    expect(Math.abs(gw[0]! / Math.exp(lgammaL(1 + 1 / k)) - 1)).toBeLessThan(0.03);
    // per-draw gradients (one parameter entry per draw), against their expectations within 4 SE
    const [a, b] = [4, 2];
    const m = 10_000;
    const [ga, gb] = tf.grads((c: tf.Tensor, r: tf.Tensor) => tf.sum(new InverseGamma(c, r).sample([m], new Rng('gig'))))([tf.fill([m], a), tf.fill([m], b)]);
    expectMoments('InverseGamma dz/da', values(ga!), -b / (a - 1) ** 2);
    expectMoments('InverseGamma dz/db', values(gb!), 1 / (a - 1));
  });

  it('pathwise: Cauchy dz/dloc = 1 and dz/dscale = (z - loc) / scale for every draw; HalfCauchy dz/dscale = z / scale', () => {
    const loc = s(0.5);
    const scale = s(2);
    const [dl, ds] = tf.grads((l: tf.Tensor, sc: tf.Tensor) => tf.sum(new Cauchy(l, sc).sample([5], new Rng('gca'))))([loc, scale]);
    const z = values(new Cauchy(loc, scale).sample([5], new Rng('gca')));
    expect(values(dl!)[0]).toBeCloseTo(5, 4);
    expect(values(ds!)[0]! / z.reduce((a, v) => a + (v - 0.5) / 2, 0)).toBeCloseTo(1, 4);
    const [dh] = tf.grads((sc: tf.Tensor) => tf.sum(new HalfCauchy(sc).sample([5], new Rng('ghc'))))([scale]);
    const zh = values(new HalfCauchy(scale).sample([5], new Rng('ghc')));
    expect(values(dh!)[0]! / zh.reduce((a, v) => a + v / 2, 0)).toBeCloseTo(1, 4);
  });

  it('pathwise: MultivariateNormal d/dL E[|z|^2] = 2 L (lower triangle) and d/dloc = 2 loc (seed gmv, 40k; within 0.05)', () => {
    const loc = t1([0.3, -0.7]);
    const L = tf.tensor2d([
      [1.1, 0],
      [0.4, 0.6],
    ]);
    const [gl, gL] = tf.grads((m: tf.Tensor, l: tf.Tensor) => tf.div(tf.sum(tf.square(new MultivariateNormal(m, l).sample([n, 2], new Rng('gmv')))), n))([loc, L]);
    expectClose(values(gl!), [0.6, -1.4], 0.05);
    expectClose(values(gL!), [2.2, 0, 0.8, 1.2], 0.05);
  });

  it('not reparameterizable: the discrete ones and VonMises give samples with no gradient (score function instead)', () => {
    const cases: [string, (p: tf.Tensor) => Distribution][] = [
      ['Geometric', (p) => new Geometric({ logits: p })],
      ['Binomial', (p) => new Binomial(s(5), { logits: p })],
      ['NegativeBinomial', (p) => new NegativeBinomial({ mean: tf.exp(p), concentration: s(2) })],
      ['Multinomial', (p) => new Multinomial(s(5), { logits: tf.stack([p, tf.neg(p)]) })],
      ['ZeroInflatedPoisson', (p) => new ZeroInflatedPoisson(tf.sigmoid(p), s(2))],
      ['VonMises', (p) => new VonMises(p, s(2))],
    ];
    for (const [name, make] of cases) {
      expect(make(s(0.2)).spec.reparameterizable, name).toBe(false);
      // 0 * p keeps p on the tape: the gradient is the sample's contribution alone
      const [g] = tf.grads((p: tf.Tensor) => tf.add(tf.sum(make(p).sample([50, 2], new Rng(name))), tf.mul(p, 0)))([s(0.2)]);
      expect(values(g!)[0], name).toBe(0);
    }
  });
});

describe('MultivariateNormal with covariance_matrix', () => {
  it('the gradient of log N(x; 0, S) in S through the Cholesky is G = (S^-1 x x^T S^-1 - S^-1) / 2, its off-diagonal part on the lower copy (2 G_ij) and G_ii on the diagonal', () => {
    const S = [
      [2, 0.6],
      [0.6, 1],
    ];
    const x = [0.7, -1.2];
    const det = S[0]![0]! * S[1]![1]! - S[0]![1]! * S[1]![0]!;
    const inv = [
      [S[1]![1]! / det, -S[0]![1]! / det],
      [-S[1]![0]! / det, S[0]![0]! / det],
    ];
    const v = inv.map((row) => row[0]! * x[0]! + row[1]! * x[1]!);
    const g = [0, 1].map((i) => [0, 1].map((j) => 0.5 * (v[i]! * v[j]! - inv[i]![j]!)));
    const [grad] = tf.grads((a: tf.Tensor) => new MultivariateNormal(t1([0, 0]), { covariance: a }).logProb(t1(x)))([tf.tensor2d(S)]);
    expectClose(values(grad!), [g[0]![0]!, 0, 2 * g[1]![0]!, g[1]![1]!], 1e-4);
  });
});

describe('MultivariateNormal KL', () => {
  it('matches Monte Carlo (seed klmvn, 200k, 4 SE) and the Normal-Normal KL for diagonal factors', () => {
    const q = new MultivariateNormal(t1([0.5, -0.3, 1]), tf.tensor2d([[0.8, 0, 0], [0.3, 0.5, 0], [-0.2, 0.1, 1.1]]));
    const p = new MultivariateNormal(t1([0, 0.2, 0.4]), tf.tensor2d([[1.5, 0, 0], [-0.4, 1, 0], [0.2, 0.3, 0.7]]));
    const kl = values(analyticKl(q, p)!)[0]!;
    const n = 200_000;
    const z = q.sample([n, 3], new Rng('klmvn'));
    const m = moments(values(tf.sub(q.logProb(z), p.logProb(z))));
    expect(Math.abs(kl - m.mean), `analytic ${kl} vs MC ${m.mean} (se ${m.seMean})`).toBeLessThan(4 * m.seMean);
    const dq = new MultivariateNormal(t1([0.5, -0.3]), tf.diag(t1([0.8, 0.5])));
    const dp = new MultivariateNormal(t1([0, 0.2]), tf.diag(t1([1.5, 0.9])));
    const normals = values(tf.sum(analyticKl(new Normal(t1([0.5, -0.3]), t1([0.8, 0.5])), new Normal(t1([0, 0.2]), t1([1.5, 0.9])))!));
    expectClose(values(analyticKl(dq, dp)!), normals, 1e-5);
  });
});

describe('checker', () => {
  const messages = (src: string): string => checkSource('t.ppl', src).diagnostics.map((d) => `${d.span.line}:${d.span.column}: ${d.message}`).join('\n');
  it('accepts the new distributions in their places', () => {
    const src = [
      'const D = 3',
      'data y : count',
      'data n : count',
      'data k : int(0, 10)',
      'data a : real',
      'data w : int(0, 7)[4]',
      'global sigma : positive',
      'global tau : positive',
      'global z : real[D]',
      'global u : interval(0, 10)',
      'global c : count',
      'global d : int(1, 6)',
      'global b : real',
      'model {',
      '  sigma ~ HalfNormal(1)',
      '  tau ~ HalfCauchy(5)',
      '  z ~ MultivariateNormal([0, 0, 0], [[1, 0, 0], [0.5, 1, 0], [0, 0, 1]])',
      '  u ~ Uniform(0, 10)',
      '  c ~ Geometric(0.2)',
      '  d ~ Categorical(logits = [0, 0, 0, 0, 0, 1], low = 1)',
      '  b ~ Cauchy(0, 2.5)',
      '  y ~ NegativeBinomial(mean = exp(b), concentration = sigma)',
      '  n ~ ZeroInflatedPoisson(0.2, tau)',
      '  k ~ Binomial(10, logits = b)',
      '  a ~ VonMises(b, 2)',
      '  w ~ Multinomial(7, probs = [0.1, 0.2, 0.3, 0.4])',
      '}',
    ].join('\n');
    expect(messages(src)).toBe('');
  });

  it('reports shapes, supports, argument values and parameterizations, located', () => {
    const cases: [string, RegExp][] = [
      ['global z : real[3]\nmodel {\n  z ~ MultivariateNormal([0, 0, 0], [[1, 0], [0, 1]])\n}\n', /3:37: MultivariateNormal's scale_tril has shape \[2, 2\] but its loc has D = 3 entries/],
      ['global z : real[2]\nmodel {\n  z ~ MultivariateNormal([0, 0, 0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])\n}\n', /MultivariateNormal's loc has shape \[3\], D = 3 entries on its last axis, but z is declared real\[2\]/],
      ['global z : real\nmodel {\n  z ~ MultivariateNormal([0, 0], [1, 1])\n}\n', /MultivariateNormal draws a vector along a last axis/],
      ['global z : real[2]\nmodel {\n  z ~ MultivariateNormal([0, 0], [1, 1])\n}\n', /scale_tril needs its last 2 axes holding a matrix/],
      ['data k : count\nmodel {\n  k ~ Binomial(2.5, 0.3)\n}\n', /3:16: Binomial's total_count must be a nonnegative integer, got 2.5/],
      ['data k : count\nmodel {\n  k ~ Binomial(10, 0.3)\n}\n', /the likelihood of k is Binomial with support int\(0, 10\), which does not cover k's declared domain count/],
      ['data k : count\nmodel {\n  k ~ Binomial(10, probs = 0.3, logits = 0)\n}\n', /Binomial takes either probs or logits, not both/],
      ['data k : count\nmodel {\n  k ~ NegativeBinomial(mean = 2, probs = 0.3)\n}\n', /NegativeBinomial takes either mean or probs, not both/],
      ['global t : real\nmodel {\n  t ~ VonMises(0, 2)\n}\n', /the prior of t is VonMises, whose support is the circle/],
      ['global s : positive\nmodel {\n  s ~ HalfCauchy(-1)\n}\n', /HalfCauchy's scale must be positive, got -1/],
      ['global s : real\nmodel {\n  s ~ HalfNormal(1)\n}\n', /the prior of s is HalfNormal with support positive/],
      ['global d : int(1, 6)\nmodel {\n  d ~ Categorical(logits = [0, 0, 0, 0, 0, 0])\n}\n', /the prior of d is Categorical with support int\(0, 5\)/],
      ['global d : int(1, 6)\nmodel {\n  d ~ Categorical(logits = [0, 0, 0, 0, 0, 0], low = 1.5)\n}\n', /Categorical's low must be an integer, got 1.5/],
      ['global u : interval(0, 10)\nmodel {\n  u ~ Uniform(0, 10)\n}\nguide {\n  u ~ LogitNormal(0, 1)\n}\n', /the guide for u is LogitNormal with support unit/],
    ];
    for (const [src, re] of cases) expect(messages(src), src).toMatch(re);
  });
});

describe('automatic guides and the fixes', () => {
  it('interval latent with a Uniform prior (the LogicalAnd crash): the LogitNormal auto guide reaches the Normal posterior of s (seed auto-int, 1500 steps; mean within 0.05, sd within 15%)', () => {
    // y_i ~ N(s, 1), 40 points with mean 3; the Uniform(0, 10) prior is flat there: s | y ~ N(3, 1 / sqrt(40)) to < 1e-6
    const ys = Array.from({ length: 40 }, (_, i) => 3 + (i % 2 === 0 ? 0.5 : -0.5));
    const source = 'data y : real\nglobal s : interval(0, 10)\nmodel {\n  s ~ Uniform(0, 10)\n  y ~ Normal(s, 1)\n}\n';
    const program = compileOk(source, 'auto-int');
    const svi = makeSvi(program, makeOptimizer('adam', 0.05), { particles: 8 });
    const batch = minibatch({ y: { rows: ys.map((v) => [v]), shape: [] } });
    const rng = new Rng('auto-int');
    for (let i = 0; i < 1500; i++) svi.step(batch, ys.length, rng);
    const loc = program.params.value('auto.s.loc').dataSync()[0]!;
    const scale = program.params.value('auto.s.scale').dataSync()[0]!;
    program.dispose();
    // the LogitNormal's mean and sd by quadrature over its Normal
    let m1 = 0;
    let m2 = 0;
    for (let i = -400; i <= 400; i++) {
      const x = i / 100;
      const w = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) / 100;
      const z = 10 / (1 + Math.exp(-(loc + scale * x)));
      m1 += w * z;
      m2 += w * z * z;
    }
    const sd = Math.sqrt(m2 - m1 * m1);
    console.log(`interval auto guide: mean ${m1.toFixed(4)} (exact 3), sd ${sd.toFixed(4)} (exact ${(1 / Math.sqrt(40)).toFixed(4)})`);
    expect(Math.abs(m1 - 3)).toBeLessThan(0.05);
    expect(Math.abs(sd / (1 / Math.sqrt(40)) - 1)).toBeLessThan(0.15);
  });

  it('int(lo, hi) latent -> Categorical(logits, low = lo): matches the exact posterior over 1..3 within 0.05 (seed auto-r, 2000 steps); count latent -> Poisson: the ELBO-optimal Poisson rate within 5% (seed auto-k, 1500 steps)', () => {
    const xs = [2.5, 1.7, 2.9, 2.1, 2.4];
    const source = 'data x : real\nglobal k : int(1, 3)\nparam w : real[3]\nmodel {\n  k ~ Categorical(logits = 0 * w, low = 1)\n  x ~ Normal(k, 1)\n}\n';
    const program = compileOk(source, 'auto-r');
    const svi = makeSvi(program, makeOptimizer('adam', 0.05), { particles: 8, kl: 'analytic', baselines: ['loo'] });
    const batch = minibatch({ x: { rows: xs.map((v) => [v]), shape: [] } });
    const rng = new Rng('auto-r');
    for (let i = 0; i < 2000; i++) svi.step(batch, xs.length, rng);
    const logits = Array.from(program.params.value('auto.k.logits').dataSync());
    program.dispose();
    const soft = (v: number[]): number[] => {
      const m = Math.max(...v);
      const e = v.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    };
    const exact = soft([1, 2, 3].map((k) => xs.reduce((a, x) => a - 0.5 * (x - k) ** 2, 0)));
    const learned = soft(logits);
    console.log(`auto Categorical(low = 1): learned ${learned.map((v) => v.toFixed(3)).join(', ')}, exact ${exact.map((v) => v.toFixed(3)).join(', ')}`);
    learned.forEach((p, i) => expect(Math.abs(p - exact[i]!)).toBeLessThan(0.05));

    // count: c ~ Poisson(4) prior, y ~ Normal(c, 1) at y = 6: the posterior mean of c by summation
    const ys = [6, 6, 6, 6];
    const src2 = 'data y : real\nglobal c : count\nmodel {\n  c ~ Poisson(4)\n  y ~ Normal(c, 1)\n}\n';
    const p2 = compileOk(src2, 'auto-k');
    const svi2 = makeSvi(p2, makeOptimizer('adam', 0.05), { particles: 8, baselines: ['loo'] });
    const b2 = minibatch({ y: { rows: ys.map((v) => [v]), shape: [] } });
    const rng2 = new Rng('auto-k');
    for (let i = 0; i < 1500; i++) svi2.step(b2, ys.length, rng2);
    const rate = p2.params.value('auto.c.rate').dataSync()[0]!;
    p2.dispose();
    // the best Poisson: the rate maximizing the exact ELBO sum_k q(k) (log p(k, y) - log q(k)), by grid search
    const logJoint = (k: number): number => k * Math.log(4) - 4 - lgammaL(k + 1) - ys.reduce((a, y) => a + 0.5 * (y - k) ** 2, 0);
    const elbo = (lam: number): number => {
      let e = 0;
      for (let k = 0; k < 80; k++) {
        const lq = k * Math.log(lam) - lam - lgammaL(k + 1);
        e += Math.exp(lq) * (logJoint(k) - lq);
      }
      return e;
    };
    let best = 1;
    for (let lam = 1; lam <= 15; lam += 0.01) if (elbo(lam) > elbo(best)) best = lam;
    console.log(`auto Poisson: rate ${rate.toFixed(3)}, the ELBO-optimal Poisson rate ${best.toFixed(3)}`);
    expect(Math.abs(rate / best - 1)).toBeLessThan(0.05);
  });
});

describe('LKJCholesky and CorrCholeskyNormal', () => {
  /** Factors [N, 3, 3] from (L21, L31, L32) on a midpoint grid of m cells per axis: |L21| < 1, L31^2 + L32^2 < 1. */
  function grid3(m: number): { l: tf.Tensor; cell: number } {
    const pts: number[] = [];
    const h = 2 / m;
    for (let a = 0; a < m; a++) {
      const l21 = -1 + (a + 0.5) * h;
      for (let b = 0; b < m; b++) {
        const l31 = -1 + (b + 0.5) * h;
        for (let c = 0; c < m; c++) {
          const l32 = -1 + (c + 0.5) * h;
          const r = 1 - l31 * l31 - l32 * l32;
          if (r <= 0) continue;
          pts.push(1, 0, 0, l21, Math.sqrt(1 - l21 * l21), 0, l31, l32, Math.sqrt(r));
        }
      }
    }
    return { l: tf.tensor(pts, [pts.length / 9, 3, 3]), cell: h * h * h };
  }

  it('LKJCholesky: D = 2 is (1 - r^2)^(eta - 1) / B(1/2, eta); D = 3 integrates to 1 over the factors (eta = 2 and 1; 80^3 grid)', () => {
    for (const eta of [0.7, 1, 3]) {
      const rs = [-0.8, 0, 0.45];
      const ls = tf.tensor(rs.flatMap((r) => [1, 0, r, Math.sqrt(1 - r * r)]), [3, 2, 2]);
      const want = rs.map((r) => (eta - 1) * Math.log(1 - r * r) - (lgammaL(0.5) + lgammaL(eta) - lgammaL(eta + 0.5)));
      expectClose(values(new LkjCholesky(s(2), s(eta)).logProb(ls)), want, 1e-5);
    }
    const { l, cell } = grid3(80);
    for (const eta of [1, 2]) {
      const total = values(tf.exp(new LkjCholesky(s(3), s(eta)).logProb(l))).reduce((a, b) => a + b, 0) * cell;
      expect(Math.abs(total - 1), `eta ${eta}: ${total}`).toBeLessThan(0.01);
    }
  });

  it('LKJCholesky samples: lower triangular with unit rows, and each correlation r has (r + 1) / 2 ~ Beta(eta - 1 + D/2, ...): mean 0, variance 1 / (2 eta + D - 1) (D = 4, eta = 2; seed lkj, 20k)', () => {
    const n = 20_000;
    const d = 4;
    const L = new LkjCholesky(s(d), s(2)).sample([n, d, d], new Rng('lkj')).arraySync() as number[][][];
    for (const m of L.slice(0, 200)) {
      m.forEach((row, i) => {
        expect(Math.abs(row.reduce((a, v) => a + v * v, 0) - 1)).toBeLessThan(1e-5);
        row.forEach((v, j) => j > i && expect(v).toBe(0));
        expect(row[i]!).toBeGreaterThan(0);
      });
    }
    const corr = (m: number[][], i: number, j: number): number => m[i]!.reduce((a, v, k) => a + v * m[j]![k]!, 0);
    for (const [i, j] of [[1, 0], [3, 1], [3, 2]] as const) expectMoments(`r${i}${j}`, L.map((m) => corr(m, i, j)), 0, 1 / (2 * 2 + d - 1));
  });

  it('CorrCholeskyNormal: samples are correlation factors; the density integrates to 1 (D = 2 on a line, D = 3 on the grid); pathwise gradients are finite (seed ccn)', () => {
    const loc = tf.tensor2d([[0, 0], [0.4, 0]]);
    const scale = tf.tensor2d([[1, 1], [0.7, 1]]);
    const m = 20_000;
    const r = Array.from({ length: m }, (_, i) => -1 + ((i + 0.5) * 2) / m);
    const ls = tf.tensor(r.flatMap((v) => [1, 0, v, Math.sqrt(1 - v * v)]), [m, 2, 2]);
    expect((values(tf.exp(new CorrCholeskyNormal(loc, scale).logProb(ls))).reduce((a, b) => a + b, 0) * 2) / m).toBeCloseTo(1, 3);
    const loc3 = tf.tensor2d([[0, 0, 0], [0.3, 0, 0], [-0.2, 0.5, 0]]);
    const scale3 = tf.tensor2d([[1, 1, 1], [0.5, 1, 1], [0.6, 0.4, 1]]);
    const { l, cell } = grid3(80);
    const total = values(tf.exp(new CorrCholeskyNormal(loc3, scale3).logProb(l))).reduce((a, b) => a + b, 0) * cell;
    expect(Math.abs(total - 1), `${total}`).toBeLessThan(0.01);
    const z = new CorrCholeskyNormal(loc3, scale3).sample([500, 3, 3], new Rng('ccn')).arraySync() as number[][][];
    for (const mtx of z) mtx.forEach((row) => expect(Math.abs(row.reduce((a, v) => a + v * v, 0) - 1)).toBeLessThan(1e-5));
    const [gl, gs] = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const q = new CorrCholeskyNormal(a, b);
      return tf.sum(new LkjCholesky(s(3), s(2)).logProb(q.sample([8, 3, 3], new Rng('ccn-g'))));
    })([loc3, scale3]);
    expect(values(gl!).every(Number.isFinite) && values(gs!).every(Number.isFinite)).toBe(true);
    expect(values(gl!).some((v) => v !== 0)).toBe(true);
  });

  it('the checker: corr_cholesky declarations are square with D >= 2; the dimension must match', () => {
    const messages = (src: string): string => checkSource('t.ppl', src).diagnostics.map((d) => `${d.span.line}:${d.span.column}: ${d.message}`).join('\n');
    expect(messages('global L : corr_cholesky[3, 3]\nmodel {\n  L ~ LKJCholesky(3, 2)\n}\n')).toBe('');
    expect(messages('global L : corr_cholesky[3]\nmodel {\n  L ~ LKJCholesky(3, 2)\n}\n')).toMatch(/declare L : corr_cholesky\[D, D\] with D >= 2/);
    expect(messages('global L : corr_cholesky[3, 3]\nmodel {\n  L ~ LKJCholesky(4, 2)\n}\n')).toMatch(/LKJCholesky draws values of shape \[4, 4\] \(from its arguments\), but L is declared corr_cholesky\[3, 3\]/);
    expect(messages('global L : corr_cholesky[3, 3]\nmodel {\n  L ~ LKJCholesky(2.5, 2)\n}\n')).toMatch(/LKJCholesky's dimension must be an integer >= 2, got 2.5/);
    expect(messages('global L : real[3, 3]\nmodel {\n  L ~ LKJCholesky(3, 2)\n}\n')).toMatch(/the prior of L is LKJCholesky with support corr_cholesky/);
  });
});

describe('gradients through tidy intermediates', () => {
  it('the Bernoulli KL is differentiable when the guide logits are computed in the step (d/dl KL = q (1 - q) (l - logit p))', () => {
    const v = tf.variable(tf.scalar(0.3));
    const { grads } = tf.variableGrads(() => tf.sum(analyticKl(new Bernoulli({ logits: tf.mul(v, 2) }), new Bernoulli({ probs: tf.scalar(0.4) }))!) as tf.Scalar, [v]);
    const q = 1 / (1 + Math.exp(-0.6));
    expect(values(grads[v.name]!)[0]).toBeCloseTo(2 * q * (1 - q) * (0.6 - Math.log(0.4 / 0.6)), 5);
    v.dispose();
  });
});
