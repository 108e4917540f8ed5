// The ELBO estimator on a linear-Gaussian model, where log p(x), the exact posterior and the
// ELBO of any Gaussian guide are known in closed form.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { unconstrain } from '../runtime/params.js';
import { Rng } from '../runtime/random.js';
import { makeOptimizer } from '../inference/optimizers.js';
import type { KlMode } from '../inference/elbo.js';
import { compileOk, linearGaussianSource, minibatch, makeSvi } from './helpers.js';

const SIGMA = 0.5;
const D = 4;
const SOURCE = linearGaussianSource({ sigma: SIGMA, dim: D });

const LOG2PI = Math.log(2 * Math.PI);
const EXACT_A = 1 / (1 + SIGMA * SIGMA);
const EXACT_S = Math.sqrt((SIGMA * SIGMA) / (1 + SIGMA * SIGMA));

/** log p(x) = sum_d log N(x_d; 0, 1 + S^2). */
function exactLogLik(x: number[]): number {
  const v = 1 + SIGMA * SIGMA;
  return x.reduce((acc, xi) => acc - 0.5 * (LOG2PI + Math.log(v) + (xi * xi) / v), 0);
}

/** ELBO of the guide N(a x + b, s^2) in closed form. */
function exactElbo(x: number[], a: number, b: number, s: number): number {
  let total = 0;
  for (const xi of x) {
    const m = a * xi + b;
    const lik = -0.5 * (LOG2PI + Math.log(SIGMA * SIGMA)) - ((xi - m) ** 2 + s * s) / (2 * SIGMA * SIGMA);
    const prior = -0.5 * LOG2PI - (m * m + s * s) / 2;
    const entropy = 0.5 * (LOG2PI + 1 + Math.log(s * s));
    total += lik + prior + entropy;
  }
  return total;
}

const XS = [
  [0.3, -1.2, 2.0, 0.1],
  [-0.5, 0.8, -0.2, 1.5],
  [1.1, 0.0, -1.7, -0.4],
];

function setGuide(program: ReturnType<typeof compileOk>, a: number, b: number, s: number): void {
  tf.tidy(() => {
    program.params.variable('a').assign(tf.scalar(a));
    program.params.variable('b').assign(tf.fill([D], b));
    program.params.variable('s').assign(tf.scalar(unconstrain(s, 'positive')));
  });
}

/** Per-datapoint ELBO estimates: mean and standard error over particles, for each row. */
function estimate(kl: KlMode, a: number, b: number, s: number, particles: number, seed: string): { mean: number[]; se: number[] } {
  const program = compileOk(SOURCE);
  setGuide(program, a, b, s);
  const svi = makeSvi(program, makeOptimizer('adam', 1e-3), { particles, kl });
  const batch = minibatch({ x: { rows: XS, shape: [D] } });
  const local = tf.tidy(() => svi.estimate(batch, XS.length, new Rng(seed)).local.arraySync() as number[][]);
  program.dispose();
  const mean: number[] = [];
  const se: number[] = [];
  for (let i = 0; i < XS.length; i++) {
    const col = local.map((row) => row[i]!);
    const m = col.reduce((p, c) => p + c, 0) / col.length;
    const v = col.reduce((p, c) => p + (c - m) ** 2, 0) / (col.length - 1);
    mean.push(m);
    se.push(Math.sqrt(v / col.length));
  }
  return { mean, se };
}

describe('ELBO on the linear-Gaussian model', () => {
  beforeAll(async () => {
    await initBackend('auto');
  });

  for (const kl of ['mc', 'analytic'] as const) {
    it(`(${kl} KL) matches the closed-form ELBO within 4 standard errors and stays below log p(x); seed 'elbo-${kl}', 4000 particles`, () => {
      const [a, b, s] = [0.3, 0.1, 0.7];
      const { mean, se } = estimate(kl, a, b, s, 4000, `elbo-${kl}`);
      XS.forEach((x, i) => {
        const exact = exactElbo(x, a, b, s);
        expect(Math.abs(mean[i]! - exact)).toBeLessThan(4 * se[i]! + 1e-3);
        // a poor guide leaves a clear gap below the evidence
        expect(mean[i]! + 4 * se[i]!).toBeLessThan(exactLogLik(x));
        expect(exactLogLik(x) - exact).toBeGreaterThan(0.5);
      });
    });
  }

  it('equals log p(x) with zero variance (Monte Carlo KL) when the guide is the exact posterior', () => {
    // log p(x, z) - log q(z | x) = log p(x) for every z drawn from the exact posterior
    const { mean, se } = estimate('mc', EXACT_A, 0, EXACT_S, 200, 'exact');
    XS.forEach((x, i) => {
      expect(mean[i]!).toBeCloseTo(exactLogLik(x), 3);
      expect(se[i]!).toBeLessThan(1e-4);
    });
  });

  it('equals log p(x) within 4 standard errors (analytic KL) at the exact posterior; seed exact-kl, 4000 particles', () => {
    // E_q[log p(x | z)] - KL is still estimated from samples: unbiased, but not zero-variance
    const { mean, se } = estimate('analytic', EXACT_A, 0, EXACT_S, 4000, 'exact-kl');
    XS.forEach((x, i) => {
      expect(Math.abs(mean[i]! - exactLogLik(x))).toBeLessThan(4 * se[i]!);
      expect(se[i]!).toBeGreaterThan(1e-3);
    });
  });

  it('training the guide by SVI closes the gap to log p(x) (seed 7, 1500 Adam steps; gap < 0.05 nats per point)', () => {
    const program = compileOk(SOURCE, 'fit');
    const svi = makeSvi(program, makeOptimizer('adam', 0.02), { particles: 4, kl: 'analytic' });
    const batch = minibatch({ x: { rows: XS, shape: [D] } });
    const rng = new Rng('7');
    for (let i = 0; i < 1500; i++) svi.step(batch, XS.length, rng);
    const read = (n: string): number[] => Array.from(program.params.value(n).dataSync());
    const [a] = read('a');
    const bs = read('b');
    const [s] = read('s');
    program.dispose();
    const gap = XS.reduce((acc, x) => acc + exactLogLik(x) - exactElbo(x, a!, bs.reduce((p, c) => p + c, 0) / D, s!), 0) / XS.length;
    expect(gap).toBeGreaterThanOrEqual(0);
    expect(gap).toBeLessThan(0.05);
  });
});
