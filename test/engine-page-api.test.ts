// What the engine offers a page (web/): data specs opened from contents in memory, pausing
// training from onStep, live views and mid-epoch checkpoints from onStart's `current()` and
// `checkpointNow()`, and the chart specs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as vl from 'vega-lite';
import {
  fit,
  interleaveDigits,
  languageVocabulary,
  loadModel,
  openData,
  openDataFrom,
  parseCheckpoint,
  restoreModel,
  serializeCheckpoint,
  stepElboChartSpec,
  elboChartSpec,
  useBackend,
  UserError,
  type Checkpoint,
  type FitStart,
} from '../api/index.js';
import { loadEmbeddedMnist } from '../io/embedded-mnist.js';

const MEAN_MODEL = 'data y : real\nglobal m : real\nmodel {\n  m ~ Normal(0, 10)\n  y ~ Normal(m, 1)\n}\nguide {\n  m ~ auto\n}\n';
const CSV = `id,height\n${Array.from({ length: 50 }, (_, i) => `${i},${(1.5 + (i % 7) * 0.05).toFixed(2)}`).join('\n')}\n`;

beforeAll(async () => {
  await useBackend('wasm');
});

async function firstValues(split: { train: { batches(n: number, o: object): AsyncIterable<{ fields: Record<string, Float32Array> }> } }, field: string, n: number): Promise<number[]> {
  for await (const b of split.train.batches(n, { shuffle: false })) return [...b.fields[field]!.slice(0, n)];
  return [];
}

describe('openDataFrom', () => {
  it('opens a CSV spec from text with column bindings and a test fraction, as openData opens the file', async () => {
    const dir = fs.mkdtempSync(path.join(process.env['TMPDIR'] ?? '/tmp', 'page-api-'));
    const file = path.join(dir, 'heights.csv');
    fs.writeFileSync(file, CSV);
    const fromText = openDataFrom(`csv:${file}`, { files: { [file]: CSV } }, { columns: ['y=height'], testFraction: 0.2 });
    const fromFile = await openData(`csv:${file}`, { binarize: 'none', columns: ['y=height'], testFraction: 0.2 });
    expect(fromText.train.size).toBe(40);
    expect(fromText.test.size).toBe(10);
    expect(fromText.description).toBe(fromFile.description);
    expect(await firstValues(fromText, 'y', 40)).toEqual(await firstValues(fromFile, 'y', 40));
  });

  it('opens mnist from the digits in memory: the first points are those of Node', async () => {
    const raw = await loadEmbeddedMnist();
    const head = { train: { pixels: raw.train.pixels.slice(0, 300 * 784), labels: raw.train.labels.slice(0, 300) }, test: { pixels: raw.test.pixels.slice(0, 100 * 784), labels: raw.test.labels.slice(0, 100) } };
    const page = openDataFrom('mnist', { mnist: head }, { binarize: 'threshold', trainSize: 200, testSize: 50 });
    const node = await openData('mnist', { binarize: 'threshold', trainSize: 200, testSize: 50 });
    expect(page.train.size).toBe(200);
    expect(await firstValues(page, 'image', 200 * 784)).toEqual(await firstValues(node, 'image', 200 * 784));
    expect(interleaveDigits).toBeTypeOf('function');
  });

  it('names what is missing', () => {
    expect(() => openDataFrom('csv:a.csv', { files: { 'b.csv': CSV } })).toThrow(UserError);
    expect(() => openDataFrom('csv:a.csv', { files: { 'b.csv': CSV } })).toThrow(/no contents for a\.csv \(given: b\.csv\)/);
    expect(() => openDataFrom('mnist', {})).toThrow(/embedded digits/);
    expect(() => openDataFrom('mnist:some/dir', {})).toThrow(/Node/);
  });
});

describe('fit for a page', () => {
  it('waits for a promise onStep returns (a pause), serves live views and a checkpoint mid-epoch', async () => {
    const model = loadModel(MEAN_MODEL, { file: 'mean.ppl' });
    const data = openDataFrom('csv:h.csv', { files: { 'h.csv': CSV } }, { columns: ['y=height'] });
    let start: FitStart | undefined;
    let paused = false;
    // steps that started while onStep's promise was still pending: none if training waits for it
    let stepsWhilePaused = 0;
    let mid: Checkpoint | undefined;
    const liveMeans: number[] = [];
    const result = await fit(model, data, {
      epochs: 2,
      batchSize: 10,
      lr: 0.1,
      data: 'csv:h.csv;columns=y=height',
      onStart: (s) => (start = s),
      onStep: async (info) => {
        if (paused) stepsWhilePaused++;
        liveMeans.push(start!.current().summary({ draws: 10 })['m']!.mean[0]!);
        if (info.totalStep === 3) {
          paused = true;
          mid = await start!.checkpointNow();
          // give a loop that did not wait every chance to run further steps meanwhile
          await new Promise((r) => setTimeout(r, 100));
          paused = false;
        }
      },
    });
    expect(paused).toBe(false);
    expect(stepsWhilePaused).toBe(0);
    expect(result.step).toBe(10);
    expect(liveMeans.length).toBe(10);
    expect(new Set(liveMeans).size).toBeGreaterThan(5); // the view follows the parameters
    expect(mid!.epoch).toBe(0);
    expect(mid!.step).toBe(3);
    // The mid-epoch checkpoint is a checkpoint: as text and back, then restored.
    const restored = restoreModel(model, parseCheckpoint(serializeCheckpoint(mid!), 'mid'));
    expect(restored.summary({ draws: 10 })['m']!.mean[0]).toBeCloseTo(liveMeans[2]!, 5);
    restored.dispose();
    result.trained.dispose();
  });
});

describe('chart specs', () => {
  it('compile with Vega-Lite', () => {
    expect(() => vl.compile(stepElboChartSpec([{ step: 1, elbo: -3, running: -3 }, { step: 2, elbo: -2, running: -2.5 }]))).not.toThrow();
    expect(() => vl.compile(elboChartSpec([{ epoch: 1, steps: 2, trainElbo: -3, testElbo: -3.1, seconds: 1, samplesPerSecond: 10 }]))).not.toThrow();
  });
});

describe('languageVocabulary', () => {
  it('lists the words of the registries, for editors', () => {
    const v = languageVocabulary();
    for (const k of ['const', 'data', 'latent', 'global', 'param', 'net', 'model', 'guide', 'let', 'for', 'factor']) expect(v.keywords).toContain(k);
    expect(v.distributions).toContain('Normal');
    expect(v.distributions).not.toContain('Bernouli');
    expect(v.domains).toEqual(expect.arrayContaining(['real', 'binary', 'int', 'simplex', 'positive']));
    expect(v.functions).toEqual(expect.arrayContaining(['exp', 'one_hot', 'concat']));
    expect(v.annotations).toEqual(expect.arrayContaining(['enumerate', 'score', 'baseline']));
    expect(v.nets).toEqual(expect.arrayContaining(['mlp', 'relu']));
  });
});
