// `ppl grads` and `ppl compare`: gradient estimators compared at fixed parameters, and by
// training from the same initial parameters. Tiny models inline, a few hundred embedded digits.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { Rng } from '../runtime/random.js';
import { bindFields } from '../runtime/data/index.js';
import { openData } from '../io/index.js';
import { parseEstimatorSpec } from '../experiments/gradient-stats.js';
import { compareEstimators, defaultTarget, finalElbo, firstReaching, type CompareOptions, type EstimatorRun } from '../experiments/compare.js';
import { headDataset } from '../runtime/data/head.js';
import { registerGrads, GRADS_CSV_HEADER } from '../cli/commands/grads.js';
import { summaryTable, CURVES_CSV_HEADER, SUMMARY_CSV_HEADER } from '../cli/commands/compare.js';
import { checkOk, vaeSource } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'main.js');

// A 2-D latent VAE, small enough to train 30 steps in a fraction of a second.
const TINY_VAE = vaeSource(2, 32);

// Binary latent codes (a one-layer sigmoid belief net with an amortized guide): no pathwise gradient.
const TINY_SBN = `
data   x : binary[784]
latent c : binary[8]
net enc : mlp(784 -> 8)
net dec : mlp(8 -> 784)
model {
  c ~ Bernoulli(probs = 0.5)
  x ~ Bernoulli(logits = dec(c))
}
guide {
  c ~ Bernoulli(logits = enc(x))
}
`;

// Count latents: discrete as well, with a different distribution.
const TINY_POISSON = `
data   x : binary[784]
latent n : count[2]
net enc : mlp(784 -> 2) -> { rate: 2 positive }
net dec : mlp(2 -> 784)
model {
  n ~ Poisson(3)
  x ~ Bernoulli(logits = dec(n))
}
guide {
  n ~ Poisson(enc(x).rate)
}
`;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-compare-'));
}

function writeModel(source: string, name: string): string {
  const file = path.join(tmp(), name);
  fs.writeFileSync(file, source);
  return file;
}

/** Runs `ppl grads ...` in this process; returns what it printed. */
async function grads(args: string[]): Promise<string> {
  const program = new Command('ppl').exitOverride();
  registerGrads(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'ppl', 'grads', ...args]);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  return out;
}

function readCsv(file: string): { header: string; rows: string[][] } {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  // the note column may hold a quoted sentence with commas: split only the leading columns
  return { header: lines[0]!, rows: lines.slice(1).map((l) => l.split(',')) };
}

const SMALL = ['--train-size', '200', '--test-size', '100', '--batch-size', '20'];

beforeAll(async () => {
  await initBackend('auto');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ppl grads', () => {
  it('writes grads.csv (one row per estimator x group, the overall group first) and a chart, and prints the table', async () => {
    const file = writeModel(TINY_VAE, 'vae_tiny.ppl');
    const out = path.join(tmp(), 'grads');
    const before = tf.memory().numTensors;
    const text = await grads([file, ...SMALL, '--estimators', 'reparam,score,score+mavg,score+loo', '--repeats', '8', '--warmup', '20', '--reference-repeats', '4', '--reference-particles', '4', '--out', out]);
    expect(tf.memory().numTensors).toBe(before);
    expect(text).toMatch(/estimator\s+group\s+size\s+\|mean g\|\s+tr Cov\s+SNR\s+cos ref\s+ms\/est\s+trCov x ms/);
    expect(text).toMatch(/^score\+loo \(L=2\)\s+all\s/m);
    expect(text).toContain('reference gradient: reparam');
    const { header, rows } = readCsv(path.join(out, 'grads.csv'));
    expect(header).toBe(GRADS_CSV_HEADER);
    expect(header.split(',')).toEqual(['estimator', 'mode', 'baselines', 'objective', 'particles', 'group', 'size', 'mean_norm', 'total_variance', 'snr', 'cosine', 'ms_per_estimate', 'variance_x_ms', 'status', 'note']);
    const groups = ['all', 'decoder.layer0', 'decoder.layer1', 'encoder.layer0', 'encoder.heads'];
    expect(rows).toHaveLength(4 * groups.length);
    for (const label of ['reparam', 'score', 'score+mavg', 'score+loo']) {
      const mine = rows.filter((r) => r[0] === label);
      expect(mine.map((r) => r[5])).toEqual(groups);
      for (const r of mine) {
        expect(r[13]).toBe('ok');
        expect(Number(r[8])).toBeGreaterThan(0);
        expect(Number.isFinite(Number(r[11]))).toBe(true);
      }
    }
    // pathwise gradients have far less variance than plain score-function ones on the encoder
    const tv = (label: string, group: string): number => Number(rows.find((r) => r[0] === label && r[5] === group)![8]);
    expect(tv('score', 'encoder.layer0')).toBeGreaterThan(10 * tv('reparam', 'encoder.layer0'));
    expect(fs.statSync(path.join(out, 'grads.svg')).size).toBeGreaterThan(1000);
    const png = fs.readFileSync(path.join(out, 'grads.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it.each([
    // rows per estimator: 'all' plus one per parameter group
    ['a Bernoulli', TINY_SBN, 'c', 'Bernoulli', 3],
    ['a Poisson', TINY_POISSON, 'n', 'Poisson', 4],
  ])('on a model with %s guide site, reparam is reported as not applicable while the score-function estimators run', async (_what, source, site, dist, rowsPerEstimator) => {
    const file = writeModel(source, 'discrete.ppl');
    const out = path.join(tmp(), 'grads');
    const text = await grads([file, ...SMALL, '--estimators', 'reparam,score,score+mavg', '--repeats', '5', '--warmup', '10', '--reference-repeats', '3', '--reference-particles', '4', '--out', out]);
    expect(text).toContain(`reparam: not applicable: the guide site of ${site} is ${dist}, which cannot be reparameterized`);
    expect(text).toContain('reference gradient: score+loo');
    expect(text).toMatch(/^score\s+all\s/m);
    const { rows } = readCsv(path.join(out, 'grads.csv'));
    const reparam = rows.filter((r) => r[0] === 'reparam');
    expect(reparam).toHaveLength(1);
    expect(reparam[0]![13]).toBe('not applicable');
    expect(rows.filter((r) => r[0] === 'score' && r[13] === 'ok')).toHaveLength(rowsPerEstimator);
    expect(fs.existsSync(path.join(out, 'grads.svg'))).toBe(true);
  });
});

/**
 * compareEstimators on `source` with the first embedded digits (`trainSize` training points, the
 * held-out ELBO on `testSize` test points), minibatches of 20, Adam at lr 0.01 and the analytic
 * KL.
 */
async function compareOn(
  source: string,
  sizes: { trainSize: number; testSize: number },
  labels: readonly string[],
  run: Pick<CompareOptions, 'budget' | 'evalEvery' | 'seed'>,
): Promise<EstimatorRun[]> {
  const checked = checkOk(source);
  const split = await openData('mnist', { binarize: 'dynamic', ...sizes });
  const bindings = bindFields(checked.data, split.train);
  const specs = labels.map((l) => parseEstimatorSpec(l, 1));
  return compareEstimators(checked, split, bindings, specs, { ...run, evalSize: sizes.testSize, batchSize: 20, lr: 0.01, optimizer: 'adam', kl: 'analytic' });
}

describe('compareEstimators (experiments/compare.ts)', () => {
  it('trains each estimator from the same initial parameters: same step grid, identical initial held-out ELBO, curves that improve, no leaked tensors', async () => {
    const before = tf.memory().numTensors;
    const runs = await compareOn(TINY_VAE, { trainSize: 200, testSize: 100 }, ['reparam', 'score', 'score+mavg'], { budget: { steps: 30 }, evalEvery: { steps: 10 }, seed: 'cmp' });
    expect(tf.memory().numTensors).toBe(before);
    expect(runs.map((r) => r.spec.label)).toEqual(['reparam', 'score', 'score+mavg']);
    for (const r of runs) {
      expect(r.notApplicable).toBeUndefined();
      expect(r.diverged).toBeUndefined();
      expect(r.steps).toBe(30);
      expect(r.curve.map((p) => p.step)).toEqual([0, 10, 20, 30]);
      expect(r.curve[0]!.seconds).toBe(0);
      expect(r.curve[3]!.seconds).toBeGreaterThan(0);
      // 30 Adam steps at lr 0.01 lift the ELBO of a fresh VAE by well over 100 nats
      expect(finalElbo(r)).toBeGreaterThan(r.curve[0]!.testElbo + 100);
    }
    const initial = runs.map((r) => r.curve[0]!.testElbo);
    expect(new Set(initial).size).toBe(1);
    // estimators do differ after training
    expect(new Set(runs.map(finalElbo)).size).toBe(3);

    const target = defaultTarget(runs);
    expect(target).toBe(Math.min(...runs.map(finalElbo)));
    for (const r of runs) expect(firstReaching(r, target)).toBeDefined();
    const table = summaryTable(runs, target, 'the worst final ELBO');
    expect(table.split('\n')[0]).toMatch(/^estimator\s+final test ELBO\s+steps\s+train s\s+ms\/step\s+reaches -\d+\.\d\d \(the worst final ELBO\)$/);
    expect(table).toMatch(/^reparam\s+-\d+\.\d\d\s+30\s/m);
    expect(summaryTable(runs, 0, '--target')).toMatch(/^score\s.*not reached$/m);
  });

  it('a wall-clock budget stops each run after about that many seconds of training, evaluating along the way', async () => {
    const runs = await compareOn(TINY_VAE, { trainSize: 200, testSize: 50 }, ['score'], { budget: { seconds: 0.3 }, evalEvery: { seconds: 0.1 }, seed: 'cmp-s' });
    const r = runs[0]!;
    expect(r.seconds).toBeGreaterThanOrEqual(0.3);
    expect(r.curve.length).toBeGreaterThanOrEqual(3);
    expect(r.curve[r.curve.length - 1]!.step).toBe(r.steps);
  });

  it('reports reparam as not applicable on a discrete-latent model and still trains the others', async () => {
    const runs = await compareOn(TINY_POISSON, { trainSize: 100, testSize: 50 }, ['reparam', 'score+loo'], { budget: { steps: 4 }, evalEvery: { steps: 2 }, seed: 'cmp-d' });
    expect(runs[0]!.notApplicable).toMatch(/the guide site of n is Poisson, which cannot be reparameterized/);
    expect(runs[0]!.curve).toEqual([]);
    expect(runs[1]!.spec.particles).toBe(2);
    expect(runs[1]!.curve.map((p) => p.step)).toEqual([0, 2, 4]);
    expect(summaryTable(runs, defaultTarget(runs), 'x')).toContain('reparam: not applicable');
  });

  it('headDataset keeps the first n points in order', async () => {
    const split = await openData('mnist', { binarize: 'dynamic', trainSize: 50, testSize: 30 });
    const head = await headDataset(split.test, 12);
    expect(head.size).toBe(12);
    const sizes: number[] = [];
    const indices: number[] = [];
    for await (const b of head.batches(5, { rng: new Rng('unused'), shuffle: false })) {
      sizes.push(b.size);
      indices.push(...b.indices);
      expect(b.fields['image']!.length).toBe(b.size * 784);
    }
    expect(sizes).toEqual([5, 5, 2]);
    expect(indices).toEqual([...Array(12).keys()]);
  });
});

describe.skipIf(!fs.existsSync(BIN))('ppl compare from the command line (built by `npm run build`)', () => {
  it('prints the summary table and writes compare.csv, summary.csv and the chart', () => {
    const file = writeModel(TINY_VAE, 'vae_tiny.ppl');
    const out = path.join(tmp(), 'compare');
    const r = spawnSync(process.execPath, [BIN, 'compare', file, '--estimators', 'reparam,score', '--steps', '6', '--eval-every', '3', '--eval-size', '50', ...SMALL, '--lr', '0.01', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^backend: /);
    expect(r.stdout).toMatch(/^estimator\s+final test ELBO\s+steps/m);
    expect(r.stdout).toMatch(/^reparam\s+-\d+\.\d\d\s+6\s/m);
    expect(r.stderr).toMatch(/\[2\/2\] score: step 6/);
    const curves = fs.readFileSync(path.join(out, 'compare.csv'), 'utf8').trim().split('\n');
    expect(curves[0]).toBe(CURVES_CSV_HEADER);
    expect(curves).toHaveLength(1 + 2 * 3);
    const summary = fs.readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\n');
    expect(summary[0]).toBe(SUMMARY_CSV_HEADER);
    expect(summary).toHaveLength(3);
    expect(fs.existsSync(path.join(out, 'compare.svg'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'compare.png'))).toBe(true);

    const bad = spawnSync(process.execPath, [BIN, 'compare', file, '--estimators', 'score'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('give a budget: --steps S');
  });
});
