// The models of models/ that need the language's structure (sequences, indexed and nested groups,
// partly observed data, factors and scales), trained through the library on simulated data with
// known answers, or on the published eight-schools data. Each test states its seed and tolerance;
// every tolerance can fail (a wrong sign, a wrong scaling or a missing term moves the figures far
// outside it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrayData, fit, loadModel } from '../api/index.js';
import { Rng } from '../runtime/random.js';
import { hmmLogLikelihood, kalmanLogLikelihood, normalDraw, simulateHmm, simulateLinearGaussian, simulateRadon, type Hmm } from './reference/sequences.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const modelFile = (name: string): ReturnType<typeof loadModel> => loadModel(fs.readFileSync(path.join(ROOT, 'models', `${name}.ppl`), 'utf8'), { file: `models/${name}.ppl` });

describe('hidden Markov model (models/hmm.ppl): the forward algorithm', () => {
  const truth: Hmm = {
    init: [0.5, 0.3, 0.2],
    trans: [
      [0.9, 0.05, 0.05],
      [0.05, 0.9, 0.05],
      [0.05, 0.05, 0.9],
    ],
    mu: [-2, 0, 2],
    sigma: 0.7,
  };
  // 60 sequences of T = 100 steps, every third cut to 60 steps (padded with missing entries).
  const xs = simulateHmm(truth, 60, 100, new Rng('hmm'), (i) => (i % 3 === 0 ? 60 : 100));

  it('the ELBO is the exact log-likelihood (states summed out), and training recovers the transition matrix', async () => {
    const data = arrayData({ x: xs });
    const { trained } = await fit(modelFile('hmm'), data, { epochs: 40, batchSize: 60, lr: 0.1, seed: 'hmm' });
    const s = trained.summary();
    const learned: Hmm = {
      init: s.init!.mean,
      trans: [0, 1, 2].map((j) => s.trans!.mean.slice(3 * j, 3 * j + 3)),
      mu: s.mu!.mean,
      sigma: s.sigma!.mean[0]!,
    };
    const exact = xs.reduce((acc, x) => acc + hmmLogLikelihood(learned, x), 0) / xs.length;
    const ev = await trained.evaluate(data.train, { k: 1, batchSize: 60 });
    trained.dispose();
    // float32 against float64 over 100 steps: agreement to 1e-5 relative
    expect(Math.abs(ev.elboMean.mean - exact) / Math.abs(exact)).toBeLessThan(1e-5);
    for (let j = 0; j < 3; j++) expect(Math.abs(learned.trans[j]![j]! - 0.9)).toBeLessThan(0.06);
    for (let j = 0; j < 3; j++) expect(Math.abs(learned.mu[j]! - truth.mu[j]!)).toBeLessThan(0.15);
    expect(Math.abs(learned.sigma - truth.sigma)).toBeLessThan(0.05);
    console.log(`hmm: exact log p ${exact.toFixed(4)}, ELBO ${ev.elboMean.mean.toFixed(4)}; diag(trans) ${[0, 1, 2].map((j) => learned.trans[j]![j]!.toFixed(3)).join(' ')}`);
  });

  it('the forward algorithm at the initial parameters agrees with the reference on sequences of different lengths', async () => {
    const short = xs.slice(0, 9);
    const data = arrayData({ x: short });
    // one step at a negligible learning rate leaves the declared initial values in place
    const { trained } = await fit(modelFile('hmm'), data, { epochs: 1, batchSize: 9, lr: 1e-9, seed: 'hmm' });
    const init: Hmm = { init: [1 / 3, 1 / 3, 1 / 3], trans: [[4 / 6, 1 / 6, 1 / 6], [1 / 6, 4 / 6, 1 / 6], [1 / 6, 1 / 6, 4 / 6]], mu: [-1, 0, 1], sigma: 1 };
    const ev = await trained.evaluate(data.train, { k: 1, batchSize: 9 });
    trained.dispose();
    short.forEach((x, i) => expect(ev.elbo[i]!).toBeCloseTo(hmmLogLikelihood(init, x), 2));
  });
});

describe('linear-Gaussian state-space model (models/lgssm.ppl)', () => {
  it('the ELBO stays below the exact Kalman-filter log-likelihood and approaches it as training goes on', async () => {
    const truth = { a: 0.8, q: 0.5, r: 0.7, s0: 1 };
    const xs = simulateLinearGaussian(truth, 200, 50, new Rng('lgssm'));
    const data = arrayData({ x: xs });
    const gaps: number[] = [];
    // The same seed: the 60-epoch run passes through the 5-epoch one.
    for (const epochs of [5, 60]) {
      const { trained } = await fit(modelFile('lgssm'), data, { epochs, batchSize: 50, lr: 0.01, seed: 'lgssm' });
      const s = trained.summary();
      const m = { a: s.a!.mean[0]!, q: s.q!.mean[0]!, r: s.r!.mean[0]!, s0: s.s0!.mean[0]! };
      const exact = xs.reduce((acc, x) => acc + kalmanLogLikelihood(m, x), 0) / xs.length;
      const ev = await trained.evaluate(data.train, { k: 1, batchSize: 200, elboParticles: 20 });
      trained.dispose();
      gaps.push(exact - ev.elboMean.mean);
    }
    expect(gaps).toHaveLength(2);
    // a bound: never above the exact value (Monte Carlo error of the ELBO is far below 0.5 nats)
    for (const g of gaps) expect(g).toBeGreaterThan(-0.5);
    // closing in: the gap after 60 epochs is under 70% of the gap after 5, and under 3.5 nats
    expect(gaps[1]!).toBeLessThan(0.7 * gaps[0]!);
    expect(gaps[1]!).toBeLessThan(3.5);
    console.log(`lgssm: gap to the Kalman log-likelihood ${gaps.map((g) => g.toFixed(2)).join(' -> ')} nats per sequence`);
  });
});
