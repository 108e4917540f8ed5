// The Rényi alpha bound (Li & Turner 2016) against the bounds it interpolates, on the same draws:
// alpha = 0 is the IWAE bound and alpha -> 1 the ELBO (Monte Carlo KL), value and gradient; in
// between it lies between them, and it is a registered objective like the others.
import { describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { Rng } from '../runtime/random.js';
import { OBJECTIVE_NAMES } from '../inference/objectives/registry.js';
import { compileOk, expectUserError, linearGaussianSource, makeSvi, minibatch } from './helpers.js';

const SOURCE = linearGaussianSource({ shift: false, guideScale: 0.8 });

const XS = [0.3, -1.2, 2.0, 0.1];
const K = 6;

/** Value and gradient of one objective's estimate with a fixed seed (so every objective sees the same draws). */
function estimate(setup: { objective: 'elbo' | 'iwae' | 'renyi'; alpha?: number }): { value: number; grads: number[] } {
  const program = compileOk(SOURCE, 'renyi');
  const svi = makeSvi(program, tf.train.sgd(0), { particles: K, kl: 'mc', objective: setup.objective, ...(setup.alpha !== undefined ? { alpha: setup.alpha } : {}) });
  const batch = minibatch({ x: { rows: [XS], shape: [4] } });
  const vars = [program.params.variable('a'), program.params.variable('s')];
  const { value, grads } = tf.variableGrads(() => svi.estimate(batch, 1, new Rng('same-draws')).surrogate as tf.Scalar, vars);
  const out = { value: value.dataSync()[0]!, grads: vars.map((v) => grads[v.name]!.dataSync()[0]!) };
  tf.dispose([value, ...Object.values(grads)]);
  svi.dispose();
  program.dispose();
  return out;
}

describe('the Rényi bound', () => {
  it('is registered as an objective', () => {
    expect(OBJECTIVE_NAMES).toContain('renyi');
  });

  it('at alpha = 0 equals the IWAE bound on the same draws, value and gradient (rel. 1e-5)', () => {
    const iwae = estimate({ objective: 'iwae' });
    const renyi = estimate({ objective: 'renyi', alpha: 0 });
    expect(renyi.value).toBeCloseTo(iwae.value, 4);
    for (let i = 0; i < 2; i++) expect(Math.abs(renyi.grads[i]! - iwae.grads[i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(iwae.grads[i]!)));
  });

  it('as alpha -> 1 approaches the ELBO on the same draws, and equals it at 1 (rel. 1e-5)', () => {
    const elbo = estimate({ objective: 'elbo' });
    const one = estimate({ objective: 'renyi', alpha: 1 });
    expect(Math.abs(one.value - elbo.value)).toBeLessThan(1e-5 * Math.abs(elbo.value));
    for (let i = 0; i < 2; i++) expect(Math.abs(one.grads[i]! - elbo.grads[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(elbo.grads[i]!)));
    // from below alpha = 1 and from above, the gap shrinks in proportion to |1 - alpha| (to first
    // order it is (1 - alpha) / 2 times the variance of log w): a tenth of the distance, about a
    // tenth of the gap
    const gaps = [0.9, 0.99, 0.999, 1.001].map((alpha) => Math.abs(estimate({ objective: 'renyi', alpha }).value - elbo.value));
    expect(gaps[1]!).toBeLessThan(gaps[0]! / 5);
    expect(gaps[2]!).toBeLessThan(gaps[1]! / 5);
    expect(gaps[3]!).toBeLessThan(2 * gaps[2]!);
  });

  it('lies between the ELBO and the IWAE bound for alpha in (0, 1) on the same draws', () => {
    const elbo = estimate({ objective: 'elbo' }).value;
    const iwae = estimate({ objective: 'iwae' }).value;
    const half = estimate({ objective: 'renyi', alpha: 0.5 }).value;
    expect(iwae).toBeGreaterThan(elbo);
    expect(half).toBeGreaterThan(elbo);
    expect(half).toBeLessThan(iwae);
  });

  it('refuses baselines and score-function sites with a clear message', async () => {
    const program = compileOk(SOURCE.replace('z ~ Normal(a * x, s)', 'z ~ Normal(a * x, s) @score'), 'renyi-score');
    const svi = makeSvi(program, tf.train.sgd(0), { particles: K, kl: 'mc', objective: 'renyi', alpha: 0.5 });
    const batch = minibatch({ x: { rows: [XS], shape: [4] } });
    await expectUserError(() => tf.tidy(() => svi.estimate(batch, 1, new Rng('s')).value), 'renyi', 'pathwise sites only', 'z');
    await expectUserError(() => makeSvi(program, tf.train.sgd(0), { particles: K, objective: 'renyi', baselines: ['mavg'] }), 'mavg', 'pathwise');
    program.dispose();
  });
});
