// `w ~ auto`: mean-field guides built from the latent's support, checked against conjugate
// posteriors known in closed form.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { checkSource } from '../lang/checker/index.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { compileOk, minibatch, makeSvi } from './helpers.js';
import { tf } from '../runtime/tf.js';
import type { Normal } from '../runtime/distributions/normal.js';
import { estimateElbo } from '../inference/elbo.js';
import { guideThenModel, onMinibatch, traceGuide } from '../inference/run.js';

beforeAll(async () => {
  await initBackend('auto');
});

function fit(source: string, rows: number[], steps: number, seed: string): (name: string) => number {
  const program = compileOk(source, seed);
  const svi = makeSvi(program, makeOptimizer('adam', 0.02), { particles: 10, kl: 'analytic' });
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

  it('positive latent -> LogNormal: matches the posterior mean under an Exponential prior within 3% (seed auto-p, 2000 steps)', () => {
    const xs = [3, 5, 2, 4, 6, 3, 4, 5, 2, 4];
    const p = fit('data x : count\nglobal rate : positive\nmodel {\n  rate ~ Exponential(0.5)\n  x ~ Poisson(rate)\n}\nguide {\n  rate ~ auto\n}\n', xs, 2000, 'auto-p');
    // posterior Gamma(1 + sum x, 0.5 + N); the LogNormal's mean is exp(loc + scale^2 / 2)
    const exactMean = (1 + xs.reduce((a, b) => a + b, 0)) / (0.5 + xs.length);
    const mean = Math.exp(p('auto.rate.loc') + p('auto.rate.scale') ** 2 / 2);
    expect(Math.abs(mean / exactMean - 1)).toBeLessThan(0.03);
  });

  it('positive latent with a Gamma prior -> Gamma in mean-concentration form: the Gamma-Poisson posterior within 3% in mean and 25% in shape (seed auto-p, 2000 steps at lr 0.02, where the steps of the shape are ten times larger: a 25% error at the right mean is 0.01 nats)', () => {
    const xs = [3, 5, 2, 4, 6, 3, 4, 5, 2, 4];
    const p = fit('data x : count\nglobal rate : positive\nmodel {\n  rate ~ Gamma(2, 1)\n  x ~ Poisson(rate)\n}\nguide {\n  rate ~ auto\n}\n', xs, 2000, 'auto-p');
    // posterior Gamma(2 + sum x, 1 + N): mean (2 + sum x) / (1 + N), shape 2 + sum x
    const sum = xs.reduce((a, b) => a + b, 0);
    expect(Math.abs(Math.exp(p('auto.rate.mean')) / ((2 + sum) / (1 + xs.length)) - 1)).toBeLessThan(0.03);
    expect(Math.abs(Math.exp(10 * p('auto.rate.concentration')) / (2 + sum) - 1)).toBeLessThan(0.25);
  });

  it('is checked: only in the guide, a local one only with data to read', () => {
    const cases: [string, RegExp][] = [
      ['latent z : real\nmodel {\n  z ~ Normal(0, 1)\n}\nguide {\n  z ~ auto\n}\n', /6:7: `z ~ auto`: z is a local latent, whose automatic guide is a net reading the data point, but the program declares no data/],
      ['data x : real\nglobal w : real\nmodel {\n  w ~ auto\n  x ~ Normal(w, 1)\n}\nguide {\n  w ~ auto\n}\n', /4:7: `auto` builds a guide/],
    ];
    for (const [source, message] of cases) {
      const text = checkSource('a.ppl', source).diagnostics.map((d) => `${d.span.line}:${d.span.column}: ${d.message}`).join('\n');
      expect(text).toMatch(message);
    }
  });

  it('int(0, K - 1) latent -> Categorical logits: matches the exact posterior over K = 3 values within 0.04 (seed auto-c, 2500 steps, score function with leave-one-out baseline)', () => {
    // x ~ Normal(k, 1) under a uniform prior on k (logits 0 * w: w is frozen, its gradient is 0)
    const xs = [1.5, 0.7, 1.9, 1.1, 1.4];
    const source = 'data x : real\nglobal k : int(0, 2)\nparam w : real[3]\nmodel {\n  k ~ Categorical(logits = 0 * w)\n  x ~ Normal(k, 1)\n}\nguide {\n  k ~ auto\n}\n';
    const program = compileOk(source, 'auto-c');
    expect(program.estimators().get('k')).toBe('score');
    const svi = makeSvi(program, makeOptimizer('adam', 0.05), { particles: 8, kl: 'analytic', baselines: ['loo'] });
    const batch = minibatch({ x: { rows: xs.map((v) => [v]), shape: [] } });
    const rng = new Rng('auto-c');
    for (let i = 0; i < 2500; i++) svi.step(batch, xs.length, rng);
    const logits = Array.from(program.params.value('auto.k.logits').dataSync());
    program.dispose();
    const softmax = (v: number[]): number[] => {
      const m = Math.max(...v);
      const e = v.map((a) => Math.exp(a - m));
      return e.map((a) => a / e.reduce((x, y) => x + y, 0));
    };
    const exact = softmax([0, 1, 2].map((k) => -xs.reduce((a, x) => a + (x - k) ** 2, 0) / 2));
    const learned = softmax(logits);
    console.log(`auto Categorical: learned ${learned.map((p) => p.toFixed(3)).join(', ')}, exact ${exact.map((p) => p.toFixed(3)).join(', ')}`);
    for (let k = 0; k < 3; k++) expect(Math.abs(learned[k]! - exact[k]!)).toBeLessThan(0.04);
  });

  it('a global latent the guide does not mention, and a program without a guide block, get the same automatic guide as `~ auto` (seed auto-n)', () => {
    const rng = new Rng('auto-n-data');
    const xs = Array.from({ length: 50 }, () => 1 + Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform()));
    const model = 'data x : real\nglobal mu : real\nmodel {\n  mu ~ Normal(0, 3)\n  x ~ Normal(mu, 1)\n}\n';
    const explicit = fit(`${model}guide {\n  mu ~ auto\n}\n`, xs, 300, 'auto-n');
    const silent = fit(`${model}guide {\n}\n`, xs, 300, 'auto-n');
    const absent = fit(model, xs, 300, 'auto-n');
    for (const name of ['auto.mu.loc', 'auto.mu.scale']) {
      expect(silent(name)).toBe(explicit(name));
      expect(absent(name)).toBe(explicit(name));
    }
  });

  it('starts global locations at a seeded uniform draw in (-2, 2), like NumPyro\'s init_to_uniform, so mixture means start apart', () => {
    const source = 'data x : real[2]\nglobal mu : real[2, 3]\nmodel {\n  mu ~ Normal(0, 10)\n  x ~ Normal(mu[:, 0], 1)\n}\n';
    const init = (seed: string): number[] => {
      const program = compileOk(source, seed);
      const v = Array.from(program.params.value('auto.mu.loc').dataSync());
      program.dispose();
      return v;
    };
    const a = init('s1');
    expect(init('s1')).toEqual(a);
    expect(init('s2')).not.toEqual(a);
    expect(a.every((v) => v > -2 && v < 2)).toBe(true);
    expect(new Set(a).size).toBe(6);
  });

  it('local latent -> amortized Normal from a generated net: reaches the exact posterior N(x / 2, 1 / 2) of the linear-Gaussian model (seed auto-l, 1500 steps; loc within 0.06, scale within 5%, ELBO within 0.02 nats of log p(x); tensor count flat)', () => {
    // z ~ N(0, 1), x ~ N(z, 1): p(z | x) = N(x / 2, 1 / 2) and p(x) = N(0, 2), with no guide written
    const program = compileOk('data x : real\nlatent z : real\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(z, 1)\n}\n', 'auto-l');
    const data = new Rng('auto-l-data');
    const xs = Array.from({ length: 400 }, () => Math.SQRT2 * Math.sqrt(-2 * Math.log(1 - data.uniform())) * Math.cos(2 * Math.PI * data.uniform()));
    const svi = makeSvi(program, makeOptimizer('adam', 0.01), { particles: 8, kl: 'analytic' });
    const batch = minibatch({ x: { rows: xs.map((v) => [v]), shape: [] } });
    const rng = new Rng('auto-l');
    let tensorsAtStep10 = 0;
    for (let i = 0; i < 1500; i++) {
      svi.step(batch, xs.length, rng);
      if (i === 9) tensorsAtStep10 = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(tensorsAtStep10);
    const probe = [-1.5, -0.5, 0, 0.5, 1.5];
    const { loc, scale } = tf.tidy(() => {
      const probeBatch = { data: new Map([['x', tf.tensor(probe, [1, probe.length])]]), size: probe.length };
      const trace = traceGuide(program, probeBatch.data, onMinibatch(probeBatch, { particles: 1, rng: new Rng('probe') }));
      const q = trace.get('z')!.dist as Normal;
      return { loc: Array.from(q.loc.dataSync()), scale: Array.from(q.scale.dataSync()) };
    });
    // the ELBO of the whole data set against the exact log-likelihood, many particles
    const elbo = tf.tidy(() => {
      const { guide, model } = guideThenModel(program, batch, { particles: 200, rng: new Rng('auto-l-elbo') });
      const est = estimateElbo(guide, model, 200, { kl: 'analytic' });
      return tf.mean(est.total).dataSync()[0]! / xs.length;
    });
    const exact = xs.reduce((a, x) => a - 0.5 * Math.log(2 * Math.PI * 2) - (x * x) / 4, 0) / xs.length;
    console.log(`auto amortized Normal: loc ${loc.map((v) => v.toFixed(3)).join(', ')} at x = ${probe.join(', ')}; scale ${scale.map((v) => v.toFixed(3)).join(', ')}; ELBO ${elbo.toFixed(4)} vs log p(x) ${exact.toFixed(4)}`);
    svi.dispose();
    program.dispose();
    probe.forEach((x, i) => {
      expect(Math.abs(loc[i]! - x / 2)).toBeLessThan(0.06);
      expect(Math.abs(scale[i]! / Math.SQRT1_2 - 1)).toBeLessThan(0.05);
    });
    expect(elbo).toBeLessThan(exact + 0.01);
    expect(exact - elbo).toBeLessThan(0.02);
  });
});
