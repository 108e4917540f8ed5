// In-memory data (arrayData): binding by declaration name, rows given as arrays or as flat typed
// arrays, every length / NaN / domain error naming the field and the row, deterministic splits
// and batches, and the training loop consuming it unchanged.
import { describe, expect, it } from 'vitest';
import { OptionError } from '../runtime/errors.js';
import { Rng } from '../runtime/random.js';
import { BINARY, REAL, SIMPLEX, intRange } from '../runtime/support.js';
import type { Support } from '../runtime/support.js';
import { arrayData, ArrayDataset, bindFields, domainWarnings, holdOut } from '../runtime/data/index.js';
import type { Batch, Dataset } from '../runtime/data/index.js';
import { Trainer } from '../inference/train.js';
import { asCli, compileOk, expectUserError } from './helpers.js';

const decl = (name: string, shape: number[], support: Support = REAL) => ({ name, shape, support });

async function collect(ds: Dataset, batchSize: number, rng = new Rng('b'), shuffle = false): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of ds.batches(batchSize, { rng, shuffle })) out.push(b);
  return out;
}

async function all(ds: Dataset): Promise<Batch> {
  return (await collect(ds, ds.size))[0]!;
}

/** n rows of x (3 values: i, 10 + i, 20 + i) and y (i % 2). */
function rows(n: number): { x: number[][]; y: number[] } {
  return { x: Array.from({ length: n }, (_, i) => [i, 10 + i, 20 + i]), y: Array.from({ length: n }, (_, i) => i % 2) };
}

describe('arrayData: binding', async () => {
  it('binds each declaration to the field of its name; batches hold the rows, row-major, like any data set', async () => {
    const { x, y } = rows(5);
    const split = arrayData({ x, y }, { test: rows(2) });
    expect(split.train).toBeInstanceOf(ArrayDataset);
    const decls = [decl('x', [3]), decl('y', [], BINARY)];
    expect(bindFields(decls, split.train)).toEqual(new Map([['x', 'x'], ['y', 'y']]));
    expect(domainWarnings(decls, split.train, new Map([['x', 'x'], ['y', 'y']]))).toEqual([]);
    expect(split.train.fields).toEqual([
      { name: 'x', shape: [3], domain: REAL },
      { name: 'y', shape: [], domain: REAL },
    ]);
    expect([split.train.size, split.test.size]).toEqual([5, 2]);
    const b = await all(split.train);
    expect(b.size).toBe(5);
    expect(Array.from(b.indices)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(b.fields.x!)).toEqual(x.flat());
    expect(Array.from(b.fields.y!)).toEqual(y);
    expect(Array.from((await all(split.test)).fields.x!)).toEqual([0, 10, 20, 1, 11, 21]);
    expect(split.description).toBe('in-memory arrays (test arrays given): 5 train / 2 test points; fields x [3], y []');
  });

  it('reads nested rows row-major, and [2, 2] rows bind to a [4] declaration (values per point must agree)', async () => {
    const m = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ];
    const split = arrayData({ m }, { test: { m: [[[0, 0], [0, 0]]] } });
    expect(split.train.fields[0]!.shape).toEqual([2, 2]);
    bindFields([decl('m', [4])], split.train);
    expect(split.train.fields[0]!.shape).toEqual([4]);
    expect(Array.from((await all(split.train)).fields.m!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('binds by name only: a declaration without its field is an error naming the fields', async () => {
    const split = arrayData(rows(4), { test: rows(2) });
    await expectUserError(() => bindFields([decl('z', [3])], split.train), "data z [3]: the data set arrays/train has no field named 'z'", 'fields: x [3], y []', "give the arrays a field named 'z'");
  });

  it('checks every value against the declared support, naming the field, the row and the entry (test arrays too)', async () => {
    const split = arrayData({ x: [[0, 1], [1, 0.5]] }, { test: { x: [[0, 1]] } });
    await expectUserError(() => bindFields([decl('x', [2], BINARY)], split.train), "arrays: field 'x', row 1 (entry 1) holds 0.5", 'declared binary', 'values must be 0 or 1');
    const t = arrayData({ y: [0, 1, 2] }, { test: { y: [7] } });
    await expectUserError(() => bindFields([decl('y', [], intRange(0, 3))], t.train), "arrays (test): field 'y', row 0 holds 7", 'integers from 0 to 3');
    const s = arrayData({ p: [[0.2, 0.8], [0.5, 0.6]] }, { test: { p: [[0.5, 0.5]] } });
    await expectUserError(() => bindFields([decl('p', [2], SIMPLEX)], s.train), "arrays: field 'p', row 1: entries 0 .. 1 sum to 1.1", 'simplex');
    await expectUserError(() => bindFields([decl('x', [2])], arrayData({ x: [[0, Infinity], [1, 1]] }, { test: { x: [[0, 0]] } }).train), "field 'x', row 0 (entry 1) holds Infinity", 'finite');
  });
});

describe('arrayData: wrong lengths and values', async () => {
  it('every field needs one row per data point', async () => {
    await expectUserError(() => arrayData({ x: rows(5).x, y: [0, 1, 0] }), "arrays: field 'y' has 3 rows, but field 'x' has 5", 'one row per data point');
    await expectUserError(() => arrayData({ x: [] }), "arrays: field 'x' has no rows");
    await expectUserError(() => arrayData({}), 'arrays: expected an object with one field per data declaration');
    await expectUserError(() => arrayData({ x: 3 as unknown as number[] }), "arrays: field 'x' must be an array with one row per data point, or a typed array, got number 3");
    await expectUserError(() => arrayData(rows(4), { test: { x: rows(2).x } }), "arrays (test): has no field 'y'", 'every field of the training arrays (x, y)');
    await expectUserError(() => arrayData(rows(4), { test: { ...rows(2), z: [1, 2] } }), "arrays (test): field 'z' is not a field of the training arrays");
  });

  it('each row must hold the declared number of values: the error names the field and the first row that does not', async () => {
    const split = arrayData({ x: [[1, 2, 3], [4, 5, 6], [7, 8], [9, 10, 11]] }, { test: { x: [[0, 0, 0]] } });
    await expectUserError(() => bindFields([decl('x', [3])], split.train), "arrays: field 'x', row 2: 2 values, but data x [3] takes 3 values per point");
    const t = arrayData({ x: [[1, 2, 3], [4, 5, 6]] }, { test: { x: [[0, 0]] } });
    await expectUserError(() => bindFields([decl('x', [3])], t.train), "arrays (test): field 'x', row 0: 2 values, but data x [3] takes 3 values per point");
    await expectUserError(() => bindFields([decl('y', [])], arrayData({ y: [[1, 2], [3, 4]] }, { test: { y: [[1, 2]] } }).train), "field 'y', row 0: 2 values, but data y [] takes 1 value per point");
  });

  it('NaN marks a missing entry, allowed only for a declaration with missing entries; non-numbers are errors naming the field, the row and the entry', async () => {
    const missing = arrayData({ x: [[1, 2], [3, NaN]] });
    await expectUserError(() => bindFields([decl('x', [2])], missing.train), "arrays: field 'x', row 1 (entry 1): NaN (a missing entry), but data x is not declared with missing entries");
    expect(bindFields([{ ...decl('x', [2]), missing: true }], missing.train).get('x')).toBe('x');
    await expectUserError(() => bindFields([decl('y', [])], arrayData({ y: [1, 2, Number.NaN] }).train), "arrays: field 'y', row 2: NaN");
    await expectUserError(() => arrayData({ x: [[1, 2], [3, '4']] as unknown as number[][] }), "arrays: field 'x', row 1 (entry 1): the string '4' is not a number");
    await expectUserError(() => arrayData({ x: [[1, 2], [3, undefined]] as unknown as number[][] }), "field 'x', row 1 (entry 1): undefined is not a number");
    const flat = new Float32Array([1, 2, 3, 4, 5, NaN]);
    await expectUserError(() => bindFields([decl('x', [2]), decl('y', [])], arrayData({ x: flat, y: [0, 1, 0] }).train), "arrays: field 'x', row 2 (entry 1): NaN");
    const split = arrayData({ x: flat }, { test: { x: new Float32Array(2) } });
    await expectUserError(() => bindFields([decl('x', [2])], split.train), "arrays: field 'x', row 2 (entry 1): NaN");
  });
});

describe('arrayData: typed arrays', async () => {
  it('a flat typed array is split into rows by the row count of the other fields, then checked against the declaration', async () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => i);
    const split = arrayData({ x, y: [0, 1, 2, 3] }, { test: { x: new Float64Array([7, 8, 9]), y: [1] } });
    expect(split.train.size).toBe(4);
    expect(split.train.fields[0]).toEqual({ name: 'x', shape: [3], domain: REAL });
    bindFields([decl('x', [3]), decl('y', [])], split.train);
    expect(Array.from((await all(split.train)).fields.x!)).toEqual(Array.from(x));
    expect(Array.from((await all(split.test)).fields.x!)).toEqual([7, 8, 9]);
    await expectUserError(() => bindFields([decl('x', [4]), decl('y', [])], arrayData({ x, y: [0, 1, 2, 3] }, { test: { x: new Float32Array(3), y: [1] } }).train), "arrays: field 'x' holds 12 values, 3 per row for the 4 rows of field 'y', but data x [4] takes 4 values per point");
    await expectUserError(() => arrayData({ x, y: [0, 1, 2, 3, 4] }), "arrays: field 'x' holds 12 values, which do not split into the 5 rows of field 'y'");
  });

  it('when every field is flat, the declared shapes split them: the number of points is known once bound', async () => {
    const images = Uint8Array.from({ length: 6 * 4 }, (_, i) => i % 2);
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
    const split = arrayData({ image: images, label: labels }, { test: { image: new Uint8Array(8), label: new Int32Array(2) } });
    expect(split.description).toContain('points split by the declared shapes when bound; fields image (24 values), label (6 values)');
    await expectUserError(() => split.train.size, 'arrays/train: every field is a flat typed array', 'bindFields');
    const binding = bindFields([decl('image', [2, 2], BINARY), decl('label', [], intRange(0, 2))], split.train);
    expect(binding).toEqual(new Map([['image', 'image'], ['label', 'label']]));
    expect([split.train.size, split.test.size]).toEqual([6, 2]);
    expect(split.train.fields).toEqual([
      { name: 'image', shape: [2, 2], domain: REAL },
      { name: 'label', shape: [], domain: REAL },
    ]);
    const b = (await collect(split.train, 4))[1]!;
    expect(Array.from(b.fields.image!)).toEqual(Array.from(images.subarray(16, 24)));
    expect(Array.from(b.fields.label!)).toEqual([1, 2]);
    expect(split.description).toBe('in-memory arrays (test arrays given): 6 train / 2 test points; fields image [2, 2], label []');

    const bad = arrayData({ image: images, label: new Int32Array(5) }, { test: { image: new Uint8Array(4), label: new Int32Array(1) } });
    await expectUserError(() => bindFields([decl('image', [4]), decl('label', [])], bad.train), "arrays: field 'label' holds 5 values, which do not split into the 6 rows of field 'image'");
    const odd = arrayData({ image: new Float32Array(10) }, { test: { image: new Float32Array(4) } });
    await expectUserError(() => bindFields([decl('image', [4])], odd.train), "arrays: field 'image' holds 10 values, which do not split into rows of 4: data image [4] takes 4 values per point");
  });

  it('rows may be typed arrays too', async () => {
    const split = arrayData({ x: [new Float32Array([1, 2]), new Float32Array([3, 4])] }, { test: { x: [Int8Array.from([5, 6])] } });
    bindFields([decl('x', [2])], split.train);
    expect(Array.from((await all(split.train)).fields.x!)).toEqual([1, 2, 3, 4]);
  });
});

describe('arrayData: splits and batches', async () => {
  it('trains on every point when no test set is asked for, so a small data set keeps all of them', async () => {
    const s = arrayData(rows(10));
    expect([s.train.size, s.test.size]).toEqual([10, 0]);
    expect(Array.from((await all(s.train)).fields.y!)).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(s.description).toBe('in-memory arrays (no test set): 10 train / 0 test points; fields x [3], y []');
  });

  it('holds out a fixed-seed share of the points (testFraction), the same on every call; `seed` picks another permutation', async () => {
    const data = rows(50);
    const a = arrayData(data, { testFraction: 0.1 });
    const b = arrayData(data, { testFraction: 0.1 });
    expect([a.train.size, a.test.size]).toEqual([45, 5]);
    const testRows = Array.from(holdOut(50, 0.1, 'arrays').test);
    expect(Array.from((await all(a.test)).fields.y!)).toEqual(testRows.map((i) => i % 2));
    expect(Array.from((await all(a.test)).fields.x!)).toEqual(testRows.flatMap((i) => [i, 10 + i, 20 + i]));
    expect(Array.from((await all(b.test)).fields.x!)).toEqual(Array.from((await all(a.test)).fields.x!));
    expect(a.description).toBe('in-memory arrays (test fraction 0.1: points held out by a fixed-seed permutation): 45 train / 5 test points; fields x [3], y []');
    const c = arrayData(data, { testFraction: 0.2, seed: 'other' });
    expect([c.train.size, c.test.size]).toEqual([40, 10]);
    expect(Array.from((await all(c.test)).fields.x!.filter((_, k) => k % 3 === 0))).toEqual(Array.from(holdOut(50, 0.2, 'arrays', 'other').test));
    expect(Array.from(holdOut(50, 0.2, 'arrays', 'other').test)).not.toEqual(Array.from(holdOut(50, 0.2, 'arrays').test));
  });

  it('bad split options are OptionErrors naming the option', async () => {
    const e = await expectUserError(() => arrayData(rows(10), { testFraction: 1 }), 'must be a number in [0, 1): 0 trains on every point (got 1)');
    expect(e).not.toContain('--');
    let caught: unknown;
    try {
      arrayData(rows(10), { test: rows(2), testFraction: 0.5 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OptionError);
    expect((caught as OptionError).option).toBe('testFraction');
    await expectUserError(asCli(() => arrayData(rows(10), { testFraction: -0.5 })), '--test-fraction must be a number in [0, 1)');
    await expectUserError(() => arrayData(rows(3), { testFraction: 0.9 }), 'arrays: 3 data points cannot be split', 'a smaller `testFraction`');
  });

  it('batches are deterministic: the same Rng seed gives the same order and values, another seed another order', async () => {
    const split = arrayData(rows(40), { test: rows(4) });
    bindFields([decl('x', [3]), decl('y', [])], split.train);
    const run = async (seed: string) => (await collect(split.train, 16, new Rng(seed), true)).map((b) => ({ indices: Array.from(b.indices), x: Array.from(b.fields.x!) }));
    const first = await run('s');
    expect(await run('s')).toEqual(first);
    expect(await run('t')).not.toEqual(first);
    expect(first.map((b) => b.indices.length)).toEqual([16, 16, 8]);
    expect(first.flatMap((b) => b.indices).sort((p, q) => p - q)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const b of first) expect(b.x).toEqual(b.indices.flatMap((i) => [i, 10 + i, 20 + i]));
    const dropped = await collect(split.train, 16, new Rng('s'), true);
    expect(dropped.map((b) => b.size)).toEqual([16, 16, 8]);
    const kept: Batch[] = [];
    for await (const b of split.train.batches(16, { rng: new Rng('s'), shuffle: true, dropLast: true })) kept.push(b);
    expect(kept.map((b) => b.size)).toEqual([16, 16]);
    expect(() => split.train.batches(0, { rng: new Rng('s'), shuffle: false })).toThrow('arrays/train: batch size must be a positive integer, got 0');
  });

  it('trains unchanged: the Trainer recovers regression weights from arrays (seed arrays, n = 400)', async () => {
    const rng = new Rng('arrays-data');
    const w = [0.5, -1, 2];
    const n = 400;
    const X = new Float32Array(n * 3);
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < 3; j++) {
        X[i * 3 + j] = rng.uniform() * 2 - 1;
        s += X[i * 3 + j]! * w[j]!;
      }
      y.push(s + (rng.uniform() - 0.5) * 0.2);
    }
    const program = compileOk(
      'data X : real[3]\ndata y : real\nglobal w : real[3]\nparam wloc : real[3]\nparam wscale : positive[3] = 0.1\nmodel {\n  w ~ Normal(0, 1)\n  y ~ Normal(sum(X * w), 0.5)\n}\nguide { w ~ Normal(wloc, wscale) }\n',
      'fit',
    );
    const split = arrayData({ X, y });
    const bindings = bindFields(program.lowered.data, split.train);
    const trainer = new Trainer(program, split, bindings, { epochs: 20, batchSize: 60, lr: 0.05, optimizer: 'adam', particles: 1, kl: 'analytic', seed: 'fit' });
    await trainer.run();
    const fitted = program.params.value('wloc').dataSync();
    for (let j = 0; j < 3; j++) expect(Math.abs(fitted[j]! - w[j]!)).toBeLessThan(0.15);
    program.dispose();
  });
});
