// The schedule of a training run: its length in epochs or in steps, when checkpoints are handed
// out (by time, by epochs, at the end, on a stop), resuming from inside an epoch, and training
// on every point (testFraction 0). None of it may change the numbers: a run cut anywhere and
// resumed ends with exactly the parameters of the uninterrupted run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayData, fit, loadModel, openData, parseCheckpoint, serializeCheckpoint, useBackend, OptionError, type Checkpoint, type DataSplit, type FitOptions, type Model } from '../api/index.js';
import { Rng } from '../runtime/random.js';

const REGRESSION = `
data   X : real[3]
data   y : real
global w : real[3]
param  s : positive = 1
model {
  w ~ Normal(0, 1)
  y ~ Normal(sum(w * X), s)
}
guide {
  w ~ auto
}
`;

let model: Model;
let data: DataSplit;

beforeAll(async () => {
  await useBackend('auto');
  model = loadModel(REGRESSION, { file: 'regression.ppl' });
  const rng = new Rng('schedule');
  const X = Array.from({ length: 45 }, () => [0, 1, 2].map(() => 2 * rng.uniform() - 1));
  const y = X.map((x) => 0.5 * x[0]! - x[1]! + 0.25 * x[2]! + 0.1 * rng.uniform());
  data = arrayData({ X, y }, { testFraction: 0.2 });
});

// 36 training points in batches of 10: 4 steps an epoch, the last one short.
const BASE = { batchSize: 10, lr: 0.05, seed: 'schedule', particles: 2 } as const;

const values = (c: Checkpoint | undefined): Record<string, number[]> => Object.fromEntries(c!.params.map((p) => [p.name, Array.from(p.values)]));

async function run(options: FitOptions): Promise<Awaited<ReturnType<typeof fit>>> {
  const r = await fit(model, data, { ...BASE, ...options });
  r.trained.dispose();
  return r;
}

describe('the length of a run', () => {
  it('steps equal to k whole epochs give the parameters and history of epochs k', async () => {
    const byEpochs = await run({ epochs: 3 });
    const bySteps = await run({ steps: 12 });
    expect([bySteps.epoch, bySteps.step]).toEqual([3, 12]);
    expect(bySteps.checkpoint!.inEpoch).toBeUndefined();
    expect(values(bySteps.checkpoint)).toEqual(values(byEpochs.checkpoint));
    expect(bySteps.history).toHaveLength(3);
    expect(bySteps.history.map((h) => [h.trainElbo, h.testElbo])).toEqual(byEpochs.history.map((h) => [h.trainElbo, h.testElbo]));
    expect(bySteps.checkpoint!.flags).toMatchObject({ steps: 12 });
    expect(bySteps.checkpoint!.flags['epochs']).toBeUndefined();
  });

  it('refuses epochs and steps together, naming both', async () => {
    const e = await fit(model, data, { ...BASE, epochs: 2, steps: 5 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OptionError);
    expect((e as OptionError).option).toBe('steps');
    expect((e as OptionError).message).toContain('`epochs`');
  });

  it('stops inside an epoch at its step count; resuming to more steps or to whole epochs equals the run never cut', async () => {
    const whole = await run({ epochs: 4 });
    const cut = await run({ steps: 6 });
    expect([cut.epoch, cut.step, cut.interrupted]).toEqual([1, 6, false]);
    expect(cut.checkpoint!.inEpoch).toMatchObject({ steps: 2 });
    // through JSON, as a checkpoint file would carry it
    const saved = parseCheckpoint(serializeCheckpoint(cut.checkpoint!), 'memory');
    const toSteps = await run({ steps: 16, resume: saved });
    expect(values(toSteps.checkpoint)).toEqual(values(whole.checkpoint));
    const toEpochs = await run({ epochs: 4, resume: saved });
    expect(values(toEpochs.checkpoint)).toEqual(values(whole.checkpoint));
    expect(toEpochs.history.map((h) => [h.epoch, h.steps, h.trainElbo, h.testElbo])).toEqual(whole.history.map((h) => [h.epoch, h.steps, h.trainElbo, h.testElbo]));
    const done = await run({ steps: 6, resume: saved, onStep: () => expect.unreachable() });
    expect(done.step).toBe(6);
  });
});

describe('when checkpoints are handed out', () => {
  it('by default once, at the end of a short run (not after every epoch)', async () => {
    const due: Checkpoint[] = [];
    const r = await run({ epochs: 5, onCheckpoint: (c) => void due.push(c) });
    expect(due.map((c) => [c.epoch, c.step])).toEqual([[5, 20]]);
    expect(r.checkpoint).toBe(due[0]);
  });

  it('by time when checkpointSeconds passes, inside epochs too, without changing the numbers', async () => {
    const due: Checkpoint[] = [];
    const r = await run({ epochs: 3, checkpointSeconds: 1e-6, onCheckpoint: (c) => void due.push(c) });
    expect(due.map((c) => c.step)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(due[1]!.inEpoch).toMatchObject({ steps: 2 });
    expect(due[3]!.inEpoch).toBeUndefined();
    const plain = await run({ epochs: 3 });
    expect(values(r.checkpoint)).toEqual(values(plain.checkpoint));
  });

  it('when the signal stops a run: resuming that checkpoint equals the run never stopped', async () => {
    const stop = new AbortController();
    const due: Checkpoint[] = [];
    const stopped = await run({
      epochs: 3,
      signal: stop.signal,
      onStep: (s) => {
        if (s.totalStep === 7) stop.abort();
      },
      onCheckpoint: (c) => void due.push(c),
    });
    expect(stopped.interrupted).toBe(true);
    expect(due.map((c) => [c.epoch, c.step, c.inEpoch?.steps])).toEqual([[1, 7, 3]]);
    expect(stopped.checkpoint).toBe(due[0]);
    const resumed = await run({ epochs: 3, resume: due[0] });
    const whole = await run({ epochs: 3 });
    expect(values(resumed.checkpoint)).toEqual(values(whole.checkpoint));
  });

  it('refuses a negative checkpointSeconds', async () => {
    const e = await fit(model, data, { ...BASE, epochs: 1, checkpointSeconds: -1 }).catch((x: unknown) => x);
    expect((e as OptionError).option).toBe('checkpointSeconds');
  });
});

describe('a dynamically binarized VAE resumed from inside an epoch', () => {
  it('draws the same minibatches and noise as the uninterrupted run', async () => {
    const vae = loadModel({ file: path.join(import.meta.dirname, '..', 'models', 'vae.ppl') });
    const split = await openData('mnist', { binarize: 'dynamic', trainSize: 150, testSize: 50 });
    const o = { batchSize: 50, seed: 'vae-cut' } as const;
    const whole = await fit(vae, split, { ...o, epochs: 2 });
    const cut = await fit(vae, split, { ...o, steps: 4 });
    const resumed = await fit(vae, split, { ...o, epochs: 2, resume: cut.checkpoint });
    expect(values(resumed.checkpoint)).toEqual(values(whole.checkpoint));
    expect(resumed.history.map((h) => h.trainElbo)).toEqual(whole.history.map((h) => h.trainElbo));
    for (const r of [whole, cut, resumed]) r.trained.dispose();
  });
});

describe('training on every point', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-schedule-'));
  const coin = path.join(dir, 'coin.csv');
  fs.writeFileSync(coin, `x\n${[1, 1, 1, 1, 1, 1, 0, 0, 0, 0].join('\n')}\n`);
  const COIN = 'data x : binary\nglobal p : unit\nmodel {\n  p ~ Beta(10, 10)\n  x ~ Bernoulli(probs = p)\n}\nguide {\n  p ~ auto\n}\n';

  it('testFraction 0 keeps every row for training and reports no test ELBO', async () => {
    const split = await openData(`csv:${coin};test-fraction=0`);
    expect([split.train.size, split.test.size]).toEqual([10, 0]);
    expect(split.warnings ?? []).toEqual([]);
    const r = await fit(loadModel(COIN), split, { epochs: 3, batchSize: 10 });
    r.trained.dispose();
    expect(r.history.every((h) => Number.isNaN(h.testElbo))).toBe(true);
    const arrays = arrayData({ x: [1, 0, 1] }, { testFraction: 0 });
    expect([arrays.train.size, arrays.test.size]).toEqual([3, 0]);
  });

  it('warns when the default split holds out points of a tiny data set, naming the count and the option', async () => {
    const warnings: string[] = [];
    const split = await openData(`csv:${coin}`);
    expect([split.train.size, split.test.size]).toEqual([9, 1]);
    const r = await fit(loadModel(COIN), split, { epochs: 1, batchSize: 10, onWarning: (w) => warnings.push(w) });
    r.trained.dispose();
    expect(warnings).toEqual([`${coin}: the default test fraction 0.1 holds out 1 of its 10 points, so training sees 9; \`testFraction\` 0 trains on all 10 (no test ELBO is reported then)`]);
    const given = await openData(`csv:${coin};test-fraction=0.2`);
    expect(given.warnings ?? []).toEqual([]);
  });
});
