// The built-in functions one_hot and concat: the checker's shapes and errors, and the runtime's
// values and gradients over the [particles, batch, ...event] layout.
import { describe, expect, it } from 'vitest';
import { checkSource } from '../lang/checker/index.js';
import { formatDiagnostics } from '../lang/diagnostics.js';
import type { CheckedProgram } from '../lang/checked.js';
import { concatEvent, oneHotEvent } from '../runtime/functions.js';
import { tf } from '../runtime/tf.js';

const lines = (...ls: string[]): string => ls.join('\n');

/** data x : real[5], data k : int(0, 2), data b : binary, latent z : real[2], with `model` lines. */
function program(model: string[], decls: string[] = []): string {
  return lines(
    'data x : real[5]',
    'data k : int(0, 2)',
    'data b : binary',
    'data n : count',
    'latent z : real[2]',
    'latent m : real[3, 2]',
    ...decls,
    'model {',
    '  z ~ Normal(0, 1)',
    '  m ~ Normal(0, 1)',
    ...model,
    '}',
    'guide {',
    '  z ~ Normal(0, 1)',
    '  m ~ Normal(0, 1)',
    '}',
  );
}

function shapeOfText(checked: CheckedProgram, text: string): readonly number[] | undefined {
  for (const [e, s] of checked.shapes) if (checked.source.slice(e.span.offset, e.span.offset + e.span.length) === text) return s;
  return undefined;
}

function clean(source: string): CheckedProgram {
  const r = checkSource('test.ppl', source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.checked || errors.length) throw new Error(`expected a clean check:\n${formatDiagnostics('test.ppl', source, r.diagnostics)}`);
  return r.checked;
}

/** The first error's message and line:col. */
function firstError(source: string): string {
  const r = checkSource('test.ppl', source);
  const e = r.diagnostics.find((d) => d.severity === 'error');
  return e ? `${e.span.line}:${e.span.column} ${e.message}` : 'no error';
}

describe('one_hot and concat: shapes', () => {
  it('infers [..., n] for one_hot and the summed axis for concat', () => {
    const c = clean(program(['  x ~ Normal(concat(one_hot(k), z), 1)']));
    expect(shapeOfText(c, 'one_hot(k)')).toEqual([3]);
    expect(shapeOfText(c, 'concat(one_hot(k), z)')).toEqual([5]);
  });

  it('takes n explicitly, reads binary as two classes, and joins along a chosen axis', () => {
    const c = clean(
      program([
        '  let a = one_hot(k, n = 4)',
        '  let c = one_hot(b)',
        '  let d = concat(m, m, axis = 0)',
        '  let e = concat(m, m, m)',
        '  x ~ Normal(sum(a) + sum(c) + sum(d) + sum(e), 1)',
      ]),
    );
    expect(shapeOfText(c, 'one_hot(k, n = 4)')).toEqual([4]);
    expect(shapeOfText(c, 'one_hot(b)')).toEqual([2]);
    expect(shapeOfText(c, 'concat(m, m, axis = 0)')).toEqual([6, 2]);
    expect(shapeOfText(c, 'concat(m, m, m)')).toEqual([3, 6]);
  });
});

describe('one_hot and concat: errors at the offending argument', () => {
  const rows: [string, string[], string, string[]?][] = [
    ['one_hot of a real', ['  x ~ Normal(sum(one_hot(z)), 1)'], '10:26 one_hot takes the name of a data or latent of a finite integer type, int(lo, hi) or binary, not real'],
    ['one_hot of an expression', ['  x ~ Normal(sum(one_hot(k + 1)), 1)'], '10:26 one_hot takes the name of a data or latent of a finite integer type'],
    ['one_hot of a count', ['  x ~ Normal(sum(one_hot(n)), 1)'], '10:26 one_hot takes the name of a data or latent of a finite integer type, int(lo, hi) or binary, not'],
    ['one_hot with too few classes', ['  x ~ Normal(sum(one_hot(k, n = 2)), 1)'], '10:33 one_hot: n = 2 classes leave the values 2 of int(0, 2) without a class; use n = 3'],
    ['one_hot of negative integers', ['  x ~ Normal(sum(one_hot(j)), 1)'], '11:26 one_hot counts classes from 0, but int(-1, 1) has negative values', ['data j : int(-1, 1)']],
    ['concat of one argument', ['  x ~ Normal(concat(x), 1)'], '10:14 concat takes at least 2 positional arguments (concat(a, b, ...)  concat(a, b, ..., axis = k)), got 1'],
    ['concat of a scalar', ['  x ~ Normal(concat(z, 1, z), 1)'], '10:24 concat joins vectors and arrays, but argument 2 is a scalar'],
    ['concat of different ranks', ['  x ~ Normal(sum(concat(z, m)), 1)'], '10:28 concat: argument 2 has shape [3, 2], of rank 2, but argument 1 has shape [2], of rank 1'],
    ['concat with other axes differing', ['  x ~ Normal(sum(concat(m, m, axis = 1)), 1)', '  let bad = concat(m, one_hot(k))'], '11:23 concat: argument 2 has shape [3], of rank 1, but argument 1 has shape [3, 2], of rank 2'],
    ['concat axis out of range', ['  x ~ Normal(sum(concat(m, m, axis = 2)), 1)'], '10:38 concat: axis 2 is out of range for shape [3, 2]: expected an integer from 0 to 1'],
    ['concat size mismatch', ['  x ~ Normal(sum(concat(m, concat(m, m), axis = 0)), 1)'], '10:28 concat: argument 2 has shape [3, 4] and argument 1 [3, 2]: they differ on axis 1, and only axis 0 may differ'],
  ];
  it.each(rows)('%s', (_name, model, expected, decls) => {
    expect(firstError(program(model, decls))).toContain(expected);
  });
});

describe('one_hot and concat: runtime', () => {
  it('one_hot maps each integer value to its indicator, over particles, batch and event axes', () => {
    const values = [0, 2, 1, 2, 0, 1];
    const out = tf.tidy(() => oneHotEvent(tf.tensor(values, [2, 3, 1]), 3).arraySync()) as number[][][][];
    expect([2, 3, 1, 3]).toEqual([out.length, out[0]!.length, out[0]![0]!.length, out[0]![0]![0]!.length]);
    values.forEach((v, i) => {
      const row = out[Math.floor(i / 3)]![i % 3]![0]!;
      expect(row).toEqual([0, 1, 2].map((c) => (c === v ? 1 : 0)));
    });
  });

  it('concat broadcasts the particle and batch axes, and its gradient sums over the copies', () => {
    const global = tf.tensor([1, 2], [1, 1, 2]); // a global value
    const local = tf.tensor([10, 20, 30, 40, 50, 60], [1, 3, 2]); // one value per data point
    const perParticle = tf.tensor([7, 8], [2, 1, 1]); // one value per particle
    const joined = tf.tidy(() => concatEvent([global, local, perParticle], 0));
    expect(joined.shape).toEqual([2, 3, 5]);
    const rows = joined.arraySync() as number[][][];
    expect(rows[1]![2]).toEqual([1, 2, 50, 60, 8]);
    expect(rows[0]![0]).toEqual([1, 2, 10, 20, 7]);
    // d/d(global) of the sum of every entry: each global entry is copied to 2 x 3 places
    const grad = tf.grad((g: tf.Tensor) => tf.sum(concatEvent([g, local, perParticle], 0)))(global);
    expect(Array.from(grad.dataSync())).toEqual([6, 6]);
    tf.dispose([global, local, perParticle, joined, grad]);
  });
});
