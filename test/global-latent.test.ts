// A global latent outside the plate, trained on minibatches: the N/M scaling must make SVI find
// the exact posterior of a conjugate model, and the full-data ELBO must stay below log p(X).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { unconstrain } from '../runtime/params.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { compileOk, minibatch, makeSvi } from './helpers.js';

// mu ~ N(0, 3^2); x_i ~ N(mu, 1) for i = 1..N. Posterior: N(sum x / (N + 1/9), 1 / (N + 1/9)).
const SOURCE = `
data   x : real
global mu : real
param m : real = 0
param s : positive = 1

model {
  mu ~ Normal(0, 3)
  x ~ Normal(mu, 1)
}

guide {
  mu ~ Normal(m, s)
}
`;

const N = 200;
const PRIOR_VAR = 9;

function dataset(): number[] {
  const rng = new Rng('global-data');
  // Box-Muller draws around a true mean of 1.5
  return Array.from({ length: N }, () => 1.5 + Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform()));
}

/** log p(x_1..N) = log N(x; 0, I + 9 11^T), by the matrix determinant lemma and Sherman-Morrison. */
function logEvidence(xs: number[]): number {
  const n = xs.length;
  const sum = xs.reduce((a, b) => a + b, 0);
  const sumSq = xs.reduce((a, b) => a + b * b, 0);
  const logDet = Math.log(1 + PRIOR_VAR * n);
  const quad = sumSq - (PRIOR_VAR * sum * sum) / (1 + PRIOR_VAR * n);
  return -0.5 * (n * Math.log(2 * Math.PI) + logDet + quad);
}

beforeAll(async () => {
  await initBackend('auto');
});

describe('a global latent trained on minibatches (N = 200, M = 20)', () => {
  it('converges to the exact posterior mean and sd (seed global, 4000 Adam steps, 10 particles; tolerance 0.02 and 10%)', () => {
    const xs = dataset();
    const program = compileOk(SOURCE, 'global');
    const svi = makeSvi(program, makeOptimizer('adam', 0.01), { particles: 10, kl: 'analytic' });
    const rng = new Rng('global');
    const batches = Array.from({ length: N / 20 }, (_, k) => minibatch({ x: { rows: xs.slice(20 * k, 20 * k + 20).map((v) => [v]), shape: [] } }));
    for (let step = 0; step < 4000; step++) svi.step(batches[step % batches.length]!, N, rng);
    const m = program.params.value('m').dataSync()[0]!;
    const s = program.params.value('s').dataSync()[0]!;
    const precision = N + 1 / PRIOR_VAR;
    const postMean = xs.reduce((a, b) => a + b, 0) / precision;
    const postSd = Math.sqrt(1 / precision);
    // without the N/M factor the posterior would be 10x too wide
    expect(Math.abs(m - postMean)).toBeLessThan(0.02);
    expect(Math.abs(s / postSd - 1)).toBeLessThan(0.1);

    // Full-data ELBO (one batch of all N) at the fitted guide: below log p(X), and close to it
    const all = minibatch({ x: { rows: xs.map((v) => [v]), shape: [] } });
    const totals = tf.tidy(() => Array.from(svi.estimate(all, N, new Rng('eval'), 2000).total.dataSync()));
    program.dispose();
    const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
    const se = Math.sqrt(totals.reduce((a, b) => a + (b - mean) ** 2, 0) / (totals.length - 1) / totals.length);
    const evidence = logEvidence(xs);
    expect(mean).toBeLessThan(evidence + 4 * se);
    expect(evidence - mean).toBeLessThan(0.05);
  });

  it('scales minibatch sums by N/M: the estimate of the data set ELBO does not depend on M (analytic KL, exact posterior)', () => {
    const xs = dataset();
    const program = compileOk(SOURCE, 'scale');
    const precision = N + 1 / PRIOR_VAR;
    tf.tidy(() => {
      program.params.variable('m').assign(tf.scalar(xs.reduce((a, b) => a + b, 0) / precision));
      program.params.variable('s').assign(tf.scalar(unconstrain(Math.sqrt(1 / precision), 'positive')));
    });
    const svi = makeSvi(program, makeOptimizer('adam', 0.01), { particles: 1, kl: 'analytic' });
    /** Mean and standard error over particles of the data set ELBO estimate from minibatches of m. */
    const estimateWith = (m: number): { mean: number; se: number } => {
      const particles = 400;
      const perParticle = new Float64Array(particles);
      for (let k = 0; k < N / m; k++) {
        const b = minibatch({ x: { rows: xs.slice(m * k, m * k + m).map((v) => [v]), shape: [] } });
        const t = tf.tidy(() => svi.estimate(b, N, new Rng(`scale-${m}-${k}`), particles).total.dataSync());
        // averaging the N/M-scaled estimates of all disjoint minibatches: unbiased for the ELBO
        for (let i = 0; i < particles; i++) perParticle[i]! += t[i]! / (N / m);
      }
      const mean = perParticle.reduce((a, b) => a + b, 0) / particles;
      const sd = Math.sqrt(perParticle.reduce((a, b) => a + (b - mean) ** 2, 0) / (particles - 1));
      return { mean, se: sd / Math.sqrt(particles) };
    };
    const full = estimateWith(N);
    const small = estimateWith(10);
    program.dispose();
    // both unbiased for one number: they agree within 4 combined standard errors
    expect(Math.abs(full.mean - small.mean)).toBeLessThan(4 * Math.hypot(full.se, small.se));
    expect(full.se).toBeLessThan(1);
    // and at the exact posterior that number is log p(X)
    expect(Math.abs(full.mean - logEvidence(xs))).toBeLessThan(4 * full.se + 1e-3);
  });
});
