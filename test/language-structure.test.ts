// The language's structure: loops and element sites, indexing by integer values, array
// constants and param initial values, factor and @scale, data with missing entries, and the
// checker's messages for each. Statistical figures are exact here (fixed draws), so every
// tolerance is float32 rounding.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { checkSource } from '../lang/checker/index.js';
import { parseProgram } from '../lang/parser.js';
import { estimateElbo } from '../inference/elbo.js';
import { guideThenModel, type Minibatch } from '../inference/run.js';
import { toMinibatch } from '../inference/minibatch.js';
import { scale, substitute } from '../runtime/effects/handlers.js';
import { gatherEvent, matmulEvent, oneHotEvent } from '../runtime/functions.js';
import { checkOk, compileOk, minibatch } from './helpers.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** The first error of a program, as "line:col message". */
function firstError(source: string): string {
  const r = checkSource('t.ppl', source);
  const e = r.diagnostics.find((d) => d.severity === 'error');
  return e ? `${e.span.line}:${e.span.column} ${e.message}` : 'no error';
}

const lines = (...ls: string[]): string => ls.join('\n');

describe('indexing by integer values (gathers)', () => {
  it('a[g] equals the one-hot spelling matmul(a, one_hot(g)), in value and in gradient', () => {
    const a = tf.tensor([[[[1, 2], [3, 4], [5, 6]]]]); // [1, 1, 3, 2]
    const g = tf.tensor([[2, 0, 1, 2]]); // [1, 4]
    const f = (x: tf.Tensor): tf.Tensor => tf.sum(tf.mul(gatherEvent(x, g, 0), tf.tensor([1, -2])));
    const h = (x: tf.Tensor): tf.Tensor => {
      const picked = matmulEvent(oneHotEvent(g, 3), tf.reshape(x, [1, 1, 3, 2]));
      return tf.sum(tf.mul(picked, tf.tensor([1, -2])));
    };
    expect(Array.from(gatherEvent(a, g, 0).dataSync())).toEqual([5, 6, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(tf.grad(f)(a).dataSync())).toEqual(Array.from(tf.grad(h)(a).dataSync()));
  });

  it('indexes by data, by a vector of group ids (a constant array), on a later axis, and by the loop variable', () => {
    const p = compileOk(
      lines(
        'const state_of = [1, 0, 1]',
        'data g : int(0, 2)',
        'data y : real',
        'param m : real[2, 3] = [[1, 2, 3], [4, 5, 6]]',
        'param s : real[2] = [10, 20]',
        'model {',
        '  let per_county = s[state_of]', // [3]: 20, 10, 20
        '  let row = m[1, g]', // 4, 5 or 6
        '  y ~ Normal(per_county[g] + row, 1)',
        '}',
      ),
    );
    const batch = minibatch({ g: { rows: [[0], [1], [2]], shape: [] }, y: { rows: [[0], [0], [0]], shape: [] } });
    const { model } = guideThenModel(p, batch, { particles: 1, rng: new Rng('g') });
    const loc = (model.get('y')!.dist as unknown as { loc: tf.Tensor }).loc;
    expect(Array.from(loc.dataSync())).toEqual([24, 15, 26]);
  });
});

describe('param initial values', () => {
  it('an array broadcasts to the shape; a random draw is seeded per param and lies in its range', () => {
    const src = lines('data x : real', 'param a : real[2, 3] = [1, 2, 3]', 'param u : unit[4] = uniform(0.2, 0.4)', 'param n : real[1000] = normal(3, 0.5)', 'model { x ~ Normal(sum(a) + sum(u) + sum(n), 1) }');
    const p = compileOk(src, 'init');
    expect(Array.from(p.params.value('a').dataSync())).toEqual([1, 2, 3, 1, 2, 3]);
    const u = Array.from(p.params.value('u').dataSync());
    for (const v of u) expect(v > 0.2 - 1e-6 && v < 0.4 + 1e-6).toBe(true);
    const n = Array.from(p.params.value('n').dataSync());
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const sd = Math.sqrt(n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length);
    // 1000 draws: the mean within 4 standard errors (0.016) of 3, the sd within 10% of 0.5
    expect(Math.abs(mean - 3)).toBeLessThan(0.07);
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.05);
    expect(Array.from(compileOk(src, 'init').params.value('u').dataSync())).toEqual(u);
    expect(Array.from(compileOk(src, 'other').params.value('u').dataSync())).not.toEqual(u);
  });
});

describe('factor and @scale', () => {
  const base = (extra: string, annotation = ''): string =>
    lines('data x : real', 'global w : real', 'model {', '  w ~ Normal(0, 1)', `  x ~ Normal(w, 1)${annotation}`, extra, '}', 'guide { w ~ Normal(0.5, 1) }');
  const batch = (): Minibatch => minibatch({ x: { rows: [[1], [2], [3], [4]], shape: [] } });
  const elbo = (src: string, n = 4, handlers: ReturnType<typeof scale>[] = []): number =>
    tf.tidy(() => {
      const { guide, model } = guideThenModel(compileOk(src), batch(), { particles: 1, rng: new Rng('f'), datasetSize: n, handlers: [substitute(new Map([['w', tf.tensor([[0.3]])]])), ...handlers] });
      return estimateElbo(guide, model, 1, { kl: 'mc' }).total.dataSync()[0]!;
    });

  it('a global factor adds its value once; a local one its sum over the points, scaled by N/M', () => {
    const plain = elbo(base(''));
    expect(elbo(base('  factor(-2.5)')) - plain).toBeCloseTo(-2.5, 4);
    // local: sum over the minibatch of -x, times N/M = 12/4
    expect(elbo(base('  factor(-x)'), 12) - elbo(base(''), 12)).toBeCloseTo(-3 * (1 + 2 + 3 + 4), 3);
    expect(elbo(base('  factor(-x) @scale(0.5)'), 12) - elbo(base(''), 12)).toBeCloseTo(-1.5 * (1 + 2 + 3 + 4), 3);
    // one term per iteration inside a loop: t = 0, 1, 2
    expect(elbo(base('  for t in 0:3 { factor(-0.5 * t) }')) - plain).toBeCloseTo(-1.5, 4);
  });

  it('@scale(c) on a data site multiplies its log-likelihood; the scale handler (KL annealing) the latent terms', () => {
    const plain = tf.tidy(() => {
      const { guide, model } = guideThenModel(compileOk(base('')), batch(), { particles: 1, rng: new Rng('f'), handlers: [substitute(new Map([['w', tf.tensor([[0.3]])]]))] });
      const lik = model.get('x')!.logProb.sum().dataSync()[0]!;
      const latent = model.get('w')!.logProb.sum().dataSync()[0]! - guide.get('w')!.logProb.sum().dataSync()[0]!;
      return { lik, latent };
    });
    expect(elbo(base('', ' @scale(3)')) - (3 * plain.lik + plain.latent)).toBeCloseTo(0, 3);
    expect(elbo(base(''), 4, [scale(0.25, (m) => m.kind === 'latent')]) - (plain.lik + 0.25 * plain.latent)).toBeCloseTo(0, 3);
  });
});

describe('groups: the minibatch estimate is unbiased', () => {
  it('group-level latents count once per step and data terms N/M times: the mean over a partition into minibatches is the full-batch value', () => {
    const src = lines(
      'const J = 4',
      'data c : int(0, J-1)',
      'data y : real',
      'global mu : real',
      'global a : real[J]',
      'model {',
      '  mu ~ Normal(0, 5)',
      '  a ~ Normal(mu, 1)',
      '  y ~ Normal(a[c], 0.5)',
      '}',
    );
    const program = compileOk(src);
    const rows = 12;
    const c = Array.from({ length: rows }, (_, i) => [i % 4]);
    const y = Array.from({ length: rows }, (_, i) => [Math.sin(i)]);
    const fixed = substitute(new Map([['mu', tf.tensor([[0.2]])], ['a', tf.tensor([[[0.1, -0.4, 0.3, 0.9]]])]]));
    const total = (from: number, to: number): number =>
      tf.tidy(() => {
        const mb = minibatch({ c: { rows: c.slice(from, to), shape: [] }, y: { rows: y.slice(from, to), shape: [] } });
        const { guide, model } = guideThenModel(program, mb, { particles: 1, rng: new Rng('u'), datasetSize: rows, handlers: [fixed] });
        return estimateElbo(guide, model, 1, { kl: 'mc' }).total.dataSync()[0]!;
      });
    const full = total(0, rows);
    const parts = [0, 3, 6, 9].map((from) => total(from, from + 3));
    expect(parts.reduce((s, v) => s + v, 0) / parts.length).toBeCloseTo(full, 3);
    // and one minibatch alone is not the full value (the test can fail)
    expect(Math.abs(parts[0]! - full)).toBeGreaterThan(0.1);
  });
});

describe('data with missing entries', () => {
  it('the guide proposes only the missing entries; the model scores the observed ones as data and the filled ones under its prior', () => {
    const src = lines(
      'data x : real[2] missing',
      'param m : real = 1',
      'model { x ~ Normal(m, 1) }',
      'guide { x ~ Normal(5, 0.001) }',
    );
    const program = compileOk(src);
    const checked = checkOk(src);
    expect(checked.data[0]!.missing).toBe(true);
    const mb = toMinibatch({ size: 2, indices: new Uint32Array([0, 1]), fields: { x: new Float32Array([0.5, NaN, NaN, 2]) } }, program.lowered, new Map([['x', 'x']]));
    tf.tidy(() => {
      const { guide, model } = guideThenModel(program, mb, { particles: 1, rng: new Rng('m') });
      const filled = Array.from(model.get('x')!.value.dataSync());
      expect(filled[0]).toBeCloseTo(0.5, 5);
      expect(filled[1]).toBeCloseTo(5, 2);
      expect(filled[2]).toBeCloseTo(5, 2);
      expect(filled[3]).toBeCloseTo(2, 5);
      // log q counts the two proposed entries only: each about log N(5 | 5, 0.001) = 5.99
      const logq = guide.get('x')!.logProb.sum().dataSync()[0]!;
      expect(logq).toBeGreaterThan(2 * 5.9 - 2);
      expect(logq).toBeLessThan(2 * 6.1);
    });
  });
});

describe('filling in a new data point', () => {
  it('encode reports the missing entries as the guide proposes them, and the observed ones as observed (sd 0)', async () => {
    const src = lines('data x : real[3] missing', 'param m : real = 1', 'model { x ~ Normal(m, 1) }', 'guide { x ~ Normal(7, 0.5) }');
    const program = compileOk(src);
    const { encodeBatch } = await import('../trained/encode.js');
    const mb = toMinibatch({ size: 1, indices: new Uint32Array([0]), fields: { x: new Float32Array([0.25, NaN, -1]) } }, program.lowered, new Map([['x', 'x']]));
    const [x] = encodeBatch(program, mb, new Rng('e'), 4);
    expect(x!.name).toBe('x');
    expect(Array.from(x!.stats['mean']!)).toEqual([0.25, 7, -1]);
    expect(Array.from(x!.stats['sd']!)).toEqual([0, 0.5, 0]);
  });
});

describe('a value drawn whole on one side and element by element on the other', () => {
  it('gives the same ELBO at the same draws, whichever side draws it element by element', () => {
    const whole = { model: '  z ~ Normal(0, 1)', guide: '  z ~ Normal(x / 2, 0.7)' };
    const elements = {
      model: '  z[0] ~ Normal(0, 1)\n  for t in 1:3 { z[t] ~ Normal(0, 1) }',
      guide: '  z[0] ~ Normal(x[0] / 2, 0.7)\n  for t in 1:3 { z[t] ~ Normal(x[t] / 2, 0.7) }',
    };
    const value = (model: string, guide: string): number =>
      tf.tidy(() => {
        const src = lines('data x : real[3]', 'latent z : real[3]', 'model {', model, '  x ~ Normal(z, 1)', '}', 'guide {', guide, '}');
        const batch = minibatch({ x: { rows: [[1, 2, 3], [0, -1, 2]], shape: [3] } });
        const fixed = substitute(new Map([['z', tf.tensor([[[0.3, -0.2, 1.1], [0.5, 0.1, -0.4]]])]]));
        const { guide: g, model: m } = guideThenModel(compileOk(src), batch, { particles: 1, rng: new Rng('w'), handlers: [fixed] });
        return estimateElbo(g, m, 1, { kl: 'mc' }).total.dataSync()[0]!;
      });
    const reference = value(whole.model, whole.guide);
    expect(value(elements.model, whole.guide)).toBeCloseTo(reference, 4);
    expect(value(whole.model, elements.guide)).toBeCloseTo(reference, 4);
    expect(value(elements.model, elements.guide)).toBeCloseTo(reference, 4);
  });
});

describe('encoding a latent drawn element by element', () => {
  it('reports it whole, [N] per point, its elements in order', async () => {
    const src = lines(
      'data x : real[3]',
      'latent z : real[3]',
      'model {',
      '  z[0] ~ Normal(0, 1)',
      '  for t in 1:3 { z[t] ~ Normal(z[t - 1], 1) }',
      '  x ~ Normal(z, 1)',
      '}',
      'guide {',
      '  z[0] ~ Normal(x[0], 1)',
      '  for t in 1:3 { z[t] ~ Normal(10 * t + x[t], 0.5) }',
      '}',
    );
    const program = compileOk(src);
    const { encodeBatch } = await import('../trained/encode.js');
    const mb = minibatch({ x: { rows: [[1, 2, 3], [4, 5, 6]], shape: [3] } });
    const [z] = encodeBatch(program, mb, new Rng('e'), 4);
    expect(z!.name).toBe('z');
    expect(z!.shape).toEqual([3]);
    expect(Array.from(z!.stats['mean']!)).toEqual([1, 12, 23, 4, 15, 26]);
    expect(Array.from(z!.stats['sd']!)).toEqual([1, 0.5, 0.5, 1, 0.5, 0.5]);
  });
});

describe('checker: the messages of the structure', () => {
  const cases: [string, string, string][] = [
    ['loop with no iteration', lines('data x : real[3]', 'model {', '  for t in 2:2 { x[t] ~ Normal(0, 1) }', '}'), '3:3 the loop t in 2:2 runs no iteration'],
    ['site without the element in a loop', lines('data x : real[3]', 'model {', '  for t in 0:3 { x ~ Normal(0, 1) }', '}'), '3:18 inside the loop over t, a ~ draws one element per iteration: write x[t] ~ ...'],
    ['elements not covered', lines('data x : real[3]', 'model {', '  for t in 1:3 { x[t] ~ Normal(0, 1) }', '}'), '3:18 element 0 of x has no ~ in the model block'],
    ['element drawn twice', lines('data x : real[3]', 'model {', '  x[0] ~ Normal(0, 1)', '  for t in 0:3 { x[t] ~ Normal(0, 1) }', '}'), '4:18 elements 0 to 2 of x are already drawn in the model block (line 3)'],
    ['loop index out of range', lines('data x : real[3]', 'model {', '  x[0] ~ Normal(0, 1)', '  for t in 1:3 { x[t] ~ Normal(x[t - 2], 1) }', '}'), '4:34 t - 2 runs from -1 to 0 over the loop t in 1:3'],
    ['index by a real value', lines('data x : real', 'data g : real', 'param a : real[3]', 'model { x ~ Normal(a[g], 1) }'), '4:22 an index must be a constant, a loop variable (t, t - 1, ...) or integer-valued'],
    ['integer index outside the axis', lines('data x : real', 'data g : int(0, 5)', 'param a : real[3]', 'model { x ~ Normal(a[g], 1) }'), '4:22 g takes values 0 to 5, but axis 0 of a has size 3'],
    ['ragged array', lines('const m = [[1, 2], [3]]', 'data x : real', 'model { x ~ Normal(0, 1) }'), '1:11 the elements of this array differ in shape'],
    ['param init array of the wrong shape', lines('data x : real', 'param a : real[3] = [1, 2]', 'model { x ~ Normal(sum(a), 1) }'), '2:21 the initial values of param a have shape [2], which does not broadcast to its shape [3]'],
    ['normal init of a positive param', lines('data x : real', 'param s : positive = normal(0, 1)', 'model { x ~ Normal(0, s) }'), '2:22 normal(mean, sd) can start only a real param'],
    ['@scale with a negative factor', lines('data x : real', 'model { x ~ Normal(0, 1) @scale(-1) }'), '2:33 the factor of @scale must be >= 0, got -1'],
    ['chain read two steps back', lines('data x : real[5]', 'latent z : int(0, 1)[5]', 'model {', '  z[0] ~ Bernoulli(probs = 0.5) @enumerate', '  for t in 1:5 {', '    z[t] ~ Bernoulli(probs = 0.5) @enumerate', '    x[t] ~ Normal(z[t] + z[t - 1], 1)', '  }', '  x[0] ~ Normal(z[0], 1)', '}'), '9:17 z is summed out step by step inside its loop (line 5), so it has no value after it'],
    ['chain without its first element first', lines('data x : real[5]', 'latent z : int(0, 1)[5]', 'model {', '  for t in 0:5 {', '    z[t] ~ Bernoulli(probs = 0.5) @enumerate', '    x[t] ~ Normal(z[t], 1)', '  }', '}'), '5:5 z is summed out element by element (@enumerate), as a Markov chain'],
    ['guide reads an enumerated latent', lines('data x : real', 'latent k : int(0, 1)', 'latent w : real', 'model {', '  k ~ Bernoulli(probs = 0.5) @enumerate', '  w ~ Normal(k, 1)', '  x ~ Normal(w, 1)', '}', 'guide { w ~ Normal(k, 1) }'), '9:20 k is summed out in the model (@enumerate), so it has no value in the guide'],
    ['missing data with no proposal', lines('data x : real missing', 'model { x ~ Normal(0, 1) }'), "1:15 data x may have missing entries: the guide must propose them"],
    ['missing data not modelled', lines('data x : real missing', 'data y : real', 'model { y ~ Normal(x, 1) }'), '1:15 data x may have missing entries, but the model gives it no distribution'],
    ['site in nested loops', lines('data x : real[3]', 'model {', '  for i in 0:2 { for t in 0:3 { x[t] ~ Normal(0, 1) } }', '}'), '3:33 a ~ inside two loops (over i and t) would draw x[t] again on every step of i'],
    ['observed() of complete data', lines('data x : real', 'data y : real', 'model { x ~ Normal(0, 1); factor(observed(y)) }'), '3:43 observed(y) asks which entries of a data declaration are observed: its argument must name data declared `missing`'],
    ['factor in the guide', lines('data x : real', 'global w : real', 'model { w ~ Normal(0, 1); x ~ Normal(w, 1) }', 'guide { w ~ Normal(0, 1); factor(w) }'), "4:27 factor(...) adds a term to the model's log-density: it belongs in the model block"],
    ['unknown word after a data type', lines('data x : real optional', 'model { x ~ Normal(0, 1) }'), "1:15 unknown word 'optional' after the type of data x: the only one is 'missing'"],
  ];
  it.each(cases)('%s', (_what, source, expected) => {
    expect(firstError(source)).toContain(expected);
  });

  it('statements the language does not have say what to write instead', () => {
    const errorOf = (source: string): string => {
      const d = parseProgram('t.ppl', source).diagnostics[0];
      return d ? `${d.span.line}:${d.span.column} ${d.message}` : 'no error';
    };
    expect(errorOf('model {\n  if (x > 0) { }\n}')).toContain("2:3 there is no 'if'");
    expect(errorOf('model {\n  target += normal_lpdf(x, 0, 1)\n}')).toContain("2:3 Stan's 'target += e' is written factor(e) here");
    expect(errorOf('model {\n  for (t in 1:T) { }\n}')).toContain('2:7 a loop is written without parentheses: for t in 1:T { ... }');
    expect(errorOf('model {\n  while (1) { }\n}')).toContain("2:3 there are no 'while' loops");
    expect(errorOf('parameters {\n  real mu;\n}')).toContain("1:1 Stan's blocks are declarations here");
    expect(errorOf('model {\n  vector[3] z;\n}')).toContain('2:3 declarations go at the top of the file');
  });
});
