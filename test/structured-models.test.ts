// The models of models/ that need the language's structure (sequences, indexed and nested groups,
// partly observed data, factors and scales), trained through the library on simulated data with
// known answers, or on the published eight-schools data. Each test states its seed and tolerance;
// every tolerance can fail (a wrong sign, a wrong scaling or a missing term moves the figures far
// outside it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { arrayData, fit, loadModel, openData } from '../api/index.js';
import { vaeSource } from './helpers.js';
import { Rng } from '../runtime/random.js';
import { classificationError, digitsOf, keepEveryLabel } from '../bench/labelled-digits.js';
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

describe('radon: groups nested in groups (models/radon.ppl, models/radon_noncentred.ppl)', () => {
  const stateOf = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
  const gamma = [1.0, 1.8, 0.4];
  const truthRng = new Rng('radon-truth');
  const a = stateOf.map((s) => gamma[s]! + 0.3 * normalDraw(truthRng));
  const b = stateOf.map(() => -0.7 + 0.2 * normalDraw(truthRng));
  const houses = simulateRadon({ stateOf, gamma, a, b, sigmaY: 0.5 }, 800, new Rng('radon'));

  /**
   * Each county's exact posterior of (a_j, b_j) given the fitted group means and scales: a
   * two-dimensional Gaussian (prior N(gamma[state], sigma_a^2) x N(beta, sigma_b^2), Gaussian likelihood).
   */
  function exactCounty(j: number, g: { gamma: number[]; beta: number; sa: number; sb: number; sy: number }): { mean: [number, number]; sd: [number, number] } {
    let n = 0, sf = 0, sff = 0, sy = 0, sfy = 0;
    houses.county.forEach((c, i) => {
      if (c !== j) return;
      const f = houses.floor[i]!;
      const y = houses.y[i]!;
      n++; sf += f; sff += f * f; sy += y; sfy += f * y;
    });
    const w = 1 / g.sy ** 2;
    const p11 = 1 / g.sa ** 2 + w * n, p12 = w * sf, p22 = 1 / g.sb ** 2 + w * sff;
    const r1 = g.gamma[stateOf[j]!]! / g.sa ** 2 + w * sy, r2 = g.beta / g.sb ** 2 + w * sfy;
    const det = p11 * p22 - p12 * p12;
    return { mean: [(p22 * r1 - p12 * r2) / det, (p11 * r2 - p12 * r1) / det], sd: [Math.sqrt(p22 / det), Math.sqrt(p11 / det)] };
  }

  for (const form of ['radon', 'radon_noncentred'] as const) {
    it(`${form}: county intercepts and slopes at their exact posterior means, and the truth within 3 posterior sds`, async () => {
      const { trained } = await fit(modelFile(form), arrayData(houses), { epochs: 250, batchSize: 100, lr: 0.02, particles: 2, seed: 'radon' });
      const s = trained.summary({ draws: 2000 });
      trained.dispose();
      const g = { gamma: s.gamma!.mean, beta: s.beta!.mean[0]!, sa: s.sigma_a!.mean[0]!, sb: s.sigma_b!.mean[0]!, sy: s.sigma_y!.mean[0]! };
      // The non-centred form's county effects are a derived quantity: gamma[state] + sigma_a * a_raw.
      const aMean = form === 'radon' ? s.a!.mean : s.a_raw!.mean.map((r, j) => g.gamma[stateOf[j]!]! + g.sa * r);
      const bMean = form === 'radon' ? s.b!.mean : s.b_raw!.mean.map((r) => g.beta + g.sb * r);
      let worst = 0;
      for (let j = 0; j < 12; j++) {
        const exact = exactCounty(j, g);
        worst = Math.max(worst, Math.abs(aMean[j]! - exact.mean[0]) / exact.sd[0], Math.abs(bMean[j]! - exact.mean[1]) / exact.sd[1]);
        expect(Math.abs(exact.mean[0] - a[j]!)).toBeLessThan(3 * exact.sd[0]);
        expect(Math.abs(exact.mean[1] - b[j]!)).toBeLessThan(3 * exact.sd[1]);
      }
      // mean-field VI of a Gaussian target puts the means at the exact ones
      expect(worst).toBeLessThan(0.5);
      expect(Math.abs(g.sy - 0.5)).toBeLessThan(0.05);
      console.log(`${form}: guide means within ${worst.toFixed(2)} exact posterior sds of the exact means; sigma_y ${g.sy.toFixed(3)}`);
    });
  }
});

describe('missing covariates (models/missing_regression.ppl)', () => {
  /** n rows of y = w . x + b + noise; an entry of x goes missing with probability 0.6 where y > 1.5, else 0.03 (a third of the rows lose an entry; at 0.3 and 0.02, a fifth, the two fits differ by less than their noise). */
  function simulate(n: number, seed: string): { X: number[][]; y: number[] } {
    const rng = new Rng(seed);
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = [normalDraw(rng), normalDraw(rng)];
      const v = 2 * x[0]! - x[1]! + 0.5 + 0.5 * normalDraw(rng);
      X.push(x.map((e) => (rng.uniform() < (v > 1.5 ? 0.6 : 0.03) ? NaN : e)));
      y.push(v);
    }
    return { X, y };
  }
  const error = (s: Record<string, { mean: number[] }>): number => Math.hypot(s.w!.mean[0]! - 2, s.w!.mean[1]! + 1, s.b!.mean[0]! - 0.5);

  it('imputing the missing entries gets the coefficients closer to the truth than dropping the incomplete rows', async () => {
    const source = fs.readFileSync(path.join(ROOT, 'models', 'missing_regression.ppl'), 'utf8');
    // The same model without missing entries, trained on the complete rows only.
    const complete = loadModel(source.replace('real[P] missing', 'real[P]').replace(/guide \{[\s\S]*\}/, ''), { file: 'complete.ppl' });
    const options = { epochs: 150, batchSize: 100, lr: 0.02, particles: 4, seed: 'missing' };
    const errors = { imputed: 0, dropped: 0 };
    let share = 0;
    for (const seed of ['m1', 'm2']) {
      const { X, y } = simulate(1000, seed);
      const keep = X.map((x) => !x.some(Number.isNaN));
      share += keep.filter((k) => !k).length / X.length / 2;
      const a = await fit(modelFile('missing_regression'), arrayData({ X, y }), options);
      errors.imputed += error(a.trained.summary({ draws: 1000 })) / 2;
      a.trained.dispose();
      const c = await fit(complete, arrayData({ X: X.filter((_, i) => keep[i]), y: y.filter((_, i) => keep[i]) }), options);
      errors.dropped += error(c.trained.summary({ draws: 1000 })) / 2;
      c.trained.dispose();
    }
    console.log(`missing covariates: ${(100 * share).toFixed(0)}% of rows incomplete; mean coefficient error imputed ${errors.imputed.toFixed(3)}, complete rows only ${errors.dropped.toFixed(3)}`);
    expect(errors.imputed).toBeLessThan(errors.dropped);
    expect(errors.imputed).toBeLessThan(0.1);
  });
});

describe('eight schools (models/eight_schools.ppl)', () => {
  it('mu matches the published NUTS posterior (mean 4.4, sd 3.3); mean-field underestimates tau (NUTS mean 3.6)', async () => {
    const model = modelFile('eight_schools');
    const data = arrayData({ y: [[28, 8, -3, 7, -1, 1, 18, 12]], sigma: [[15, 10, 16, 11, 9, 11, 10, 18]] });
    const { trained } = await fit(model, data, { epochs: 3000, batchSize: 1, lr: 0.01, particles: 4, seed: 'schools' });
    const s = trained.summary({ draws: 4000, seed: 'schools' });
    trained.dispose();
    // tau = |tau_c| with tau_c ~ Normal(m, sd) under the guide: the folded normal's mean
    const m = s.tau_c!.mean[0]!;
    const sd = s.tau_c!.sd[0]!;
    const phi = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
    const tau = sd * Math.sqrt(2 / Math.PI) * Math.exp(-(m * m) / (2 * sd * sd)) + m * (1 - 2 * phi(-m / sd));
    console.log(`eight schools: mu ${s.mu!.mean[0]!.toFixed(2)} (sd ${s.mu!.sd[0]!.toFixed(2)}), tau ${tau.toFixed(2)} (NUTS: 4.4, 3.3; 3.6)`);
    expect(Math.abs(s.mu!.mean[0]! - 4.4)).toBeLessThan(0.8);
    expect(Math.abs(s.mu!.sd[0]! - 3.3)).toBeLessThan(0.8);
    expect(tau).toBeGreaterThan(2);
    expect(tau).toBeLessThan(3.6);
  });
});

describe('eight schools with a full-rank guide (models/eight_schools_fullrank.ppl)', () => {
  it('tau\'s posterior mean comes closer to NUTS (3.6) than under the mean-field guide of the same model (seed schools, 10,000 steps, 16 particles, lr 0.005)', async () => {
    const source = fs.readFileSync(path.join(ROOT, 'models', 'eight_schools_fullrank.ppl'), 'utf8');
    const data = arrayData({ y: [[28, 8, -3, 7, -1, 1, 18, 12]], sigma: [[15, 10, 16, 11, 9, 11, 10, 18]] });
    const run = async (text: string) => {
      const { trained } = await fit(loadModel(text, { file: 'eight_schools_fullrank.ppl' }), data, { epochs: 10000, batchSize: 1, lr: 0.005, particles: 16, seed: 'schools' });
      const s = trained.summary({ draws: 4000, seed: 'schools' });
      trained.dispose();
      return { mu: s.mu!.mean[0]!, muSd: s.mu!.sd[0]!, tau: s.tau!.mean[0]! };
    };
    const full = await run(source);
    const meanField = await run(source.replace(/auto\(fullrank\)/g, 'auto'));
    console.log(`eight schools, tau's mean: full-rank ${full.tau.toFixed(2)}, mean-field ${meanField.tau.toFixed(2)} (NUTS 3.6); mu ${full.mu.toFixed(2)} (sd ${full.muSd.toFixed(2)}) against NUTS 4.4 (3.3)`);
    expect(Math.abs(full.mu - 4.4)).toBeLessThan(0.8);
    expect(Math.abs(full.muSd - 3.3)).toBeLessThan(0.8);
    expect(full.tau).toBeGreaterThan(meanField.tau);
    expect(full.tau).toBeLessThan(3.6);
  }, 600_000);
});

/** The error function (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

describe('beta-VAE and KL annealing (models/vae.ppl with @scale; klAnneal)', () => {
  const source = (beta: number): string =>
    vaeSource(8, 200).replace('  z ~ Normal(0, 1)', beta === 1 ? '  z ~ Normal(0, 1)' : `  z ~ Normal(0, 1) @scale(${beta})`);

  it('a larger beta on the KL term gives a lower rate and a higher distortion; annealing the KL raises the early rate', async () => {
    const rates: Record<string, { rate: number; distortion: number }> = {};
    for (const [label, beta, anneal] of [['beta 1', 1, 0], ['beta 4', 4, 0], ['beta 1, annealed over 10,000 steps', 1, 10000]] as const) {
      const { trained } = await fit(loadModel(source(beta), { file: 'vae.ppl' }), 'mnist', { trainSize: 2000, testSize: 200, epochs: 3, batchSize: 50, lr: 1e-3, seed: 'beta', klAnneal: anneal, evaluateTest: false });
      const split = await openData('mnist', { trainSize: 2000, testSize: 200 });
      const ev = await trained.evaluate(split.test, { k: 1, batchSize: 200 });
      trained.dispose();
      rates[label] = { rate: ev.rate.mean, distortion: ev.distortion.mean };
    }
    console.log(`rate / distortion (nats, test): ${Object.entries(rates).map(([k, v]) => `${k}: ${v.rate.toFixed(2)} / ${v.distortion.toFixed(2)}`).join('; ')}`);
    expect(rates['beta 4']!.rate).toBeLessThan(0.8 * rates['beta 1']!.rate);
    expect(rates['beta 4']!.distortion).toBeGreaterThan(rates['beta 1']!.distortion);
    expect(rates['beta 1, annealed over 10,000 steps']!.rate).toBeGreaterThan(rates['beta 1']!.rate);
  });
});

describe('semi-supervised VAE M2 (models/ssvae.ppl) on the embedded digits', () => {
  it('a third of the labels given, the rest summed over by the guide: q(y | x) classifies held-out digits with under 15% error after 1 epoch (seed m2)', async () => {
    const split = await openData('mnist', { binarize: 'threshold' });
    const train = await digitsOf(split.train);
    const test = await digitsOf(split.test);
    // every third digit keeps its label; the others are missing
    const y = keepEveryLabel(train.label, 3);
    const { trained } = await fit(modelFile('ssvae'), arrayData({ x: train.x, y }), { epochs: 1, batchSize: 100, lr: 1e-3, seed: 'm2', evaluateTest: false });
    // held-out digits with their labels hidden: the guide's class probabilities
    const error = await classificationError(trained, test);
    trained.dispose();
    console.log(`ssvae M2: ${y.filter((v) => !Number.isNaN(v)).length} labels of ${y.length}, test error of q(y | x) ${(100 * error).toFixed(2)}% on ${test.label.length} digits after 1 epoch`);
    expect(error).toBeLessThan(0.15);
    // every label's terms for each digit: ten times a VAE's work per step (about 40 s alone here)
  }, 1_200_000);
});
