// `w ~ auto`: mean-field guides built from the latent's support, checked against conjugate
// posteriors known in closed form.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { checkSource } from '../lang/checker/index.js';
import { Svi } from '../inference/svi.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { compileOk, minibatch } from './helpers.js';

beforeAll(async () => {
  await initBackend('auto');
});

function fit(source: string, rows: number[], steps: number, seed: string): (name: string) => number {
  const program = compileOk(source, seed);
  const svi = new Svi(program, makeOptimizer('adam', 0.02), { particles: 10, kl: 'analytic' });
  const batch = minibatch({ x: { rows: rows.map((v) => [v]), shape: [] } });
  const rng = new Rng(seed);
  for (let i = 0; i < steps; i++) svi.step(batch, rows.length, rng);
  const values = new Map(program.params.names().map((n) => [n, program.params.value(n).dataSync()[0]!]));
  program.dispose();
  return (name) => values.get(name)!;
}

describe('automatic guides', () => {
  it('real latent -> Normal: reaches the exact Normal-Normal posterior (seed auto-n, 2000 steps; 0.02 and 10%)', () => {
    const rng = new Rng('auto-n-data');
    const xs = Array.from({ length: 50 }, () => 1 + Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform()));
    const p = fit('data x : real\nglobal mu : real\nmodel {\n  mu ~ Normal(0, 3)\n  x ~ Normal(mu, 1)\n}\nguide {\n  mu ~ auto\n}\n', xs, 2000, 'auto-n');
    const precision = xs.length + 1 / 9;
    expect(Math.abs(p('auto.mu.loc') - xs.reduce((a, b) => a + b, 0) / precision)).toBeLessThan(0.02);
    expect(Math.abs(p('auto.mu.scale') / Math.sqrt(1 / precision) - 1)).toBeLessThan(0.1);
  });

  it('positive latent -> LogNormal: matches the Gamma-Poisson posterior mean within 3% (seed auto-p, 2000 steps)', () => {
    const xs = [3, 5, 2, 4, 6, 3, 4, 5, 2, 4];
    const p = fit('data x : count\nglobal rate : positive\nmodel {\n  rate ~ Gamma(2, 1)\n  x ~ Poisson(rate)\n}\nguide {\n  rate ~ auto\n}\n', xs, 2000, 'auto-p');
    // posterior Gamma(2 + sum x, 1 + N); the LogNormal's mean is exp(loc + scale^2 / 2)
    const exactMean = (2 + xs.reduce((a, b) => a + b, 0)) / (1 + xs.length);
    const mean = Math.exp(p('auto.rate.loc') + p('auto.rate.scale') ** 2 / 2);
    expect(Math.abs(mean / exactMean - 1)).toBeLessThan(0.03);
  });

  it('is checked: only in the guide, only for global latents, only for supports with a family', () => {
    const cases: [string, RegExp][] = [
      ['data x : real\nlatent z : real\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(z, 1)\n}\nguide {\n  z ~ auto\n}\n', /8:7: `z ~ auto`: z is a local latent/],
      ['data x : real\nglobal w : real\nmodel {\n  w ~ auto\n  x ~ Normal(w, 1)\n}\nguide {\n  w ~ auto\n}\n', /4:7: `auto` builds a guide/],
      ['data x : real\nglobal k : count\nmodel {\n  k ~ Poisson(3)\n  x ~ Normal(k, 1)\n}\nguide {\n  k ~ auto\n}\n', /8:7: no automatic guide for/],
    ];
    for (const [source, message] of cases) {
      const text = checkSource('a.ppl', source).diagnostics.map((d) => `${d.span.line}:${d.span.column}: ${d.message}`).join('\n');
      expect(text).toMatch(message);
    }
  });
});
