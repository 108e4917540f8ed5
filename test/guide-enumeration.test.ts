// @enumerate in the guide: the guide sums over every value of a discrete site, each weighted by
// its guide probability (Pyro's TraceEnum_ELBO with guide-side enumeration), so the ELBO is
// exact in that site and its gradient needs no score function.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { checkSource } from '../lang/checker/index.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { logImportanceWeights } from '../inference/importance.js';
import type { Minibatch } from '../inference/run.js';
import { compileOk, makeSvi, minibatch } from './helpers.js';
import { elboBatch, logLikelihoodBatch } from '../trained/loglik.js';
import { NO_GLOBALS } from '../trained/replay.js';

const LOG2PI = Math.log(2 * Math.PI);
const normal = (x: number, m: number): number => -0.5 * LOG2PI - (x - m) ** 2 / 2;
const logAddExp = (a: number, b: number): number => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));

const guided = (dataLine: string): string => `
data   x : real
${dataLine}
param  q : unit = 0.6
model {
  c ~ Bernoulli(probs = 0.3)
  x ~ Normal(2 * (2 * c - 1), 1)
}
guide {
  c ~ Bernoulli(probs = q) @enumerate
}
`;
const LATENT = guided('latent c : binary');
const PARTLY = guided('data   c : binary missing');

/** The ELBO of one point under a guide q(c = 1) = q, in closed form. */
function exactElbo(x: number, q: number): number {
  return q * (Math.log(0.3) + normal(x, 2) - Math.log(q)) + (1 - q) * (Math.log(0.7) + normal(x, -2) - Math.log(1 - q));
}
const logEvidence = (x: number): number => logAddExp(Math.log(0.3) + normal(x, 2), Math.log(0.7) + normal(x, -2));

const XS = [-2.5, -0.3, 0.4, 1.9, 3.1];

beforeAll(async () => {
  await initBackend('auto');
});

function firstError(source: string): string {
  const r = checkSource('t.ppl', source);
  const e = r.diagnostics.find((d) => d.severity === 'error');
  return e ? `${e.span.line}:${e.span.column} ${e.code}: ${e.message}` : 'ok';
}

describe('a guide that sums over a discrete latent (@enumerate in the guide)', () => {
  it('gives the exact ELBO per point, the same for every particle and seed, and log p(x) as the importance weight', () => {
    for (const seed of ['a', 'b']) {
      const program = compileOk(LATENT, seed);
      const svi = makeSvi(program, makeOptimizer('adam', 1e-3), { particles: 3, kl: 'mc' });
      const batch = minibatch({ x: { rows: XS.map((x) => [x]), shape: [] } });
      const { local, logW } = tf.tidy(() => ({
        local: svi.estimate(batch, XS.length, new Rng(seed)).local.arraySync() as number[][],
        logW: logImportanceWeights(program, batch, 2, new Rng(seed)).arraySync() as number[][],
      }));
      program.dispose();
      expect(local.length).toBe(3);
      for (const row of local) XS.forEach((x, i) => expect(row[i]!).toBeCloseTo(exactElbo(x, 0.6), 4));
      for (const row of logW) XS.forEach((x, i) => expect(row[i]!).toBeCloseTo(logEvidence(x), 4));
    }
  });

  it('trains q to the exact posterior p(c = 1 | x) with one particle: the gradient is exact (seed post; 2e-3)', () => {
    const x = 0.4;
    const program = compileOk(LATENT, 'post');
    const svi = makeSvi(program, makeOptimizer('adam', 0.05), { particles: 1, kl: 'mc' });
    const batch = minibatch({ x: { rows: [[x]], shape: [] } });
    const rng = new Rng('post');
    for (let i = 0; i < 400; i++) svi.step(batch, 1, rng);
    const q = program.params.value('q').dataSync()[0]!;
    program.dispose();
    const posterior = Math.exp(Math.log(0.3) + normal(x, 2) - logEvidence(x));
    expect(Math.abs(q - posterior)).toBeLessThan(2e-3);
  });

  it('a trained model’s evaluation sums over the values too: the ELBO exact, log p(x) exact, every importance weight equal (ESS = K)', () => {
    const program = compileOk(LATENT, 'eval');
    const batch = minibatch({ x: { rows: XS.map((x) => [x]), shape: [] } });
    const { logp, ess } = logLikelihoodBatch(program, batch, new Rng('eval'), { k: 20, globals: NO_GLOBALS });
    const { elbo } = elboBatch(program, batch, new Rng('eval'), 3, NO_GLOBALS);
    program.dispose();
    XS.forEach((x, i) => {
      expect(logp[i]!).toBeCloseTo(logEvidence(x), 4);
      expect(ess[i]!).toBeCloseTo(20, 3);
      expect(elbo[i]!).toBeCloseTo(exactElbo(x, 0.6), 4);
    });
  });

  it('partly observed data: an observed entry counts at its value only, a missing one is summed over', () => {
    const cs = [1, NaN, 0, NaN, 1];
    const batch: Minibatch = {
      ...minibatch({ x: { rows: XS.map((x) => [x]), shape: [] }, c: { rows: cs.map((c) => [Number.isNaN(c) ? 0 : c]), shape: [] } }),
      observed: new Map([['c', tf.tensor(cs.map((c) => (Number.isNaN(c) ? 0 : 1)), [1, cs.length])]]),
    };
    const program = compileOk(PARTLY, 'partly');
    const svi = makeSvi(program, makeOptimizer('adam', 1e-3), { particles: 2, kl: 'mc' });
    const local = tf.tidy(() => svi.estimate(batch, XS.length, new Rng('partly')).local.arraySync() as number[][]);
    // the rate is the KL of the missing labels only: KL(q || p) where c is missing, 0 where observed
    const { rate, distortion } = elboBatch(program, batch, new Rng('partly'), 2, NO_GLOBALS);
    program.dispose();
    const kl = 0.6 * Math.log(0.6 / 0.3) + 0.4 * Math.log(0.4 / 0.7);
    XS.forEach((x, i) => {
      const c = cs[i]!;
      const expected = Number.isNaN(c) ? exactElbo(x, 0.6) : Math.log(c === 1 ? 0.3 : 0.7) + normal(x, c === 1 ? 2 : -2);
      for (const row of local) expect(row[i]!).toBeCloseTo(expected, 4);
      expect(rate[i]!).toBeCloseTo(Number.isNaN(c) ? kl : 0, 4);
      // an observed label's log p(c) is data, with log p(x | c): the two parts add up to the ELBO
      expect(-(rate[i]! + distortion[i]!)).toBeCloseTo(expected, 4);
    });
  });
});

describe('checker: @enumerate in the guide', () => {
  it('must come before the guide’s other draws', () => {
    const src = `data x : real\nlatent c : binary\nlatent z : real\nmodel {\n  c ~ Bernoulli(probs = 0.5)\n  z ~ Normal(0, 1)\n  x ~ Normal(z + c, 1)\n}\nguide {\n  z ~ Normal(0, 1)\n  c ~ Bernoulli(probs = 0.5) @enumerate\n}\n`;
    expect(firstError(src)).toBe(
      "11:30 enumerate-guide-order: @enumerate: the guide sums over c, so c must be drawn before every other ~ of the guide; z (line 10) comes first, and its draw would differ across c's values: move this line up",
    );
  });

  it('refuses a global site and an infinite support', () => {
    const global = `data x : real\nglobal c : binary\nmodel {\n  c ~ Bernoulli(probs = 0.5)\n  x ~ Normal(c, 1)\n}\nguide {\n  c ~ Bernoulli(probs = 0.5) @enumerate\n}\n`;
    expect(firstError(global)).toBe('8:30 enumerate-global: @enumerate: c is global; the guide sums over local values only (one per data point)');
    const count = `data x : real\nlatent n : count\nmodel {\n  n ~ Poisson(3)\n  x ~ Normal(n, 1)\n}\nguide {\n  n ~ Poisson(3) @enumerate\n}\n`;
    expect(firstError(count)).toMatch(/^8:18 enumerate-infinite: @enumerate: n is count .*only finite supports \(binary, int\(lo, hi\)\) can be summed over$/);
  });
});
