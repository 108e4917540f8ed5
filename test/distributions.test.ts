// Distributions: log-densities against closed forms, sample moments against the parameters,
// closed-form KLs against Monte Carlo.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { Bernoulli, Normal, analyticKl } from '../runtime/distributions/index.js';
import { NORMAL_SPEC, BERNOULLI_SPEC } from '../runtime/distributions/spec.js';

const t = (v: number[]): tf.Tensor => tf.tensor1d(v);
const values = (x: tf.Tensor): number[] => Array.from(x.dataSync());

beforeAll(async () => {
  await initBackend('auto');
});

describe('Normal', () => {
  it('log_prob equals -0.5 log(2 pi) - log s - (x - m)^2 / (2 s^2) at several points', () => {
    const cases: [number, number, number][] = [
      [0, 0, 1],
      [1.5, 0, 1],
      [-2, 1, 0.5],
      [3, -1, 2.5],
      [0.01, 0.02, 1e-2],
    ];
    const lp = values(new Normal(t(cases.map((c) => c[1])), t(cases.map((c) => c[2]))).logProb(t(cases.map((c) => c[0]))));
    cases.forEach(([x, m, s], i) => {
      const expected = -0.5 * Math.log(2 * Math.PI) - Math.log(s) - (x - m) ** 2 / (2 * s * s);
      expect(lp[i]!).toBeCloseTo(expected, 4);
    });
  });

  it('samples have the mean and variance of the parameters (seed n1, 200k draws, 4 standard errors)', () => {
    const n = 200_000;
    const [m, s] = [1.3, 0.4];
    const draws = values(new Normal(tf.scalar(m), tf.scalar(s)).sample([n], new Rng('n1')));
    const mean = draws.reduce((a, b) => a + b, 0) / n;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - m)).toBeLessThan((4 * s) / Math.sqrt(n));
    // Var of the sample variance of a Gaussian: 2 s^4 / (n - 1)
    expect(Math.abs(variance - s * s)).toBeLessThan(4 * Math.sqrt((2 * s ** 4) / (n - 1)));
  });

  it('is reparameterized: d/dloc and d/dscale of a sample are 1 and eps', () => {
    const loc = tf.scalar(0.5);
    const scale = tf.scalar(2);
    const rng = new Rng('grad');
    const g = tf.grads((l: tf.Tensor, s: tf.Tensor) => tf.sum(new Normal(l, s).sample([5], rng)));
    const [dl, ds] = g([loc, scale]);
    expect(dl!.dataSync()[0]).toBeCloseTo(5, 5);
    // the same draws: eps = (z - loc) / scale
    const z = values(new Normal(loc, scale).sample([5], new Rng('grad')));
    expect(ds!.dataSync()[0]).toBeCloseTo(z.reduce((a, v) => a + (v - 0.5) / 2, 0), 4);
    expect(NORMAL_SPEC.reparameterizable).toBe(true);
  });

  it('closed-form KL matches a Monte Carlo estimate (seed kl, 400k draws, 4 standard errors)', () => {
    const q = new Normal(tf.scalar(0.7), tf.scalar(0.5));
    const p = new Normal(tf.scalar(-0.2), tf.scalar(1.3));
    const kl = analyticKl(q, p)!.dataSync()[0]!;
    const z = q.sample([400_000], new Rng('kl'));
    const diff = values(tf.sub(q.logProb(z), p.logProb(z)));
    const mean = diff.reduce((a, b) => a + b, 0) / diff.length;
    const sd = Math.sqrt(diff.reduce((a, b) => a + (b - mean) ** 2, 0) / (diff.length - 1));
    expect(Math.abs(kl - mean)).toBeLessThan((4 * sd) / Math.sqrt(diff.length));
    expect(kl).toBeCloseTo(Math.log(1.3 / 0.5) + (0.25 + 0.81) / (2 * 1.69) - 0.5, 5);
  });
});

describe('Bernoulli', () => {
  it('log_prob with logits and with probs equals x log p + (1 - x) log(1 - p)', () => {
    const ps = [0.1, 0.5, 0.9, 0.999, 0.001];
    const xs = [1, 0, 1, 0, 1];
    const logits = ps.map((p) => Math.log(p / (1 - p)));
    const fromLogits = values(new Bernoulli({ logits: t(logits) }).logProb(t(xs)));
    const fromProbs = values(new Bernoulli({ probs: t(ps) }).logProb(t(xs)));
    ps.forEach((p, i) => {
      const expected = xs[i]! * Math.log(p) + (1 - xs[i]!) * Math.log(1 - p);
      expect(fromLogits[i]!).toBeCloseTo(expected, 4);
      expect(fromProbs[i]!).toBeCloseTo(expected, 3);
    });
  });

  it('logits far from zero stay finite (no log(0))', () => {
    const lp = values(new Bernoulli({ logits: t([80, -80]) }).logProb(t([0, 1])));
    expect(lp[0]!).toBeCloseTo(-80, 3);
    expect(lp[1]!).toBeCloseTo(-80, 3);
  });

  it('sample mean equals probs (seed b1, 100k draws, 4 standard errors) and samples are 0 or 1', () => {
    const n = 100_000;
    const p = 0.27;
    const draws = values(new Bernoulli({ probs: tf.scalar(p) }).sample([n], new Rng('b1')));
    expect(draws.every((d) => d === 0 || d === 1)).toBe(true);
    const mean = draws.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    expect(BERNOULLI_SPEC.reparameterizable).toBe(false);
  });

  it('closed-form KL equals the sum over {0, 1}', () => {
    const [qp, pp] = [0.3, 0.8];
    const kl = analyticKl(new Bernoulli({ probs: tf.scalar(qp) }), new Bernoulli({ probs: tf.scalar(pp) }))!.dataSync()[0]!;
    expect(kl).toBeCloseTo(qp * Math.log(qp / pp) + (1 - qp) * Math.log((1 - qp) / (1 - pp)), 4);
  });
});
