// The distribution zoo: log-densities against closed forms computed here in plain JS (lgamma by
// Lanczos), sample moments against theory (4 standard errors), implicit reparameterization
// gradients against finite differences of an independent Gamma CDF and against E[dz/da]
// identities, relaxed distributions, every closed-form KL against Monte Carlo (4 standard
// errors), and the constraint bijections. Every random test states its seed.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import {
  Bernoulli,
  Beta,
  Categorical,
  Dirichlet,
  Exponential,
  Gamma,
  Laplace,
  LogNormal,
  Normal,
  Poisson,
  RelaxedBernoulli,
  RelaxedCategorical,
  StudentT,
  Uniform,
  analyticKl,
  analyticKlPairs,
  hasAnalyticKl,
  makeDistribution,
  type Distribution,
} from '../runtime/distributions/index.js';
import { DIST_SPECS } from '../runtime/distributions/spec.js';
import { digamma, lgamma } from '../runtime/distributions/special.js';
import { bijection, constraintOfSupport, headTransform, type Constraint } from '../runtime/constraints.js';
import { ParamStore } from '../runtime/params.js';
import { covers, sameSupport, interval, COUNT, SIMPLEX, UNIT, REAL, POSITIVE, BINARY, describeSupport } from '../runtime/support.js';
import { checkSource } from '../lang/checker/index.js';
import { formatDiagnostics } from '../lang/diagnostics.js';
import { unconstrain } from '../runtime/params.js';
import { makeOptimizer } from '../inference/optimizers.js';
import type { KlMode } from '../inference/elbo.js';
import { compileOk, minibatch, makeSvi } from './helpers.js';
import { sitesOf } from '../lang/lower/program.js';

beforeAll(async () => {
  await initBackend('auto');
});

const t1 = (v: number[]): tf.Tensor => tf.tensor1d(v);
const values = (x: tf.Tensor): number[] => Array.from(x.dataSync());
const scalar = (v: number): tf.Tensor => tf.scalar(v);

// ---------------------------------------------------------------- plain-JS references

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(x), Lanczos (g = 7, n = 9), relative error ~1e-15. */
function lgammaL(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgammaL(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** digamma by a central difference of lgammaL (|error| < 1e-7). */
function digammaL(x: number): number {
  const h = 1e-5 * x;
  return (lgammaL(x + h) - lgammaL(x - h)) / (2 * h);
}

/** int_0^b f(t) dt by tanh-sinh quadrature (step 1/64, |s| <= 4.5): near machine precision for
 * integrands analytic inside (0, b), also with integrable singularities at the ends. */
function tanhSinh(f: (t: number) => number, b: number): number {
  const h = 1 / 64;
  let sum = 0;
  for (let k = -288; k <= 288; k++) {
    const s = k * h;
    const u = (Math.PI / 2) * Math.sinh(s);
    const ch = Math.cosh(u);
    const w = ((Math.PI / 2) * Math.cosh(s)) / (ch * ch);
    const t = b / (1 + Math.exp(-2 * u));
    if (!(t > 0) || !Number.isFinite(w) || w === 0) continue;
    sum += w * f(t);
  }
  return sum * (b / 2) * h;
}

/**
 * The regularized lower incomplete gamma P(a, z) = int_0^z t^(a-1) e^-t dt / Gamma(a), by
 * quadrature. For a < 1 the substitution s = t^a gives int_0^(z^a) exp(-s^(1/a)) ds / Gamma(a + 1),
 * whose integrand is smooth (the direct one is singular at 0).
 */
function gammaCdf(a: number, z: number): number {
  if (a < 1) return tanhSinh((s) => Math.exp(-(s ** (1 / a)) - lgammaL(a + 1)), z ** a);
  const lg = lgammaL(a);
  return tanhSinh((t) => Math.exp((a - 1) * Math.log(t) - t - lg), z);
}

interface Moments {
  n: number;
  mean: number;
  variance: number;
  /** Standard error of the mean. */
  seMean: number;
  /** Standard error of the sample variance, sqrt((m4 - s^4) / n). */
  seVar: number;
}

function moments(xs: ArrayLike<number>): Moments {
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
  return { n, mean: m, variance, seMean: Math.sqrt(variance / n), seVar: Math.sqrt(Math.max(m4 - variance * variance, 0) / n) };
}

function expectMoments(xs: ArrayLike<number>, mean: number, variance: number): void {
  const m = moments(xs);
  expect(Math.abs(m.mean - mean), `mean ${m.mean} vs ${mean} (se ${m.seMean})`).toBeLessThan(4 * m.seMean);
  expect(Math.abs(m.variance - variance), `variance ${m.variance} vs ${variance} (se ${m.seVar})`).toBeLessThan(4 * m.seVar);
}

function expectClose(got: number[], want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `entry ${i}: ${g} vs ${want[i]}`).toBeLessThan(tol * Math.max(1, Math.abs(want[i]!))));
}

// ---------------------------------------------------------------- specs and registries

describe('the registry', () => {
  it('has a spec, a runtime class and consistent flags for every distribution', () => {
    const names = [...DIST_SPECS.keys()].sort();
    expect(names).toEqual(
      [
        'Bernoulli', 'Beta', 'Categorical', 'Dirichlet', 'Exponential', 'Gamma', 'Laplace', 'LogNormal', 'Normal', 'Poisson', 'RelaxedBernoulli', 'RelaxedCategorical', 'StudentT', 'Uniform',
        'HalfNormal', 'HalfCauchy', 'Cauchy', 'InverseGamma', 'Weibull', 'Geometric', 'Binomial', 'NegativeBinomial', 'Multinomial', 'ZeroInflatedPoisson', 'ZeroInflatedNegativeBinomial', 'VonMises', 'MultivariateNormal', 'LogitNormal',
        'LKJCholesky', 'CorrCholeskyNormal',
      ].sort(),
    );
    const reparam = names.filter((n) => DIST_SPECS.get(n)!.reparameterizable);
    expect(reparam.sort()).toEqual(
      ['Beta', 'Dirichlet', 'Exponential', 'Gamma', 'Laplace', 'LogNormal', 'Normal', 'RelaxedBernoulli', 'RelaxedCategorical', 'StudentT', 'Uniform', 'HalfNormal', 'HalfCauchy', 'Cauchy', 'InverseGamma', 'Weibull', 'MultivariateNormal', 'LogitNormal', 'CorrCholeskyNormal'].sort(),
    );
    expect(DIST_SPECS.get('Dirichlet')!.eventRank).toBe(1);
    expect(DIST_SPECS.get('RelaxedCategorical')!.eventRank).toBe(1);
    expect(DIST_SPECS.get('Categorical')!.eventRank).toBe(0);
    // every spec builds through the factory with its first parameterization
    for (const spec of DIST_SPECS.values()) {
      const args: Record<string, tf.Tensor> = {};
      for (const p of spec.parameterizations[0]!) {
        const own = spec.params.find((q) => q.name === p)!;
        args[p] = own.eventRank === 2 ? tf.eye(3) : (own.eventRank ?? 0) > 0 ? t1([0.2, 0.3, 0.5]) : scalar(own.domain === 'real' ? (p === 'high' ? 2 : 0.5) : own.domain === 'count' ? 4 : 0.5);
      }
      expect(makeDistribution(spec.name, args).spec).toBe(spec);
    }
  });

  it('keeps hasAnalyticKl in sync with analyticKl', () => {
    const pairs = analyticKlPairs().map(([q, p]) => `${q}|${p}`);
    expect(pairs.sort()).toEqual(
      ['Normal', 'Bernoulli', 'Categorical', 'Gamma', 'Beta', 'Dirichlet', 'Laplace', 'Exponential', 'LogNormal', 'Poisson', 'MultivariateNormal'].map((n) => `${n}|${n}`).sort(),
    );
    for (const q of DIST_SPECS.keys()) for (const p of DIST_SPECS.keys()) expect(hasAnalyticKl(q, p)).toBe(pairs.includes(`${q}|${p}`));
    expect(analyticKl(new Gamma(scalar(1), scalar(1)), new Exponential(scalar(1)))).toBeUndefined();
  });

  it('computes supports and event shapes from static argument shapes and values', () => {
    const cat = DIST_SPECS.get('Categorical')!;
    expect(cat.supportFor!({ shapes: new Map([['logits', [5, 4]]]), values: new Map() })).toEqual({ ok: true, support: { kind: 'int', low: 0, high: 3 } });
    const uni = DIST_SPECS.get('Uniform')!;
    expect(uni.supportFor!({ shapes: new Map(), values: new Map([['low', -1], ['high', 2]]) })).toEqual({ ok: true, support: interval(-1, 2) });
    expect(uni.supportFor!({ shapes: new Map(), values: new Map([['low', -1]]) })?.ok).toBe(false);
    expect(uni.validate!(new Map([['low', 2], ['high', 1]]))?.param).toBe('high');
    expect(DIST_SPECS.get('Dirichlet')!.eventShapeFor!(new Map([['concentration', [2, 7]]]))).toEqual([7]);
  });
});

describe('supports', () => {
  it('covers and sameSupport know intervals, the simplex and counts', () => {
    expect(sameSupport(UNIT, interval(0, 1))).toBe(true);
    expect(covers(POSITIVE, interval(0.5, 2))).toBe(true);
    expect(covers(POSITIVE, interval(-1, 2))).toBe(false);
    expect(covers(interval(-1, 2), UNIT)).toBe(true);
    expect(covers(REAL, SIMPLEX)).toBe(true);
    expect(covers(SIMPLEX, UNIT)).toBe(false);
    expect(sameSupport(SIMPLEX, SIMPLEX)).toBe(true);
    expect(covers(COUNT, { kind: 'int', low: 0, high: 9 })).toBe(true);
    expect(covers(COUNT, BINARY)).toBe(true);
    expect(covers(COUNT, { kind: 'int', low: -1, high: 9 })).toBe(false);
    expect(covers({ kind: 'int', low: 0, high: 9 }, COUNT)).toBe(false);
    expect(covers(REAL, COUNT)).toBe(false);
    expect(describeSupport(interval(-1, 2.5))).toBe('interval(-1, 2.5)');
    expect(describeSupport(COUNT)).toBe('count {0, 1, 2, ...}');
  });
});

// ---------------------------------------------------------------- log densities

describe('log_prob against closed forms', () => {
  it('tensor lgamma and digamma match Lanczos at several points', () => {
    const xs = [1e-3, 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 55.5, 1000];
    expectClose(values(lgamma(t1(xs))), xs.map(lgammaL), 2e-6);
    expectClose(values(digamma(t1(xs))), xs.map(digammaL), 2e-5);
  });

  it('Categorical (logits and probs)', () => {
    const logits = [0.3, -1.2, 2.0];
    const lse = Math.log(logits.reduce((a, l) => a + Math.exp(l), 0));
    const ks = [0, 1, 2, 2];
    expectClose(values(new Categorical({ logits: t1(logits) }).logProb(t1(ks))), ks.map((k) => logits[k]! - lse), 1e-5);
    const probs = [0.2, 0.5, 0.3];
    expectClose(values(new Categorical({ probs: t1(probs) }).logProb(t1(ks))), ks.map((k) => Math.log(probs[k]!)), 1e-5);
    // unnormalized probs are normalized
    expectClose(values(new Categorical({ probs: t1([2, 5, 3]) }).logProb(t1(ks))), ks.map((k) => Math.log(probs[k]!)), 1e-5);
  });

  it('Laplace, LogNormal, Exponential', () => {
    const lap: [number, number, number][] = [
      [0, 0, 1],
      [2.5, -1, 0.5],
      [-3, 1, 2],
    ];
    expectClose(
      values(new Laplace(t1(lap.map((c) => c[1])), t1(lap.map((c) => c[2]))).logProb(t1(lap.map((c) => c[0])))),
      lap.map(([x, m, b]) => -Math.log(2 * b) - Math.abs(x - m) / b),
      1e-5,
    );
    const ln: [number, number, number][] = [
      [1, 0, 1],
      [0.2, -1, 0.5],
      [7, 1.5, 2],
    ];
    expectClose(
      values(new LogNormal(t1(ln.map((c) => c[1])), t1(ln.map((c) => c[2]))).logProb(t1(ln.map((c) => c[0])))),
      ln.map(([x, m, s]) => -Math.log(x * s * Math.sqrt(2 * Math.PI)) - (Math.log(x) - m) ** 2 / (2 * s * s)),
      1e-5,
    );
    const ex: [number, number][] = [
      [0.1, 1],
      [2, 0.3],
      [5, 4],
    ];
    expectClose(values(new Exponential(t1(ex.map((c) => c[1]))).logProb(t1(ex.map((c) => c[0])))), ex.map(([x, l]) => Math.log(l) - l * x), 1e-5);
  });

  it('Gamma, Beta, Poisson', () => {
    const g: [number, number, number][] = [
      [0.5, 0.3, 1],
      [2, 2, 3],
      [10, 7.5, 0.5],
      [0.01, 0.2, 1.5],
    ];
    expectClose(
      values(new Gamma(t1(g.map((c) => c[1])), t1(g.map((c) => c[2]))).logProb(t1(g.map((c) => c[0])))),
      g.map(([x, a, b]) => a * Math.log(b) + (a - 1) * Math.log(x) - b * x - lgammaL(a)),
      1e-5,
    );
    const be: [number, number, number][] = [
      [0.5, 1, 1],
      [0.2, 2, 5],
      [0.9, 0.5, 0.5],
      [0.01, 3, 0.7],
    ];
    const lbeta = (a: number, b: number): number => lgammaL(a) + lgammaL(b) - lgammaL(a + b);
    expectClose(
      values(new Beta(t1(be.map((c) => c[1])), t1(be.map((c) => c[2]))).logProb(t1(be.map((c) => c[0])))),
      be.map(([x, a, b]) => (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lbeta(a, b)),
      1e-5,
    );
    const po: [number, number][] = [
      [0, 0.5],
      [3, 3.5],
      [12, 4],
      [40, 38.2],
    ];
    expectClose(values(new Poisson(t1(po.map((c) => c[1]))).logProb(t1(po.map((c) => c[0])))), po.map(([k, l]) => k * Math.log(l) - l - lgammaL(k + 1)), 1e-5);
  });

  it('Uniform is -log(high - low) inside and -Infinity outside', () => {
    const lp = values(new Uniform(scalar(-1), scalar(3)).logProb(t1([-0.5, 2.9, 3.5, -2])));
    expect(lp[0]!).toBeCloseTo(-Math.log(4), 6);
    expect(lp[1]!).toBeCloseTo(-Math.log(4), 6);
    expect(lp[2]!).toBe(-Infinity);
    expect(lp[3]!).toBe(-Infinity);
  });

  it('Dirichlet, per event', () => {
    const a = [0.5, 2, 3.5];
    const xs = [
      [0.2, 0.3, 0.5],
      [0.01, 0.9, 0.09],
    ];
    const lp = values(new Dirichlet(t1(a)).logProb(tf.tensor2d(xs)));
    const norm = lgammaL(a.reduce((s, v) => s + v, 0)) - a.reduce((s, v) => s + lgammaL(v), 0);
    expectClose(lp, xs.map((x) => norm + x.reduce((s, xi, i) => s + (a[i]! - 1) * Math.log(xi), 0)), 1e-5);
  });

  it('StudentT', () => {
    const c: [number, number, number, number][] = [
      [0, 1, 0, 1],
      [1.5, 4, 0.5, 2],
      [-10, 2.5, 1, 0.3],
      [3, 100, 2, 1],
    ];
    const want = c.map(([x, nu, m, s]) => {
      const y = (x - m) / s;
      return lgammaL((nu + 1) / 2) - lgammaL(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(s) - ((nu + 1) / 2) * Math.log1p((y * y) / nu);
    });
    expectClose(values(new StudentT(t1(c.map((v) => v[1])), t1(c.map((v) => v[2])), t1(c.map((v) => v[3]))).logProb(t1(c.map((v) => v[0])))), want, 1e-5);
  });

  it('RelaxedBernoulli: the Binary Concrete density of Maddison et al. (their eq. in alpha, lambda), normalized', () => {
    const cases: [number, number, number][] = [
      [0.3, 0.5, 0.2],
      [0.9, 1, -1],
      [0.05, 2, 1.5],
      [0.5, 0.1, 0],
    ];
    const want = cases.map(([x, lam, l]) => {
      const alpha = Math.exp(l);
      return Math.log(lam) + l + (-lam - 1) * (Math.log(x) + Math.log1p(-x)) - 2 * Math.log(alpha * x ** -lam + (1 - x) ** -lam);
    });
    const d = new RelaxedBernoulli(t1(cases.map((c) => c[1])), { logits: t1(cases.map((c) => c[2])) });
    expectClose(values(d.logProb(t1(cases.map((c) => c[0])))), want, 1e-4);
    // integrates to 1 on (0, 1) (temperature 2: bounded density; midpoint rule, 20k cells)
    const n = 20_000;
    const grid = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const dens = values(tf.exp(new RelaxedBernoulli(scalar(2), { logits: scalar(0.7) }).logProb(t1(grid))));
    expect(dens.reduce((a, b) => a + b, 0) / n).toBeCloseTo(1, 3);
  });

  it('RelaxedCategorical: K = 2 is the Binary Concrete of its first entry; K = 3 integrates to 1 over the simplex', () => {
    const l = [0.4, -0.6];
    const lam = 0.7;
    const xs = [0.2, 0.6, 0.95];
    const rc = new RelaxedCategorical(scalar(lam), { logits: t1(l) });
    const rb = new RelaxedBernoulli(scalar(lam), { logits: scalar(l[0]! - l[1]!) });
    const twoD = tf.tensor2d(xs.map((x) => [x, 1 - x]));
    expectClose(values(rc.logProb(twoD)), values(rb.logProb(t1(xs))), 1e-4);
    // K = 3, temperature 2 (bounded density): midpoint rule over the triangle, density w.r.t. (x1, x2)
    const n = 300;
    const pts: number[][] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n - i; j++) {
        const x1 = (i + 1 / 3) / n;
        const x2 = (j + 1 / 3) / n;
        if (x1 + x2 < 1) pts.push([x1, x2, 1 - x1 - x2]);
      }
    }
    const dens = values(tf.exp(new RelaxedCategorical(scalar(2), { logits: t1([0.5, -0.3, 0.1]) }).logProb(tf.tensor2d(pts))));
    // each point stands for a cell of area 1 / (2 n^2) (upright and inverted triangles)
    const total = (dens.reduce((a, b) => a + b, 0) / (n * n)) * (n * n) / pts.length / 2;
    expect(total).toBeCloseTo(1, 1);
  });
});

// ---------------------------------------------------------------- shapes

describe('batch and event shapes', () => {
  it('samples have the requested shape; log_prob drops the event axis; parameters broadcast', () => {
    const rng = new Rng('shapes');
    const cases: [Distribution, number[], number[]][] = [
      [new Normal(t1([0, 1, 2]), scalar(1)), [5, 3], [5, 3]],
      [new Gamma(t1([0.5, 1, 2]), tf.tensor2d([[1], [2]])), [5, 2, 3], [5, 2, 3]],
      [new Beta(t1([0.5, 1, 2]), scalar(2)), [4, 3], [4, 3]],
      [new StudentT(scalar(3), t1([0, 1, 2]), scalar(1)), [4, 3], [4, 3]],
      [new Poisson(t1([1, 20])), [6, 2], [6, 2]],
      [new Categorical({ logits: tf.zeros([3, 4]) }), [5, 3], [5, 3]],
      [new Dirichlet(tf.ones([3, 4])), [5, 3, 4], [5, 3]],
      [new RelaxedCategorical(t1([0.5, 1, 2]), { logits: tf.zeros([3, 4]) }), [5, 3, 4], [5, 3]],
      [new RelaxedBernoulli(scalar(0.5), { probs: t1([0.2, 0.7]) }), [3, 2], [3, 2]],
    ];
    for (const [d, shape, lpShape] of cases) {
      const z = d.sample(shape, rng);
      expect(z.shape, d.spec.name).toEqual(shape);
      expect(d.logProb(z).shape, d.spec.name).toEqual(lpShape);
      expect(values(d.logProb(z)).every(Number.isFinite), d.spec.name).toBe(true);
    }
    expect(new Categorical({ logits: tf.zeros([3, 4]) }).mean().shape).toEqual([3]);
    expect(values(new Categorical({ logits: tf.zeros([4]) }).mean())[0]).toBeCloseTo(1.5, 5);
  });
});

// ---------------------------------------------------------------- sampling

describe('sample moments against theory (4 standard errors)', () => {
  it('Categorical class frequencies (seed cat, 100k)', () => {
    const probs = [0.1, 0.25, 0.65];
    const n = 100_000;
    const ks = values(new Categorical({ probs: t1(probs) }).sample([n], new Rng('cat')));
    expect(ks.every((k) => k === 0 || k === 1 || k === 2)).toBe(true);
    probs.forEach((p, k) => {
      const f = ks.filter((v) => v === k).length / n;
      expect(Math.abs(f - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    });
  });

  it('Laplace, LogNormal, Exponential, Uniform (seeds lap, logn, exp, unif; 100k each)', () => {
    const n = 100_000;
    expectMoments(values(new Laplace(scalar(0.7), scalar(1.3)).sample([n], new Rng('lap'))), 0.7, 2 * 1.3 ** 2);
    const [m, s] = [0.2, 0.4];
    expectMoments(values(new LogNormal(scalar(m), scalar(s)).sample([n], new Rng('logn'))), Math.exp(m + (s * s) / 2), (Math.exp(s * s) - 1) * Math.exp(2 * m + s * s));
    expectMoments(values(new Exponential(scalar(2.5)).sample([n], new Rng('exp'))), 1 / 2.5, 1 / 2.5 ** 2);
    expectMoments(values(new Uniform(scalar(-1), scalar(3)).sample([n], new Rng('unif'))), 1, 16 / 12);
  });

  it('Gamma at a = 0.3, 1, 4.5 and 60 (seed gam, 100k each)', () => {
    const n = 100_000;
    for (const [a, b] of [
      [0.3, 1],
      [1, 2],
      [4.5, 0.5],
      [60, 3],
    ] as const) {
      expectMoments(values(new Gamma(scalar(a), scalar(b)).sample([n], new Rng(`gam${a}`))), a / b, a / (b * b));
    }
  });

  it('Beta and Dirichlet (seeds beta, dir)', () => {
    const n = 100_000;
    for (const [a, b] of [
      [0.5, 0.5],
      [2, 5],
      [0.1, 3],
      [0.01, 0.02],
    ] as const) {
      const xs = values(new Beta(scalar(a), scalar(b)).sample([n], new Rng(`beta${a}`)));
      expect(xs.every((x) => x > 0 && x < 1)).toBe(true);
      expectMoments(xs, a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)));
    }
    const alpha = [0.4, 1, 3];
    const a0 = alpha.reduce((s, v) => s + v, 0);
    const m = 50_000;
    const draws = new Dirichlet(t1(alpha)).sample([m, 3], new Rng('dir'));
    const sums = values(tf.sum(draws, -1));
    expect(sums.every((s) => Math.abs(s - 1) < 1e-5)).toBe(true);
    alpha.forEach((ai, i) => {
      const mi = ai / a0;
      expectMoments(values(tf.squeeze(tf.slice(draws, [0, i], [m, 1]))), mi, (mi * (1 - mi)) / (a0 + 1));
    });
  });

  it('Poisson by inversion (rate 3.5) and by PTRS (rate 40) (seed pois, 100k each)', () => {
    const n = 100_000;
    for (const lam of [3.5, 40]) {
      const ks = values(new Poisson(scalar(lam)).sample([n], new Rng(`pois${lam}`)));
      expect(ks.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
      expectMoments(ks, lam, lam);
    }
  });

  it('StudentT, df = 7 (seed st, 100k)', () => {
    const [nu, m, s] = [7, 0.5, 1.5];
    expectMoments(values(new StudentT(scalar(nu), scalar(m), scalar(s)).sample([100_000], new Rng('st'))), m, (s * s * nu) / (nu - 2));
  });
});

// ---------------------------------------------------------------- implicit reparameterization

/** Per-sample pathwise gradients: parameters of the sample's shape, so d(sum z)/d(param_i) = dz_i/d(param_i). */
function pathwise(make: (params: tf.Tensor[]) => Distribution, params: tf.Tensor[], shape: number[], seed: string, f: (z: tf.Tensor) => tf.Tensor = (z) => z): { z: number[]; grads: number[][] } {
  let z: number[] = [];
  const g = tf.grads((...ps: tf.Tensor[]) => {
    const s = make(ps).sample(shape, new Rng(seed));
    z = values(s);
    return tf.sum(f(s));
  });
  const grads = g(params).map(values);
  expect(z.length).toBeGreaterThan(0);
  return { z, grads };
}

describe('implicit reparameterization gradients', () => {
  it('Gamma: dz/da equals -(dF/da) / p(z) with F an independent quadrature CDF, by finite differences (a = 0.01, 0.4, 2.5, 30, 500; seed fd)', () => {
    for (const a of [0.01, 0.4, 2.5, 30, 500]) {
      const n = 40;
      const { z, grads } = pathwise((ps) => new Gamma(ps[0]!, scalar(1)), [tf.fill([n], a)], [n], `fd${a}`);
      const dz = grads[0]!;
      z.forEach((zi, i) => {
        const h = 1e-4 * a;
        const dF = (gammaCdf(a + h, zi) - gammaCdf(a - h, zi)) / (2 * h);
        const pdf = Math.exp((a - 1) * Math.log(zi) - zi - lgammaL(a));
        const want = -dF / pdf;
        expect(Math.abs(dz[i]! - want), `a = ${a}, z = ${zi}: ${dz[i]} vs ${want}`).toBeLessThan(2e-4 * Math.abs(want) + 1e-7);
      });
    }
  });

  it('Gamma: E[dz/da] = 1 / rate and E[dz/drate] = -a / rate^2 (seed eg, 20k, 4 SE)', () => {
    const n = 20_000;
    const [a, b] = [1.7, 2.5];
    const { grads } = pathwise((ps) => new Gamma(ps[0]!, ps[1]!), [tf.fill([n], a), tf.fill([n], b)], [n], 'eg');
    const da = moments(grads[0]!);
    const db = moments(grads[1]!);
    expect(Math.abs(da.mean - 1 / b)).toBeLessThan(4 * da.seMean);
    expect(Math.abs(db.mean + a / (b * b))).toBeLessThan(4 * db.seMean);
  });

  it('Gamma: d/da E[z^2] = (2a + 1) / rate^2 with a small shape (a = 0.25, seed eg2, 20k, 4 SE)', () => {
    const n = 20_000;
    const a = 0.25;
    const { grads } = pathwise((ps) => new Gamma(ps[0]!, scalar(1)), [tf.fill([n], a)], [n], 'eg2', (z) => tf.square(z));
    const m = moments(grads[0]!);
    expect(Math.abs(m.mean - (2 * a + 1))).toBeLessThan(4 * m.seMean);
  });

  it('Beta: d/da E[x] = b / (a + b)^2 and d/db E[x] = -a / (a + b)^2 (seed eb, 20k, 4 SE)', () => {
    const n = 20_000;
    const [a, b] = [0.8, 2.2];
    const { grads } = pathwise((ps) => new Beta(ps[0]!, ps[1]!), [tf.fill([n], a), tf.fill([n], b)], [n], 'eb');
    const da = moments(grads[0]!);
    const db = moments(grads[1]!);
    expect(Math.abs(da.mean - b / (a + b) ** 2)).toBeLessThan(4 * da.seMean);
    expect(Math.abs(db.mean + a / (a + b) ** 2)).toBeLessThan(4 * db.seMean);
  });

  it('Dirichlet: d/da_i E[x_0] = (delta_i0 a0 - a_0) / a0^2 (seed ed, 20k, 4 SE)', () => {
    const n = 20_000;
    const alpha = [1.5, 0.5, 3];
    const a0 = alpha.reduce((s, v) => s + v, 0);
    const conc = tf.tile(tf.tensor2d([alpha]), [n, 1]);
    const { grads } = pathwise((ps) => new Dirichlet(ps[0]!), [conc], [n, 3], 'ed', (x) => tf.slice(x, [0, 0], [n, 1]));
    const g = grads[0]!;
    alpha.forEach((_, i) => {
      const col = Array.from({ length: n }, (_v, r) => g[r * 3 + i]!);
      const m = moments(col);
      const want = ((i === 0 ? a0 : 0) - alpha[0]!) / (a0 * a0);
      expect(Math.abs(m.mean - want), `i = ${i}: ${m.mean} vs ${want}`).toBeLessThan(4 * m.seMean);
    });
  });

  it('StudentT: d/d(df) E[z^2] = -2 scale^2 / (df - 2)^2 (seed et, 40k, 4 SE)', () => {
    const n = 40_000;
    const [nu, s] = [12, 1.3];
    const { grads } = pathwise((ps) => new StudentT(ps[0]!, scalar(0), scalar(s)), [tf.fill([n], nu)], [n], 'et', (z) => tf.square(z));
    const m = moments(grads[0]!);
    expect(Math.abs(m.mean - (-2 * s * s) / (nu - 2) ** 2)).toBeLessThan(4 * m.seMean);
  });

  it('Categorical and Poisson are not reparameterizable', () => {
    expect(DIST_SPECS.get('Categorical')!.reparameterizable).toBe(false);
    expect(DIST_SPECS.get('Poisson')!.reparameterizable).toBe(false);
  });
});

// ---------------------------------------------------------------- relaxed distributions

describe('relaxed distributions', () => {
  it('RelaxedCategorical samples lie on the simplex and tend to one-hot as the temperature -> 0 (seed rc, 20k)', () => {
    const n = 20_000;
    const probs = [0.2, 0.5, 0.3];
    let previous = 0;
    for (const temp of [2, 0.5, 0.1, 0.02]) {
      const z = new RelaxedCategorical(scalar(temp), { probs: t1(probs) }).sample([n, 3], new Rng(`rc${temp}`));
      const v = values(z);
      expect(v.every((x) => x >= 0 && x <= 1)).toBe(true);
      expect(values(tf.sum(z, -1)).every((s) => Math.abs(s - 1) < 1e-5)).toBe(true);
      const maxMean = values(tf.max(z, -1)).reduce((a, b) => a + b, 0) / n;
      expect(maxMean).toBeGreaterThan(previous);
      previous = maxMean;
      // Gumbel-max: the argmax is Categorical(probs) at every temperature
      const arg = values(tf.argMax(z, -1));
      probs.forEach((p, k) => {
        const f = arg.filter((a) => a === k).length / n;
        expect(Math.abs(f - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      });
    }
    expect(previous).toBeGreaterThan(0.99);
  });

  it('RelaxedBernoulli samples lie in (0, 1), P(z > 1/2) = p, and the mean tends to p as the temperature -> 0 (seed rb, 50k)', () => {
    const n = 50_000;
    const p = 0.3;
    for (const temp of [1, 0.1, 0.01]) {
      const z = values(new RelaxedBernoulli(scalar(temp), { probs: scalar(p) }).sample([n], new Rng(`rb${temp}`)));
      expect(z.every((x) => x > 0 && x < 1)).toBe(true);
      const above = z.filter((x) => x > 0.5).length / n;
      expect(Math.abs(above - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
      if (temp === 0.01) {
        const m = moments(z);
        expect(Math.abs(m.mean - p)).toBeLessThan(4 * m.seMean + 0.005);
        expect(z.filter((x) => x < 0.01 || x > 0.99).length / n).toBeGreaterThan(0.97);
      }
    }
  });

  it('are pathwise in logits and temperature (finite, nonzero gradients)', () => {
    const g = tf.grads((l: tf.Tensor, temp: tf.Tensor) => tf.sum(tf.mul(new RelaxedCategorical(temp, { logits: l }).sample([64, 3], new Rng('rg')), t1([1, 2, 3]))));
    const [dl, dt] = g([t1([0.1, 0.2, -0.3]), scalar(0.7)]);
    expect(values(dl!).every(Number.isFinite)).toBe(true);
    expect(values(dl!).some((v) => v !== 0)).toBe(true);
    expect(Number.isFinite(values(dt!)[0]!)).toBe(true);
    const gb = tf.grad((l: tf.Tensor) => tf.sum(new RelaxedBernoulli(scalar(0.5), { logits: l }).sample([64], new Rng('rg'))));
    expect(values(gb(scalar(0.3)))[0]!).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------- closed-form KL

function expectKlMatchesMc(q: Distribution, p: Distribution, shape: number[], seed: string): void {
  const kl = values(analyticKl(q, p)!);
  expect(kl.length).toBe(1);
  const z = q.sample(shape, new Rng(seed));
  const diff = values(tf.sub(q.logProb(z), p.logProb(z)));
  const m = moments(diff);
  expect(Math.abs(kl[0]! - m.mean), `${q.spec.name}: analytic ${kl[0]} vs MC ${m.mean} (se ${m.seMean})`).toBeLessThan(4 * m.seMean + 1e-6);
  expect(m.seMean).toBeGreaterThan(0);
}

describe('closed-form KL against Monte Carlo (4 standard errors)', () => {
  const n = 200_000;
  it('Normal, Bernoulli, Categorical (seeds kln, klb, klc)', () => {
    expectKlMatchesMc(new Normal(scalar(0.7), scalar(0.5)), new Normal(scalar(-0.2), scalar(1.3)), [n], 'kln');
    expectKlMatchesMc(new Bernoulli({ probs: scalar(0.3) }), new Bernoulli({ logits: scalar(1.2) }), [n], 'klb');
    expectKlMatchesMc(new Categorical({ probs: t1([0.2, 0.5, 0.3]) }), new Categorical({ logits: t1([1, -1, 0.5]) }), [n], 'klc');
  });
  it('Gamma, Beta, Dirichlet (seeds klg, klbeta, kld)', () => {
    expectKlMatchesMc(new Gamma(scalar(2.5), scalar(1.5)), new Gamma(scalar(1.2), scalar(0.7)), [n], 'klg');
    expectKlMatchesMc(new Gamma(scalar(0.4), scalar(2)), new Gamma(scalar(1), scalar(1)), [n], 'klg2');
    expectKlMatchesMc(new Beta(scalar(2), scalar(3)), new Beta(scalar(0.7), scalar(1.4)), [n], 'klbeta');
    expectKlMatchesMc(new Dirichlet(t1([2, 0.8, 3])), new Dirichlet(t1([1, 1, 1.5])), [n / 2, 3], 'kld');
  });
  it('Laplace, Exponential, LogNormal, Poisson (seeds kll, kle, klln, klp)', () => {
    expectKlMatchesMc(new Laplace(scalar(0.5), scalar(0.8)), new Laplace(scalar(-0.3), scalar(1.5)), [n], 'kll');
    expectKlMatchesMc(new Exponential(scalar(2)), new Exponential(scalar(0.5)), [n], 'kle');
    expectKlMatchesMc(new LogNormal(scalar(0.3), scalar(0.6)), new LogNormal(scalar(-0.5), scalar(1.1)), [n], 'klln');
    expectKlMatchesMc(new Poisson(scalar(4.2)), new Poisson(scalar(6)), [n], 'klp');
  });
  it('are differentiable in the guide parameters', () => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => analyticKl(new Gamma(a, b), new Gamma(scalar(1), scalar(1)))!);
    const [da, db] = g([scalar(2), scalar(3)]);
    // d/da KL(Gamma(a, b) || Gamma(1, 1)) = (a - 1) psi'(a) + 1/b - 1 + ... checked by a central difference
    const kl = (a: number, b: number): number => values(analyticKl(new Gamma(scalar(a), scalar(b)), new Gamma(scalar(1), scalar(1)))!)[0]!;
    const h = 1e-2;
    expect(values(da!)[0]!).toBeCloseTo((kl(2 + h, 3) - kl(2 - h, 3)) / (2 * h), 2);
    expect(values(db!)[0]!).toBeCloseTo((kl(2, 3 + h) - kl(2, 3 - h)) / (2 * h), 2);
  });
});

// ---------------------------------------------------------------- constraints

/** log |det| of a square matrix by Gaussian elimination with partial pivoting. */
function logAbsDet(m: number[][]): number {
  const a = m.map((r) => [...r]);
  const n = a.length;
  let logdet = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]![c]!;
    logdet += Math.log(Math.abs(pivot));
    for (let r = c + 1; r < n; r++) {
      const f = a[r]![c]! / pivot;
      for (let k = c; k < n; k++) a[r]![k]! -= f * a[c]![k]!;
    }
  }
  return logdet;
}

describe('constraints', () => {
  const scalarConstraints: [Constraint, number[]][] = [
    ['real', [-3, 0, 2.5]],
    ['positive', [1e-3, 0.7, 25]],
    ['unit', [0.01, 0.5, 0.97]],
    [{ kind: 'interval', low: -2, high: 3 }, [-1.9, 0, 2.5]],
  ];

  it('forward(inverse(v)) = v and inverse(forward(u)) = u', () => {
    for (const [c, vs] of scalarConstraints) {
      const b = bijection(c);
      expectClose(values(b.forward(b.inverse(t1(vs)))), vs, 1e-5);
      const us = [-2, 0.3, 1.7];
      expectClose(values(b.inverse(b.forward(t1(us)))), us, 1e-4);
      expectClose(Array.from(b.inverseValues(vs, [vs.length])), values(b.inverse(t1(vs))), 1e-4);
    }
    const s = bijection('simplex');
    const v = tf.tensor2d([
      [0.1, 0.2, 0.3, 0.4],
      [0.7, 0.1, 0.15, 0.05],
    ]);
    expectClose(values(s.forward(s.inverse(v))), values(v), 1e-5);
    const u = tf.tensor2d([
      [0.5, -1, 2],
      [0, 0, 0],
    ]);
    const x = s.forward(u);
    expect(x.shape).toEqual([2, 4]);
    expectClose(values(tf.sum(x, -1)), [1, 1], 1e-6);
    expectClose(values(x).slice(4), [0.25, 0.25, 0.25, 0.25], 1e-6);
    expectClose(values(s.inverse(x)), values(u), 1e-4);
    expectClose(Array.from(s.inverseValues(values(v), [2, 4])), values(s.inverse(v)), 1e-4);
  });

  it('log|det J| matches a finite-difference Jacobian (scalars: derivative; simplex: determinant over the first K - 1 coordinates)', () => {
    const h = 1e-2;
    for (const [c] of scalarConstraints) {
      const b = bijection(c);
      const us = [-1.5, 0.2, 2];
      const up = values(b.forward(t1(us.map((u) => u + h))));
      const dn = values(b.forward(t1(us.map((u) => u - h))));
      const fd = us.map((_, i) => Math.log(Math.abs((up[i]! - dn[i]!) / (2 * h))));
      expectClose(values(b.logDetJacobian(t1(us))), fd, 2e-3);
    }
    const s = bijection('simplex');
    const u0 = [0.4, -0.8, 1.1];
    const k = u0.length;
    const jac: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let j = 0; j < k; j++) {
      const plus = [...u0];
      const minus = [...u0];
      plus[j]! += h;
      minus[j]! -= h;
      const fp = values(s.forward(t1(plus)));
      const fm = values(s.forward(t1(minus)));
      for (let i = 0; i < k; i++) jac[i]![j] = (fp[i]! - fm[i]!) / (2 * h);
    }
    expect(values(s.logDetJacobian(t1(u0)))[0]!).toBeCloseTo(logAbsDet(jac), 2);
  });

  it('the param store keeps simplex and interval params in unconstrained space', () => {
    const store = new ParamStore();
    store.create('w', [2, 3], 1, 'simplex');
    store.create('r', [2], 0.5, { kind: 'interval', low: -1, high: 2 });
    store.create('w2', [3], new Float32Array([1, 2, 5]), 'simplex');
    expect(store.variable('w').shape).toEqual([2, 2]);
    expectClose(values(store.value('w')), new Array<number>(6).fill(1 / 3), 1e-6);
    expectClose(values(store.value('r')), [0.5, 0.5], 1e-6);
    expectClose(values(store.value('w2')), [0.125, 0.25, 0.625], 1e-6);
    store.dispose();
  });

  it('heads: softmax for the simplex; constraints from declared supports', () => {
    const y = values(headTransform(tf.tensor2d([[1, 2, 3]]), 'simplex'));
    expect(y.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(values(headTransform(t1([0]), 'unit'))[0]).toBeCloseTo(0.5, 6);
    expect(constraintOfSupport(interval(0, 5))).toEqual({ kind: 'interval', low: 0, high: 5 });
    expect(constraintOfSupport(SIMPLEX)).toBe('simplex');
    expect(() => constraintOfSupport(BINARY)).toThrow();
  });
});

// ---------------------------------------------------------------- the checker with the new distributions

function expectClean(source: string): void {
  const r = checkSource('zoo.ppl', source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !r.checked) throw new Error(`expected a clean check:\n${formatDiagnostics('zoo.ppl', source, r.diagnostics)}`);
}

describe('checker: the new distributions and domains', () => {
  it('accepts a mixed-membership model with simplex, count, interval and int domains', () => {
    expectClean(`
const K = 4
data   n : count[3]
data   c : int(0, 3)[5]
data   y : positive[2]
latent theta : simplex[K]
latent rate : positive[3]
latent u : interval(0, 2)
latent k : int(0, 3)[5]
param  w : simplex[K]
param  a : positive[K] = 1
net    enc : mlp(3 -> 8) -> { p: K simplex, s: 3 positive }
model {
  theta ~ Dirichlet(a)
  rate ~ Gamma(2, 1)
  u ~ Uniform(0, 2)
  k ~ Categorical(probs = theta)
  n ~ Poisson(rate)
  c ~ Categorical(probs = w)
  y ~ StudentT(4, u, 1)
}
guide {
  let q = enc(n)
  theta ~ Dirichlet(q.s[0] * q.p + 1)
  rate ~ Gamma(q.s, 1)
  u ~ Uniform(0, 2)
  k ~ Categorical(logits = log(theta))
}`);
  });

  it('accepts relaxed distributions for unit and simplex latents', () => {
    expectClean(`
data x : real[3]
latent b : unit[3]
latent z : simplex[2, 3]
param l : real[2, 3] = 0
model {
  b ~ RelaxedBernoulli(0.5, probs = 0.5)
  z ~ RelaxedCategorical(0.5, logits = l)
  x ~ Normal(b + z[0], 1)
}
guide {
  b ~ RelaxedBernoulli(0.5, logits = x)
  z ~ RelaxedCategorical(0.5, logits = l + 1)
}`);
  });
});

// ---------------------------------------------------------------- end to end

describe('end to end: compiled models with the new distributions', () => {
  const particles = 4000;

  function localElbo(source: string, setup: (p: ReturnType<typeof compileOk>) => void, rows: Record<string, { rows: number[][]; shape: number[] }>, kl: KlMode, seed: string): Moments[] {
    const program = compileOk(source);
    tf.tidy(() => setup(program));
    const svi = makeSvi(program, makeOptimizer('adam', 1e-3), { particles, kl });
    const batch = minibatch(rows);
    const n = Object.values(rows)[0]!.rows.length;
    const local = tf.tidy(() => svi.estimate(batch, n, new Rng(seed)).local.arraySync() as number[][]);
    program.dispose();
    return Array.from({ length: n }, (_, i) => moments(local.map((r) => r[i]!)));
  }

  it('Gamma-Poisson: the ELBO estimate (analytic and Monte Carlo KL) matches its closed form (seeds gp-*, 4000 particles, 4 SE)', () => {
    const source = `
data   n : count[2]
latent r : positive[2]
param  a : positive = 1.5
param  b : positive = 0.8
model { r ~ Gamma(2, 1); n ~ Poisson(r) }
guide { r ~ Gamma(a, b) }`;
    const ns = [
      [0, 3],
      [5, 1],
    ];
    const [a, b] = [1.5, 0.8];
    const klq = (a - 2) * digammaL(a) - lgammaL(a) + lgammaL(2) + 2 * (Math.log(b) - 0) + (a * (1 - b)) / b;
    const exact = ns.map((row) => row.reduce((s, k) => s + k * (digammaL(a) - Math.log(b)) - a / b - lgammaL(k + 1) - klq, 0));
    for (const kl of ['analytic', 'mc'] as const) {
      const m = localElbo(source, () => undefined, { n: { rows: ns, shape: [2] } }, kl, `gp-${kl}`);
      m.forEach((mi, i) => expect(Math.abs(mi.mean - exact[i]!), `${kl} row ${i}: ${mi.mean} vs ${exact[i]}`).toBeLessThan(4 * mi.seMean + 1e-3));
    }
  });

  it('Dirichlet-Categorical: event rank 1 sites, with analytic and Monte Carlo KL (seeds dc-*, 4000 particles, 4 SE)', () => {
    const source = `
data   c : int(0, 2)
latent theta : simplex[3]
param  alpha : positive[3] = 1
param  q : positive[3] = 1
model { theta ~ Dirichlet(alpha); c ~ Categorical(probs = theta) }
guide { theta ~ Dirichlet(q) }`;
    const qv = [2, 0.5, 1.2];
    const pv = [1, 1.5, 0.7];
    const setup = (p: ReturnType<typeof compileOk>): void => {
      p.params.variable('q').assign(tf.tensor1d(qv.map((v) => unconstrain(v, 'positive'))));
      p.params.variable('alpha').assign(tf.tensor1d(pv.map((v) => unconstrain(v, 'positive'))));
    };
    const q0 = qv.reduce((s, v) => s + v, 0);
    const p0 = pv.reduce((s, v) => s + v, 0);
    const kl = lgammaL(q0) - qv.reduce((s, v) => s + lgammaL(v), 0) - lgammaL(p0) + pv.reduce((s, v) => s + lgammaL(v), 0) + qv.reduce((s, v, i) => s + (v - pv[i]!) * (digammaL(v) - digammaL(q0)), 0);
    const cs = [[0], [2]];
    const exact = cs.map(([c]) => digammaL(qv[c!]!) - digammaL(q0) - kl);
    for (const mode of ['analytic', 'mc'] as const) {
      const m = localElbo(source, setup, { c: { rows: cs, shape: [] } }, mode, `dc-${mode}`);
      m.forEach((mi, i) => expect(Math.abs(mi.mean - exact[i]!), `${mode} row ${i}: ${mi.mean} vs ${exact[i]}`).toBeLessThan(4 * mi.seMean + 1e-3));
    }
  });

  it('Gamma-Poisson: SVI with implicit reparameterization gradients finds the conjugate posterior Gamma(2 + n, 2) (seed gp-fit, 400 Adam steps, KL to it < 0.02)', () => {
    const program = compileOk(`
data   n : count
latent r : positive
param  a : positive = 1
param  b : positive = 1
model { r ~ Gamma(2, 1); n ~ Poisson(r) }
guide { r ~ Gamma(a, b) }`);
    expect(sitesOf(program.lowered, 'guide')[0]!.dist.reparameterizable).toBe(true);
    const svi = makeSvi(program, makeOptimizer('adam', 0.1), { particles: 8, kl: 'analytic' });
    const batch = minibatch({ n: { rows: [[3]], shape: [] } });
    const rng = new Rng('gp-fit');
    for (let i = 0; i < 400; i++) svi.step(batch, 1, rng);
    const a = program.params.value('a').dataSync()[0]!;
    const b = program.params.value('b').dataSync()[0]!;
    program.dispose();
    const [ap, bp] = [5, 2];
    const kl = (a - ap) * digammaL(a) - lgammaL(a) + lgammaL(ap) + ap * (Math.log(b) - Math.log(bp)) + (a * (bp - b)) / b;
    expect(kl, `a = ${a}, b = ${b}`).toBeLessThan(0.02);
  });
});
