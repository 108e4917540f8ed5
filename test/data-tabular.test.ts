// The data forms beyond MNIST: csv: tables (binding by column name, every error with its file
// and line), the Frey Face .mat file (real file when present, malformed generated ones always),
// the Frey download helper (mocked fetch), idx: images, and `ppl simulate`'s library (simulated
// data read back exactly, its moments, and a simulate -> train round trip).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../runtime/random.js';
import { BINARY, POSITIVE, REAL, intRange } from '../runtime/support.js';
import type { Support } from '../runtime/support.js';
import { bindFields, domainWarnings, FREY_PAGE, holdOut, parseCsv, parseDataSpec, parseFreyMat, withDataFlags } from '../runtime/data/index.js';
import type { Batch, Dataset } from '../runtime/data/index.js';
import { installFrey, openData } from '../io/index.js';
import type { FetchLike } from '../io/index.js';
import { ImageSet } from '../runtime/data/images.js';
import { idxImageData, simulate, simulatedCsv, simulatedIdx } from '../trained/simulate.js';
import { inputsFromCsv } from '../io/simulation-inputs.js';
import { Trainer } from '../inference/train.js';
import { addDataOptions } from '../cli/options.js';
import { asCli, compileOk, expectUserError } from './helpers.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ppl-tabular-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

let fileCount = 0;
function file(body: string | Uint8Array, name = `t${fileCount++}.csv`): string {
  const p = path.join(tmp, name);
  writeFileSync(p, body);
  return p;
}

async function all(ds: Dataset): Promise<Batch> {
  for await (const b of ds.batches(ds.size, { rng: new Rng('x'), shuffle: false })) return b;
  throw new Error('empty');
}

const decl = (name: string, shape: number[], support: Support = REAL) => ({ name, shape, support });
const NONE = { binarize: 'none' } as const;

describe('csv: binding by column name', () => {
  it('binds a scalar declaration to its column and a vector X : real[3] to X_0 .. X_2, inputs and labels alike', async () => {
    const f = file('id,X_0,X_1,X_2,y\n' + Array.from({ length: 20 }, (_, i) => `${i},${i}.5,${-i},1e-3,${i % 3}`).join('\n') + '\n');
    const s = await openData(`csv:${f},${f}`, NONE);
    const decls = [decl('X', [3]), decl('y', [], intRange(0, 2))];
    const b = bindFields(decls, s.train);
    expect(b).toEqual(new Map([['X', 'X'], ['y', 'y']]));
    expect(s.train.fields.find((x) => x.name === 'X')?.shape).toEqual([3]);
    const batch = await all(s.train);
    expect(Array.from(batch.fields.X!.subarray(0, 6))).toEqual([0.5, 0, 0.0010000000474974513, 1.5, -1, 0.0010000000474974513]);
    expect(Array.from(batch.fields.y!.subarray(0, 4))).toEqual([0, 1, 2, 0]);
    expect(domainWarnings(decls, s.train, b)).toEqual([]);
    // a matrix declaration binds to the same columns, row-major: X_0 .. X_3 for real[2, 2]
    const m = file('M_0,M_1,M_2,M_3\n1,2,3,4\n5,6,7,8\n');
    const sm = await openData(`csv:${m},${m}`, NONE);
    expect(bindFields([decl('M', [2, 2])], sm.train)).toEqual(new Map([['M', 'M']]));
    expect(Array.from((await all(sm.train)).fields.M!)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('binds by name only: one declaration is not bound to the first column, whatever its name', async () => {
    const f = file('a,b\n1,2\n3,4\n');
    await expectUserError(asCli(() => openData(`csv:${f},${f}`, NONE).then((s) => bindFields([decl('x', [])], s.train))), "data x []", "no field named 'x'", 'it looks for the column x', 'found none of them', '--columns x=COL1');
  });

  it('--columns (or the spec option columns=) binds a declaration to named columns, in order', async () => {
    const f = file('a,b,c,label\n1,2,3,0\n4,5,6,1\n7,8,9,1\n');
    for (const spec of [`csv:${f},${f};columns=X=c,a`, withDataFlags(`csv:${f},${f}`, { columns: ['X=c,a'] })]) {
      const s = await openData(spec, NONE);
      expect(bindFields([decl('X', [2]), decl('label', [], BINARY)], s.train)).toEqual(new Map([['X', 'X'], ['label', 'label']]));
      expect(Array.from((await all(s.train)).fields.X!)).toEqual([3, 1, 6, 4, 9, 7]);
    }
    const s = await openData(`csv:${f},${f}`, { ...NONE, columns: ['X=c,a'] });
    expect(Array.from((await all(s.test)).fields.X!)).toEqual([3, 1, 6, 4, 9, 7]);
    await expectUserError(asCli(() => openData(`csv:${f}`, { ...NONE, columns: ['X=c,zz'] })), '--columns X=c,zz', `${f} has no column 'zz'`);
    await expectUserError(asCli(() => openData(`csv:${f}`, { ...NONE, columns: ['X'] })), "--columns 'X'", 'NAME=COLUMN');
  });

  it('one file: a fixed-seed permutation holds out round(F * n) rows as test, the same on every open, independent of --seed', async () => {
    const f = file('v\n' + Array.from({ length: 100 }, (_, i) => String(i)).join('\n') + '\n');
    const a = await openData(`csv:${f}`, NONE);
    expect([a.train.size, a.test.size]).toEqual([90, 10]);
    const b = await openData(`csv:${f};test-fraction=0.25`, NONE);
    expect([b.train.size, b.test.size]).toEqual([75, 25]);
    const c = await openData(`csv:${f}`, { ...NONE, testFraction: 0.25 });
    const values = async (s: Dataset): Promise<number[]> => Array.from((await all(s)).fields.v!);
    expect(await values(c.test)).toEqual(await values(b.test));
    const train = await values(b.train);
    const test = await values(b.test);
    expect([...train, ...test].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(train).toEqual([...train].sort((x, y) => x - y)); // each part keeps file order
    expect(test).not.toEqual(Array.from({ length: 25 }, (_, i) => 75 + i)); // not simply the tail
    expect(holdOut(100, 0.25, 'x').test).toEqual(holdOut(100, 0.25, 'x').test);
    const small = await openData(`csv:${f}`, { ...NONE, trainSize: 5, testSize: 2 });
    expect([small.train.size, small.test.size]).toEqual([5, 2]);
    expect(a.description).toContain('90 train / 10 test rows');
  });

  it('folds --test-fraction and --columns into the spec on the command line, so a checkpoint records them', async () => {
    const parse = async (args: string[]): Promise<{ data: string; testFraction?: number; columns?: string[] }> => {
      let seen: { data: string; testFraction?: number; columns?: string[] } | undefined;
      const cmd = addDataOptions(new Command('t').exitOverride()).action((opts: { data: string }) => {
        seen = opts;
      });
      await cmd.parseAsync(args, { from: 'user' });
      return seen!;
    };
    const o = await parse(['--data', 'csv:d.csv', '--test-fraction', '0.2', '--columns', 'X=a,b', '--columns', 'y=c']);
    expect(o.data).toBe('csv:d.csv;test-fraction=0.2;columns=X=a,b;columns=y=c');
    expect(o.testFraction).toBeUndefined();
    expect(o.columns).toBeUndefined();
    expect(parseDataSpec(o.data)).toEqual({ kind: 'csv', train: 'd.csv', testFraction: 0.2, columns: [{ decl: 'X', columns: ['a', 'b'] }, { decl: 'y', columns: ['c'] }] });
    expect((await parse(['--data', 'mnist'])).data).toBe('mnist');
    await expectUserError(() => parse(['--test-fraction', '0.2']), '--data');
    await expectUserError(() => parse(['--data', 'mnist', '--columns', 'x=a']), '--columns applies to --data csv:PATH only');
    await expectUserError(() => parse(['--data', 'frey:x', '--test-fraction', '0.3']), 'every 10th Frey face is test');
    await expectUserError(() => parse(['--data', 'csv:d.csv', '--test-fraction', '1']), '--test-fraction', 'in [0, 1)');
  });

  it('rejects bad specs: options on other forms, unknown options, a test fraction with a test file, bad fractions', async () => {
    await expectUserError(() => parseDataSpec('mnist;test-fraction=0.1'), 'csv: and idx: data only');
    await expectUserError(() => parseDataSpec('csv:a.csv;shuffle=1'), "unknown option 'shuffle=1'");
    await expectUserError(() => parseDataSpec('csv:a.csv,b.csv;test-fraction=0.2'), 'a test file (b.csv) is given');
    await expectUserError(() => parseDataSpec('csv:a.csv;test-fraction=-0.1'), 'must be a number in [0, 1): 0 trains on every point');
    expect(parseDataSpec('csv:a.csv;test-fraction=0')).toMatchObject({ kind: 'csv', train: 'a.csv', testFraction: 0 });
    await expectUserError(() => parseDataSpec('csv:a.csv,b.csv,c.csv'), 'csv:TRAIN_PATH,TEST_PATH');
    await expectUserError(() => parseDataSpec('csv:'), 'csv:PATH');
    await expectUserError(asCli(() => openData('tsv:a', NONE)), "unknown --data 'tsv:a'", "'csv:PATH'", "'frey:PATH'", "'mnist:DIR'");
    await expectUserError(() => openData(`csv:${path.join(tmp, 'nope.csv')}`, NONE), 'nope.csv', 'cannot read');
  });
});

describe('csv: errors name the file and line', () => {
  it('ragged rows: file:line: expected N fields, found M (lines count blank ones)', async () => {
    const f = file('a,b,c\n1,2,3\n\n4,5\n');
    await expectUserError(() => openData(`csv:${f}`, NONE), `${f}:4: expected 3 fields, found 2`);
    const g = file('a,b\n1,2\n3,4,5\n');
    await expectUserError(() => openData(`csv:${g}`, NONE), `${g}:3: expected 2 fields, found 3`);
  });

  it("non-numbers: file:line: column NAME: 'abc' is not a number (hex too); empty, NA and NaN are missing entries", async () => {
    const f = file('x,y\n1,2\n3,abc\n');
    await expectUserError(() => openData(`csv:${f}`, NONE), `${f}:3: column y: 'abc' is not a number`);
    await expectUserError(() => openData(`csv:${file('x\n0x10\n')}`, NONE), ":2: column x: '0x10' is not a number");
    const gaps = await openData(`csv:${file('x,y\n1,\n2,NA\n3,4\n')}`, { ...NONE, testFraction: undefined });
    await expectUserError(() => bindFields([decl('x', []), decl('y', [])], gaps.train), ":2: column y is empty (a missing entry), but data y is not declared with missing entries");
    expect(bindFields([decl('x', []), { ...decl('y', []), missing: true }], gaps.train).get('y')).toBe('y');
    // quoted numbers, a BOM, spaces and exponents are fine
    const ok = await openData(`csv:${file('\ufeff"x", y\n"1.5", -2e2\n.5,+3\n')},${file('x,y\n0,0\n')}`, NONE);
    expect(Array.from((await all(ok.train)).fields.y!)).toEqual([-200, 3]);
  });

  it('the header: required, named, no duplicates; and at least one row', async () => {
    const f = file('1,2\n3,4\n');
    await expectUserError(() => openData(`csv:${f}`, NONE), `${f}:1: the first row holds only numbers; a header row naming the columns is required`);
    await expectUserError(() => openData(`csv:${file('a,b,a\n1,2,3\n')}`, NONE), ":1: column 'a' appears twice in the header (columns 1 and 3)");
    await expectUserError(() => openData(`csv:${file('a,,b\n1,2,3\n')}`, NONE), ':1: column 2 of the header has no name');
    await expectUserError(() => openData(`csv:${file('a,b\n')}`, NONE), 'no data rows after the header');
    await expectUserError(() => openData(`csv:${file('')}`, NONE), 'empty', 'header row');
    await expectUserError(() => openData(`csv:${file('a,b\n"1,2\n')}`, NONE), 'not readable as CSV', 'Quote Not Closed');
  });

  it('missing columns: naming the declaration and the columns it looked for', async () => {
    const f = file('X_0,X_1,Z_0,y\n1,2,3,4\n5,6,7,8\n');
    const s = await openData(`csv:${f},${f}`, NONE);
    // X_0, X_1 form a field X [2]: a size mismatch that still says which columns were looked for
    await expectUserError(asCli(() => bindFields([decl('X', [3]), decl('y', [])], s.train)), 'data X has shape [3]', 'of shape [2]', 'it looks for the 3 columns X_0, X_1, X_2', 'lacks X_2', '--columns X=COL1,COL2,COL3');
    const g = file('X_0,X_2,y\n1,2,3\n');
    const t = await openData(`csv:${g},${g}`, NONE);
    await expectUserError(asCli(() => bindFields([decl('X', [3]), decl('y', [])], t.train)), 'data X [3]', "no field named 'X'", 'it looks for the 3 columns X_0, X_1, X_2', 'lacks X_1', '--columns X=COL1,COL2,COL3');
    await expectUserError(asCli(() => bindFields([decl('W', [10])], s.train)), 'data W [10]', 'W_0 .. W_9', 'found none of them', '--columns W=COL1,COL2,COL3,...');
    await expectUserError(() => bindFields([decl('label', [])], s.train), 'data label []', 'the column label', `in ${f}`);
  });

  it('column/shape mismatch: the declaration, both shapes and the columns', async () => {
    const f = file('X_0,X_1,X_2,X_3\n1,2,3,4\n');
    const s = await openData(`csv:${f},${f}`, NONE);
    await expectUserError(() => bindFields([decl('X', [3])], s.train), 'data X has shape [3] (3 values per point)', "field 'X'", 'of shape [4]', 'it also has X_3');
    const g = file('a,b,c\n1,2,3\n');
    const t = await openData(`csv:${g},${g};columns=X=a,b,c`, NONE);
    await expectUserError(asCli(() => bindFields([decl('X', [2])], t.train)), 'data X has shape [2]', 'of shape [3]', 'named by --columns');
  });

  it('a test file must have the training file\'s columns', async () => {
    const a = file('x,y\n1,2\n');
    const b = file('x\n1\n');
    await expectUserError(() => openData(`csv:${a},${b}`, NONE), `${b}: lacks column y of the training file ${a}`);
  });

  it('values outside the declared domain: the file, line, column and value (in the held-out rows too)', async () => {
    const f = file('y,p,k\n0,1,3\n1,0.5,9\n\n2,2,0\n');
    const s = await openData(`csv:${f},${f}`, NONE);
    await expectUserError(() => bindFields([decl('y', [], BINARY)], s.train), `${f}:5: column y holds 2, but data y is declared binary {0, 1}: values must be 0 or 1`);
    await expectUserError(() => bindFields([decl('p', [], intRange(0, 1))], s.train), `${f}:3: column p holds 0.5, but data p is declared int(0, 1): values must be integers from 0 to 1`);
    await expectUserError(() => bindFields([decl('k', [], intRange(1, 9))], s.train), `${f}:5: column k holds 0`, 'integers from 1 to 9');
    const g = file('v\n1\n2\n3\n0\n4\n');
    const held = await openData(`csv:${g}`, { ...NONE, testFraction: 0.5 });
    await expectUserError(() => bindFields([decl('v', [], POSITIVE)], held.train), `${g}:5: column v holds 0`, 'positive', '> 0');
    const train = file('v\n1\n2\n');
    const test = file('v\n1\n-1\n');
    await expectUserError(async () => bindFields([decl('v', [], POSITIVE)], (await openData(`csv:${train},${test}`, NONE)).train), `${test}:3: column v holds -1`);
    const u = file('q_0,q_1\n0.25,0.75\n0.5,0.6\n');
    await expectUserError(async () => bindFields([decl('q', [2], { kind: 'simplex' })], (await openData(`csv:${u},${u}`, NONE)).train), `${u}:3: columns q_0, q_1 sum to 1.1`, 'simplex');
    expect(bindFields([decl('y', [], REAL)], s.train)).toEqual(new Map([['y', 'y']]));
  });
});

describe('MNIST labels bind to int and label declarations', () => {
  let ds: Dataset;
  beforeAll(async () => {
    ds = (await openData('mnist', { binarize: 'dynamic', trainSize: 10, testSize: 10 })).train;
  });
  const int09 = intRange(0, 9);

  it('data x : binary[784] with data y : int(0, 9) binds x to image and y to label, by values per point', () => {
    const decls = [decl('x', [784], BINARY), decl('y', [], int09)];
    const b = bindFields(decls, ds);
    expect(b).toEqual(new Map([['x', 'image'], ['y', 'label']]));
    expect(domainWarnings(decls, ds, b)).toEqual([]);
    expect(bindFields([decl('y', [], int09)], ds)).toEqual(new Map([['y', 'label']]));
  });

  it('a conditional VAE (data x : binary[784], data label : int(0, 9)) binds both', () => {
    expect(bindFields([decl('x', [784], BINARY), decl('label', [], int09)], ds)).toEqual(new Map([['x', 'image'], ['label', 'label']]));
    expect(bindFields([decl('label', [], int09), decl('x', [28, 28], BINARY)], ds)).toEqual(new Map([['label', 'label'], ['x', 'image']]));
  });

  it('two declarations of one size are ambiguous', async () => {
    await expectUserError(() => bindFields([decl('a', [784]), decl('b', [784])], ds), 'data a and data b', '784 values per point', 'name each declaration after its field');
  });
});

// ---------------------------------------------------------------------------------------------
// Frey Face

interface MatOptions {
  count?: number;
  rows?: number;
  header?: string;
  endian?: string;
  version?: number;
  type?: number;
  cls?: number;
  name?: string;
  dataType?: number;
  drop?: number;
  extra?: number;
}

/** A MAT-file laid out like frey_rawface.mat (README byte table), with `count` images of pixel (k * 7 + i) % 256. */
function makeMat(o: MatOptions = {}): Buffer {
  const rows = o.rows ?? 560;
  const count = o.count ?? 3;
  const pixels = Buffer.from(Array.from({ length: rows * count }, (_, i) => (i * 7 + 11) % 256));
  const head = Buffer.alloc(128, 0x20);
  head.write(o.header ?? 'MATLAB 5.0 MAT-file, Platform: LNX86, Created on: Mon Nov 13 18:11:48 2000', 0, 'latin1');
  head.writeUInt16LE(o.version ?? 0x0100, 124);
  head.write(o.endian ?? 'IM', 126, 'latin1');
  const name = o.name ?? 'ff';
  const body = Buffer.alloc(8 + 16 + 16 + 8 + 8);
  let p = 0;
  const u32 = (v: number): void => {
    body.writeUInt32LE(v >>> 0, p);
    p += 4;
  };
  u32(o.type ?? 14);
  u32(16 + 16 + 8 + 8 + pixels.length);
  u32(6);
  u32(8);
  u32(o.cls ?? 9);
  u32(0);
  u32(5);
  u32(8);
  u32(rows);
  u32(count);
  u32((name.length << 16) | 1);
  body.write(name.padEnd(4, '\0'), p, 'latin1');
  p += 4;
  u32(o.dataType ?? 2);
  u32(pixels.length);
  const all = Buffer.concat([head, body, pixels, Buffer.alloc(o.extra ?? 0)]);
  return all.subarray(0, all.length - (o.drop ?? 0));
}

describe('frey: the MAT-file reader', () => {
  it('reads a generated file laid out like frey_rawface.mat: column k is image k, 28 rows of 20', async () => {
    const f = file(makeMat({ count: 20 }), 'ok.mat');
    const s = await openData(`frey:${f}`, { binarize: 'dynamic' });
    expect([s.train.size, s.test.size]).toEqual([18, 2]); // images 9 and 19 are test
    expect(s.train.fields).toEqual([{ name: 'image', shape: [560], domain: { kind: 'unit' }, picture: { rows: 28, cols: 20 } }]);
    expect(s.test).toBeInstanceOf(ImageSet);
    const test = await all(s.test);
    expect(test.fields.image![0]).toBeCloseTo(((9 * 560 * 7 + 11) % 256) / 255, 6);
    expect(test.fields.label).toBeUndefined();
    expect(s.description).toContain('not binarized');
    const dir = path.join(tmp, 'freydir');
    rmSync(dir, { recursive: true, force: true });
    await expectUserError(() => openData(`frey:${dir}`, NONE), dir, 'not found', 'ppl data frey');
  });

  const cases: [string, MatOptions, string[]][] = [
    ['bad header text', { header: 'MATLAB 7.3 MAT-file, HDF5' }, ['byte 0', 'not a MATLAB level 5 MAT-file']],
    ['big-endian indicator', { endian: 'MI' }, ['byte 126', 'big-endian']],
    ['bad endian indicator', { endian: 'XX' }, ['byte 126', '"XX"']],
    ['bad version', { version: 0x0200 }, ['byte 124', 'version 0x0200']],
    ['compressed variable', { type: 15 }, ['byte 128', 'miCOMPRESSED']],
    ['not a matrix', { type: 2 }, ['byte 128', 'type 2 (miUINT8)', 'expected 14 (miMATRIX)']],
    ['wrong class', { cls: 6 }, ['byte 144', 'class 6 (double)', 'expected 9 (uint8)']],
    ['wrong dims', { rows: 28, count: 60 }, ['byte 160', 'ff is 28 x 60', 'expected 560 x N']],
    ['wrong name', { name: 'xy' }, ['byte 172', '"xy"', '"ff"']],
    ['wrong data type', { dataType: 9 }, ['byte 176', 'miDOUBLE', 'miUINT8']],
    ['truncated', { drop: 100 }, ['byte 132', 'truncated', 'should be 1,864 bytes long, but it is 1,764']],
    ['trailing bytes', { extra: 8 }, ['byte 132', 'unexpected trailing bytes']],
  ];
  for (const [what, o, fragments] of cases) {
    it(`rejects a file with ${what}, naming the file and byte offset`, async () => {
      const f = file(makeMat(o), `bad-${what.replace(/ /g, '-')}.mat`);
      await expectUserError(() => openData(`frey:${f}`, NONE), `${f}: `, ...fragments);
    });
  }

  it('rejects a file shorter than the header', async () => {
    const f = file(makeMat().subarray(0, 50), 'short.mat');
    await expectUserError(() => openData(`frey:${f}`, NONE), `${f}: byte 0: truncated`, '128-byte MAT-file header');
  });
});

const freyDir = '/work/shared/data/frey';
const freyExists = existsSync(path.join(freyDir, 'frey_rawface.mat'));
if (!freyExists) console.log(`note: real Frey Face tests skipped: ${freyDir}/frey_rawface.mat absent`);

describe.skipIf(!freyExists)(`the real frey_rawface.mat in ${freyDir}${freyExists ? '' : ' (skipped: absent)'}`, () => {
  it('has 1,965 images of 28x20 with raw min 8, max 238, mean 154.46, first pixel 81; split 1,769 / 196', async () => {
    const bytes = readFileSync(path.join(freyDir, 'frey_rawface.mat'));
    const frey = parseFreyMat(bytes, 'frey_rawface.mat');
    expect(frey.count).toBe(1965);
    expect(frey.pixels.length).toBe(1965 * 560);
    let min = 255;
    let max = 0;
    let sum = 0;
    for (const v of frey.pixels) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect([min, max]).toEqual([8, 238]);
    expect(Math.abs(sum / frey.pixels.length - 154.46)).toBeLessThan(0.005);
    expect(Array.from(frey.pixels.subarray(0, 5))).toEqual([81, 136, 167, 185, 187]); // byte 184 onwards
    const s = await openData(`frey:${freyDir}`, { binarize: 'dynamic' });
    expect([s.train.size, s.test.size]).toEqual([1769, 196]);
    const [train, test] = [await all(s.train), await all(s.test)];
    expect(train.fields.image![0]).toBeCloseTo(81 / 255, 6);
    expect(test.fields.image![0]).toBeCloseTo(frey.pixels[9 * 560]! / 255, 6); // image 9 is the first test image
    expect(bindFields([decl('x', [28, 20])], s.train)).toEqual(new Map([['x', 'image']]));
    expect(domainWarnings([decl('x', [560])], s.train, new Map([['x', 'image']]))).toEqual([]);
  });
});

describe('ppl data frey: download helper (mocked fetch, local files)', () => {
  const good = makeMat({ count: 4 });
  const sha = createHash('sha256').update(good).digest('hex');
  const response = (body: Uint8Array, status = 200): Awaited<ReturnType<FetchLike>> => ({
    ok: status === 200,
    status,
    statusText: status === 200 ? 'OK' : 'Not Found',
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
  });
  const dir = (name: string): string => path.join(tmp, name);

  it('downloads, verifies the SHA-256 and the layout, writes atomically; a second run finds it', async () => {
    const urls: string[] = [];
    const fetch: FetchLike = async (url) => {
      urls.push(url);
      return response(good);
    };
    const r = await installFrey({ to: dir('dl'), fetch, sha256: sha });
    expect(r).toEqual({ file: path.join(dir('dl'), 'frey_rawface.mat'), action: 'downloaded', count: 4 });
    expect(urls).toEqual(['https://cs.nyu.edu/~roweis/data/frey_rawface.mat']);
    expect(readdirSync(dir('dl'))).toEqual(['frey_rawface.mat']);
    expect(readFileSync(r.file).equals(good)).toBe(true);
    expect((await installFrey({ to: dir('dl'), fetch, sha256: sha })).action).toBe('present');
    expect(urls).toHaveLength(1);
    await expectUserError(() => installFrey({ to: dir('dl'), fetch }), 'already exists but its SHA-256', 'remove it');
  });

  it('refuses a download with the wrong SHA-256 and writes nothing', async () => {
    const bad = makeMat({ count: 5 });
    await expectUserError(() => installFrey({ to: dir('bad'), fetch: async () => response(bad), sha256: sha }), 'SHA-256', 'nothing was written', FREY_PAGE);
    expect(existsSync(dir('bad'))).toBe(false);
  });

  it('offline or HTTP errors say where to get the file', async () => {
    const offline: FetchLike = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND cs.nyu.edu'), { code: 'ENOTFOUND' }) });
    };
    await expectUserError(asCli(() => installFrey({ to: dir('off'), fetch: offline })), 'cannot download', 'ENOTFOUND', 'offline', FREY_PAGE, dir('off'), '--from FILE', `--data frey:${dir('off')}`);
    await expectUserError(() => installFrey({ to: dir('off'), fetch: async () => response(new Uint8Array(0), 404) }), 'HTTP 404', FREY_PAGE);
    expect(existsSync(dir('off'))).toBe(false);
  });

  it('installs a local copy with --from, verified the same way (the real file when present)', async () => {
    const local = file(good, 'local.mat');
    expect((await installFrey({ to: dir('from'), from: local, sha256: sha })).action).toBe('copied');
    await expectUserError(() => installFrey({ to: dir('from2'), from: local }), `${local}: SHA-256 ${sha}`, 'is not that of frey_rawface.mat');
    await expectUserError(asCli(() => installFrey({ to: dir('from2'), from: path.join(tmp, 'none.mat') })), '--from', 'cannot read');
    if (freyExists) {
      const r = await installFrey({ to: dir('real'), from: path.join(freyDir, 'frey_rawface.mat') });
      expect([r.action, r.count]).toEqual(['copied', 1965]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// simulate

const GAUSS = `
param mu : real = 2.5
data x : real
model { x ~ Normal(mu, 1.5) }
`;

const LINEAR_GAUSSIAN = `
param A : real[2] = 2
param B : real[2] = 1
latent z : real
data x : real[2]
model {
  z ~ Normal(0, 1)
  x ~ Normal(z * A + B, 0.5)
}
guide { z ~ Normal(0, 1) }
`;

const REGRESSION = `
data X : real[3]
data y : real
global w : real[3]
param wloc : real[3]
param wscale : positive[3] = 0.1
model {
  w ~ Normal(0, 1)
  y ~ Normal(sum(X * w), 0.5)
}
guide { w ~ Normal(wloc, wscale) }
`;

function moments(v: Float32Array, stride = 1, offset = 0): { mean: number; variance: number; n: number } {
  const n = v.length / stride;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i * stride + offset]!;
  const mean = s / n;
  let q = 0;
  for (let i = 0; i < n; i++) q += (v[i * stride + offset]! - mean) ** 2;
  return { mean, variance: q / (n - 1), n };
}

describe('simulate', () => {
  it('is reproducible by seed, and its CSV reads back through csv: to exactly the same values', async () => {
    const program = compileOk(GAUSS);
    const a = simulate(program, 500, new Rng('sim'));
    const b = simulate(program, 500, new Rng('sim'));
    const c = simulate(program, 500, new Rng('other'));
    expect(a.data.get('x')!.values).toEqual(b.data.get('x')!.values);
    expect(a.data.get('x')!.values).not.toEqual(c.data.get('x')!.values);
    const csv = simulatedCsv(program.lowered, a);
    expect(csv.split('\n')[0]).toBe('x');
    const f = file(csv);
    const table = parseCsv(readFileSync(f, 'utf8'), f);
    expect(table.values).toEqual(a.data.get('x')!.values);
    const s = await openData(`csv:${f}`, NONE);
    bindFields(program.lowered.data, s.train);
    const x = a.data.get('x')!.values;
    for (const part of [s.train, s.test]) {
      const batch = await all(part);
      const rows = (part as unknown as { rows: Uint32Array }).rows;
      expect(Array.from(batch.fields.x!)).toEqual(Array.from(rows, (r) => x[r]!));
    }
    expect(simulate(program, 50, new Rng('sim'), { chunk: 7 }).data.get('x')!.values.length).toBe(50);
    program.dispose();
  });

  it("matches the model's mean and variance within 4 standard errors (seed 'moments', n = 4,000)", () => {
    const n = 4000;
    const g = compileOk(GAUSS);
    const m = moments(simulate(g, n, new Rng('moments')).data.get('x')!.values);
    // x ~ Normal(2.5, 1.5): se(mean) = 1.5 / sqrt(n), se(variance) = 1.5^2 sqrt(2 / (n - 1))
    expect(Math.abs(m.mean - 2.5)).toBeLessThan((4 * 1.5) / Math.sqrt(n));
    expect(Math.abs(m.variance - 2.25)).toBeLessThan(4 * 2.25 * Math.sqrt(2 / (n - 1)));
    g.dispose();
    // z ~ N(0, 1), x ~ N(z A + B, 0.5^2) with A = [2, 2], B = [1, 1]: x_i has mean 1 and variance 4.25,
    // Cov(x_0, x_1) = 4 (se = sqrt((4.25^2 + 4^2) / n))
    const lg = compileOk(LINEAR_GAUSSIAN);
    const sim = simulate(lg, n, new Rng('moments'), { chunk: 1000 });
    const x = sim.data.get('x')!.values;
    for (const i of [0, 1]) {
      const mi = moments(x, 2, i);
      expect(Math.abs(mi.mean - 1)).toBeLessThan(4 * Math.sqrt(4.25 / n));
      expect(Math.abs(mi.variance - 4.25)).toBeLessThan(4 * 4.25 * Math.sqrt(2 / (n - 1)));
    }
    let cov = 0;
    const m0 = moments(x, 2, 0).mean;
    const m1 = moments(x, 2, 1).mean;
    for (let k = 0; k < n; k++) cov += (x[2 * k]! - m0) * (x[2 * k + 1]! - m1);
    cov /= n - 1;
    expect(Math.abs(cov - 4)).toBeLessThan(4 * Math.sqrt((4.25 ** 2 + 16) / n));
    expect(simulatedCsv(lg.lowered, sim).split('\n')[0]).toBe('x_0,x_1');
    lg.dispose();
  });

  it('draws real inputs standard normal (noted), uses given ones verbatim, and refuses to invent non-real ones', async () => {
    const program = compileOk(REGRESSION);
    const sim = simulate(program, 3000, new Rng('inputs'));
    expect(sim.drawnInputs).toEqual(['X']);
    const X = sim.data.get('X')!.values;
    for (const i of [0, 1, 2]) {
      const m = moments(X, 3, i);
      expect(Math.abs(m.mean)).toBeLessThan(4 / Math.sqrt(3000));
      expect(Math.abs(m.variance - 1)).toBeLessThan(4 * Math.sqrt(2 / 2999));
    }
    const given = new Float32Array(30).map((_, i) => i / 10);
    const withInputs = simulate(program, 10, new Rng('inputs'), { inputs: new Map([['X', given]]) });
    expect(withInputs.data.get('X')!.values).toEqual(given);
    expect(withInputs.drawnInputs).toEqual([]);
    await expectUserError(() => simulate(program, 11, new Rng('x'), { inputs: new Map([['X', given]]) }), 'input data X', '30 values given', 'expected 11 points x 3 = 33');
    // in chunks, the global w is drawn once and shared: every residual y - X.w is noise of sd 0.5
    const chunked = simulate(program, 400, new Rng('chunks'), { chunk: 7 });
    const [w, cx, cy] = [chunked.globals.get('w')!.values, chunked.data.get('X')!.values, chunked.data.get('y')!.values];
    const residuals = Float32Array.from({ length: 400 }, (_, k) => cy[k]! - (cx[3 * k]! * w[0]! + cx[3 * k + 1]! * w[1]! + cx[3 * k + 2]! * w[2]!));
    expect(Math.abs(moments(residuals).variance - 0.25)).toBeLessThan(4 * 0.25 * Math.sqrt(2 / 399));
    // globals held at given values (--globals guide-mean) instead of drawn
    const held = simulate(program, 400, new Rng('held'), { globals: new Map([['w', { shape: [3], values: Float32Array.of(1, -2, 0.5) }]]) });
    expect(Array.from(held.globals.get('w')!.values)).toEqual([1, -2, 0.5]);
    const [hx, hy] = [held.data.get('X')!.values, held.data.get('y')!.values];
    const heldResiduals = Float32Array.from({ length: 400 }, (_, k) => hy[k]! - (hx[3 * k]! - 2 * hx[3 * k + 1]! + 0.5 * hx[3 * k + 2]!));
    expect(Math.abs(moments(heldResiduals).variance - 0.25)).toBeLessThan(4 * 0.25 * Math.sqrt(2 / 399));
    // --inputs csv:PATH: the first n rows, bound like training data
    const f = file('X_0,X_1,X_2,other\n' + Array.from({ length: 10 }, (_, i) => `${i},${i + 0.5},${-i},7`).join('\n') + '\n');
    const read = await inputsFromCsv(program.lowered, f, undefined);
    expect(read.n).toBe(10);
    expect(Array.from(read.values.get('X')!.subarray(0, 6))).toEqual([0, 0.5, 0, 1, 1.5, -1]);
    expect((await inputsFromCsv(program.lowered, f, 4)).values.get('X')!.length).toBe(12);
    await expectUserError(() => inputsFromCsv(program.lowered, f, 11), '10 rows of inputs', 'simulate at most 10 points');
    program.dispose();
    const binaryInput = compileOk('data c : binary\ndata y : real\nparam b : real\nmodel { y ~ Normal(c * b, 1) }\n');
    await expectUserError(asCli(() => simulate(binaryInput, 5, new Rng('x'))), 'data c : binary {0, 1} is an input', 'give its values as --inputs');
    binaryInput.dispose();
  });

  it('writes discrete data as integers that read back under their domain, and binary images as IDX', async () => {
    const bern = compileOk('param p : unit = 0.3\ndata k : binary\nmodel { k ~ Bernoulli(probs = p) }\n');
    const sim = simulate(bern, 2000, new Rng('bern'));
    const csv = simulatedCsv(bern.lowered, sim);
    expect(new Set(csv.trim().split('\n').slice(1))).toEqual(new Set(['0', '1']));
    const m = moments(sim.data.get('k')!.values);
    expect(Math.abs(m.mean - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / 2000));
    const s = await openData(`csv:${file(csv)}`, NONE);
    expect(bindFields(bern.lowered.data, s.train)).toEqual(new Map([['k', 'k']]));
    bern.dispose();

    const img = compileOk('param logit : real[784] = 0\ndata x : binary[784]\nmodel { x ~ Bernoulli(logits = logit) }\n');
    expect(idxImageData(img.lowered)?.name).toBe('x');
    const images = simulate(img, 50, new Rng('img'));
    const f = file(simulatedIdx(img.lowered, images), 'sim-images-idx3-ubyte');
    const split = await openData(`idx:${f}`, { binarize: 'threshold' });
    expect([split.train.size, split.test.size]).toEqual([45, 5]);
    const x = images.data.get('x')!.values;
    const rows = holdOut(50, 0.1, f).train;
    const batch = await all(split.train);
    expect(Array.from(batch.fields.image!.subarray(0, 784 * 2))).toEqual(Array.from([...x.subarray(rows[0]! * 784, rows[0]! * 784 + 784), ...x.subarray(rows[1]! * 784, rows[1]! * 784 + 784)]));
    expect(bindFields(img.lowered.data, split.train)).toEqual(new Map([['x', 'image']]));
    expect(idxImageData(compileOk(GAUSS).lowered)).toBeUndefined();
    img.dispose();
  });

  it("simulate -> train recovers the regression weights within 0.1 (seed 'recover', n = 500, noise sd 0.5; posterior sd about 0.024)", async () => {
    const truth = compileOk(REGRESSION, 'truth');
    const sim = simulate(truth, 500, new Rng('recover'));
    const w = sim.globals.get('w')!;
    expect(w.shape).toEqual([3]);
    const f = file(simulatedCsv(truth.lowered, sim));
    truth.dispose();
    const split = await openData(`csv:${f}`, NONE);
    const program = compileOk(REGRESSION, 'fit');
    const bindings = bindFields(program.lowered.data, split.train);
    expect(bindings).toEqual(new Map([['X', 'X'], ['y', 'y']]));
    const trainer = new Trainer(program, split, bindings, { epochs: 30, batchSize: 100, lr: 0.05, optimizer: 'adam', particles: 1, kl: 'analytic', seed: 'fit' });
    await trainer.run();
    const fitted = program.params.value('wloc').dataSync();
    for (let i = 0; i < 3; i++) expect(Math.abs(fitted[i]! - w.values[i]!)).toBeLessThan(0.1);
    program.dispose();
  });
});
