// @enumerate: a discrete local latent summed out exactly in the model (like Pyro's TraceEnum).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { checkSource } from '../lang/checker/index.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { compileOk, minibatch, makeSvi } from './helpers.js';

const LOG2PI = Math.log(2 * Math.PI);
const normal = (x: number, m: number, s: number): number => -0.5 * LOG2PI - Math.log(s) - (x - m) ** 2 / (2 * s * s);
const logAddExp = (a: number, b: number): number => Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));

const MIXTURE = `
data   x : real
latent c : binary
param  mu : real = 2
model {
  c ~ Bernoulli(probs = 0.3) @enumerate
  x ~ Normal(mu * (2 * c - 1), 1)
}
guide { }
`;

const XS = [-2.5, -0.3, 0.4, 1.9, 3.1];

beforeAll(async () => {
  await initBackend('auto');
});

function perPoint(source: string, rows: number[][], shape: number[], particles: number, seed: string, kl: 'mc' | 'analytic' = 'mc'): number[][] {
  const program = compileOk(source, seed);
  const svi = makeSvi(program, makeOptimizer('adam', 1e-3), { particles, kl });
  const out = tf.tidy(() => svi.estimate(minibatch({ x: { rows, shape } }), rows.length, new Rng(seed)).local.arraySync() as number[][]);
  program.dispose();
  return out;
}

describe('@enumerate sums a discrete latent out exactly', () => {
  it('a two-component mixture: the per-point objective equals log p(x) with no variance', () => {
    const local = perPoint(MIXTURE, XS.map((x) => [x]), [], 3, 'mix');
    XS.forEach((x, i) => {
      const exact = logAddExp(Math.log(0.3) + normal(x, 2, 1), Math.log(0.7) + normal(x, -2, 1));
      for (const row of local) expect(row[i]!).toBeCloseTo(exact, 4);
    });
  });

  it('trains the component mean by SVI to its maximum-likelihood value (seed mix-fit; 0.05)', () => {
    const rng = new Rng('mix-data');
    const data = Array.from({ length: 400 }, () => (rng.uniform() < 0.3 ? 1.5 : -1.5) + Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform()) * 0.5);
    const program = compileOk(MIXTURE.replace('param  mu : real = 2', 'param  mu : real = 0.5'), 'mix-fit');
    const svi = makeSvi(program, makeOptimizer('adam', 0.05), { particles: 1, kl: 'mc' });
    const batch = minibatch({ x: { rows: data.map((v) => [v]), shape: [] } });
    const r = new Rng('mix-fit');
    for (let i = 0; i < 300; i++) svi.step(batch, data.length, r);
    const mu = program.params.value('mu').dataSync()[0]!;
    program.dispose();
    // the maximum-likelihood mu for +-1.5 clusters with unit-variance components
    let best = 0;
    let bestLl = -Infinity;
    for (let m = 0.5; m <= 3; m += 0.001) {
      const ll = data.reduce((a, x) => a + logAddExp(Math.log(0.3) + normal(x, m, 1), Math.log(0.7) + normal(x, -m, 1)), 0);
      if (ll > bestLl) [best, bestLl] = [m, ll];
    }
    expect(Math.abs(mu - best)).toBeLessThan(0.05);
  });

  it('with a continuous latent beside it: a lower bound on log p(x), tight at the exact guide (seed enum-z, 2000 particles, 4 SE)', () => {
    // c ~ Bernoulli(0.5) summed out; z ~ N(0, 1); x ~ N(z + 3c, 0.5): p(x) = sum_c 0.5 N(x; 3c, sqrt(1.25))
    const source = (a: number, s: number): string => `
data   x : real
latent c : binary
latent z : real
param  a : real = ${a}
param  s : positive = ${s}
model {
  c ~ Bernoulli(probs = 0.5) @enumerate
  z ~ Normal(0, 1)
  x ~ Normal(z + 3 * c, 0.5)
}
guide {
  z ~ Normal(a * x, s)
}
`;
    const xs = [-0.5, 1.4, 3.2];
    const local = perPoint(source(0.3, 0.9), xs.map((x) => [x]), [], 2000, 'enum-z');
    xs.forEach((x, i) => {
      const col = local.map((r) => r[i]!);
      const mean = col.reduce((p, v) => p + v, 0) / col.length;
      const se = Math.sqrt(col.reduce((p, v) => p + (v - mean) ** 2, 0) / (col.length - 1) / col.length);
      const exact = logAddExp(Math.log(0.5) + normal(x, 0, Math.sqrt(1.25)), Math.log(0.5) + normal(x, 3, Math.sqrt(1.25)));
      expect(mean).toBeLessThan(exact + 4 * se);
      expect(exact - mean).toBeGreaterThan(0.01);
    });
  });

  it('is checked: only finite local latents, no guide site, bounded size', () => {
    const cases: [string, RegExp][] = [
      ['data x : real\nlatent z : real\nmodel {\n  z ~ Normal(0, 1) @enumerate\n  x ~ Normal(z, 1)\n}\nguide { }\n', /4:20: @enumerate: z is real; only finite supports/],
      ['data x : real\nlatent c : binary\nmodel {\n  c ~ Bernoulli(probs = 0.5) @enumerate\n  x ~ Normal(c, 1)\n}\nguide {\n  c ~ Bernoulli(probs = 0.5)\n}\n', /8:3: c is summed out by @enumerate/],
      ['data x : real\nlatent c : binary[12]\nmodel {\n  c ~ Bernoulli(probs = 0.5) @enumerate\n  x ~ Normal(sum(c), 1)\n}\nguide { }\n', /4:30: @enumerate: summing out c means 4096 joint values/],
      ['data x : real\nglobal c : binary\nmodel {\n  c ~ Bernoulli(probs = 0.5) @enumerate\n  x ~ Normal(c, 1)\n}\nguide { }\n', /4:30: @enumerate: c is global/],
    ];
    for (const [source, message] of cases) {
      const r = checkSource('e.ppl', source);
      const text = r.diagnostics.map((d) => `${d.span.line}:${d.span.column}: ${d.message}`).join('\n');
      expect(text).toMatch(message);
    }
  });
});

const SUMMED_DATA = `
data   x : real
data   c : binary missing
param  mu : real = 2
model {
  c ~ Bernoulli(probs = 0.3) @enumerate
  x ~ Normal(mu * (2 * c - 1), 1)
}
guide { }
`;

describe('@enumerate on data with missing entries sums out the missing ones in the model', () => {
  it('an observed entry counts at its value only, a missing one is summed out: log p(x, c) or log p(x), with no variance', () => {
    const cs = [1, NaN, 0, NaN, 1];
    const program = compileOk(SUMMED_DATA, 'summed');
    const svi = makeSvi(program, makeOptimizer('adam', 1e-3), { particles: 2, kl: 'mc' });
    const batch = {
      ...minibatch({ x: { rows: XS.map((x) => [x]), shape: [] }, c: { rows: cs.map((c) => [Number.isNaN(c) ? 0 : c]), shape: [] } }),
      observed: new Map([['c', tf.tensor(cs.map((c) => (Number.isNaN(c) ? 0 : 1)), [1, cs.length])]]),
    };
    const local = tf.tidy(() => svi.estimate(batch, XS.length, new Rng('summed')).local.arraySync() as number[][]);
    program.dispose();
    XS.forEach((x, i) => {
      const c = cs[i]!;
      const exact = Number.isNaN(c) ? logAddExp(Math.log(0.3) + normal(x, 2, 1), Math.log(0.7) + normal(x, -2, 1)) : Math.log(c === 1 ? 0.3 : 0.7) + normal(x, c === 1 ? 2 : -2, 1);
      for (const row of local) expect(row[i]!).toBeCloseTo(exact, 4);
    });
  });

  it('needs no guide site and refuses one, and refuses data declared without missing', () => {
    expect(checkSource('t.ppl', SUMMED_DATA).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const proposed = checkSource('t.ppl', SUMMED_DATA.replace('guide { }', 'guide { c ~ Bernoulli(probs = 0.5) }'));
    expect(proposed.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code}`)).toContain('9:9 missing-summed-proposed');
    const plain = checkSource('t.ppl', SUMMED_DATA.replace('binary missing', 'binary'));
    expect(plain.diagnostics.find((d) => d.severity === 'error')?.message).toBe('@enumerate: c is data, which is observed; only latents, and data declared `missing` (its missing entries), are summed out');
  });
});
