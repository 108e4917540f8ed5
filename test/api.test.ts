// The public library API: models checked into data, fit with its callbacks, signal and
// checkpoints, trained models and their summary, and the package as others import it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkModel,
  DEFAULT_TRAIN_OPTIONS,
  fit,
  loadModel,
  OptionError,
  parseCheckpoint,
  ProgramError,
  readCheckpoint,
  restoreModel,
  saveCheckpoint,
  serializeCheckpoint,
  arrayData,
  useBackend,
  UserError,
  type Checkpoint,
  type DataSplit,
  type EpochRecord,
  type FitStart,
  type Model,
  type StepInfo,
} from '../api/index.js';
import { formatDiagnostics } from '../lang/diagnostics.js';
import { checkSource } from '../lang/checker/index.js';
import { Rng } from '../runtime/random.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist', 'api');
const BUILT = fs.existsSync(path.join(DIST, 'index.js'));

/** A regression with a global weight vector, a positive noise param and a small net: every kind of learnable. */
const REGRESSION = `
data   X : real[3]
data   y : real
global w : real[3]
param  s : positive = 1
net    f : mlp(3 -> 4 -> 1, tanh)

model {
  w ~ Normal(0, 1)
  y ~ Normal(sum(w * X) + f(X)[0], s)
}

guide {
  w ~ auto
}
`;

function regressionData(n: number, seed: string): DataSplit {
  const rng = new Rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = [0, 1, 2].map(() => 2 * rng.uniform() - 1);
    X.push(x);
    y.push(0.5 * x[0]! - x[1]! + 0.25 * x[2]! + 0.1 * (rng.uniform() - 0.5));
  }
  return arrayData({ X, y }, { test: { X: X.slice(0, 10), y: y.slice(0, 10) } });
}

let model: Model;
let data: DataSplit;

beforeAll(async () => {
  await useBackend('auto');
  model = loadModel(REGRESSION, { file: 'regression.ppl' });
  data = regressionData(40, 'api');
});

const FAST = { epochs: 3, batchSize: 10, lr: 0.05, seed: 'api' } as const;

describe('checkModel and loadModel', () => {
  const BAD = 'data x : binary[784]\nlatent z : real[2]\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Bernoulli(logits = w)\n}\nguide {\n  z ~ Normal(0, 1)\n}\n';

  it('reports every problem as data: severity, code, message, span and the located text the CLI prints', () => {
    const r = checkModel(BAD, { file: 'bad.ppl' });
    expect(r.ok).toBe(false);
    expect(r.model).toBeUndefined();
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    const w = errors.find((d) => d.message.includes("'w'"))!;
    expect(w).toMatchObject({ severity: 'error', span: { line: 5, column: 26, endLine: 5, endColumn: 26 } });
    expect(typeof w.code).toBe('string');
    expect(w.span.offset).toBe(BAD.indexOf('w)'));
    expect(w.formatted.split('\n')[0]).toBe(`bad.ppl:5:26: error: ${w.message}`);
    expect(w.formatted).toMatch(/\n5 \|   x ~ Bernoulli\(logits = w\)\n {2}\| {26}\^$/);
    expect(r.text).toBe(formatDiagnostics('bad.ppl', BAD, checkSource('bad.ppl', BAD).diagnostics));
  });

  it('passes a clean model with its warnings, and loadModel throws a ProgramError carrying the diagnostics', () => {
    const r = checkModel(`const K = 3\n${REGRESSION}`);
    expect(r.ok).toBe(true);
    expect(r.model!.file).toBe('model.ppl');
    expect(r.model!.warnings.map((d) => [d.severity, d.code, d.message, d.span.line])).toEqual([['warning', 'unused', 'const K is declared but never used', 1]]);
    expect(r.model!.sha256).toMatch(/^[0-9a-f]{64}$/);
    let caught: unknown;
    try {
      loadModel(BAD, { file: 'bad.ppl' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ProgramError);
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as ProgramError).diagnostics.some((d) => d.message.includes("'w'"))).toBe(true);
    expect((caught as ProgramError).message).toContain('bad.ppl:5:26: error:');
  });

  it('reads a model file in Node, naming the file in diagnostics', () => {
    const m = loadModel({ file: path.join(ROOT, 'models', 'vae.ppl') });
    expect(m.file).toBe(path.join(ROOT, 'models', 'vae.ppl'));
    expect(m.checked.latents.map((l) => l.name)).toEqual(['z']);
    expect(() => loadModel({ file: path.join(ROOT, 'models', 'missing.ppl') })).toThrow(/missing\.ppl: no such file/);
  });
});

describe('fit', () => {
  it('reports its start, every step and every epoch', async () => {
    const starts: FitStart[] = [];
    const steps: StepInfo[] = [];
    const epochs: EpochRecord[] = [];
    const epochStarts: number[][] = [];
    const { trained, history, epoch, step, interrupted } = await fit(model, data, {
      ...FAST,
      onStart: (s) => starts.push(s),
      onEpochStart: (e, n, k) => epochStarts.push([e, n, k]),
      onStep: (s) => steps.push(s),
      onEpoch: (r) => epochs.push(r),
    });
    trained.dispose();
    expect(starts).toHaveLength(1);
    expect(starts[0]).toMatchObject({ stepsPerEpoch: 4, complete: false, options: { ...DEFAULT_TRAIN_OPTIONS, ...FAST } });
    expect(starts[0]!.parameters).toBe(3 + 3 + 1 + (3 * 4 + 4) + (4 * 1 + 1));
    expect([...starts[0]!.estimators]).toEqual([['w', 'reparam']]);
    expect(epochStarts).toEqual([[1, 3, 4], [2, 3, 4], [3, 3, 4]]);
    expect(steps.map((s) => s.totalStep)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(steps.map((s) => [s.epoch, s.stepInEpoch])).toContainEqual([3, 4]);
    expect(epochs).toEqual(history);
    expect(epochs.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(epochs.every((r) => Number.isFinite(r.testElbo) && Number.isFinite(r.trainElbo))).toBe(true);
    expect([epoch, step, interrupted]).toEqual([3, 12, false]);
  });

  it('stops after the current step when the signal aborts, and does not start when it is aborted already', async () => {
    const stop = new AbortController();
    const seen: number[] = [];
    const r = await fit(model, data, {
      ...FAST,
      signal: stop.signal,
      onStep: (s) => {
        seen.push(s.totalStep);
        if (s.totalStep === 6) stop.abort();
      },
    });
    r.trained.dispose();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r).toMatchObject({ interrupted: true, epoch: 1, step: 6, checkpoint: { epoch: 1, step: 6, inEpoch: { steps: 2 } } });
    expect(r.history.map((h) => h.epoch)).toEqual([1]);

    const never = await fit(model, data, { ...FAST, signal: AbortSignal.abort(), onStep: () => seen.push(-1) });
    never.trained.dispose();
    expect(never).toMatchObject({ interrupted: true, step: 0, checkpoint: undefined });
    expect(seen).not.toContain(-1);
  });

  it('hands out checkpoints that survive JSON and a file, and resuming one equals the uninterrupted run', async () => {
    const due: Checkpoint[] = [];
    const whole = await fit(model, data, { ...FAST, epochs: 4, checkpointEvery: 1, onCheckpoint: (c) => void due.push(c) });
    expect(due.map((c) => [c.epoch, c.step])).toEqual([[1, 4], [2, 8], [3, 12], [4, 16]]);
    expect(whole.checkpoint).toBe(due[3]);
    expect(due[1]!.flags).toMatchObject({ epochs: 4, batchSize: 10, seed: 'api', baselines: [] });
    expect(due[1]!.model).toEqual({ file: 'regression.ppl', sha256: model.sha256 });

    const text = serializeCheckpoint(due[1]!);
    const back = parseCheckpoint(text, 'memory');
    expect(back).toEqual(due[1]);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-api-')), 'run', 'checkpoint.json');
    saveCheckpoint(file, back);
    expect(readCheckpoint(file)).toEqual(due[1]);

    const resumed = await fit(model, data, { ...FAST, epochs: 4, resume: readCheckpoint(file) });
    expect(resumed.epoch).toBe(4);
    expect(resumed.step).toBe(16);
    const final = (c: Checkpoint | undefined): Record<string, number[]> => Object.fromEntries(c!.params.map((p) => [p.name, Array.from(p.values)]));
    expect(final(resumed.checkpoint)).toEqual(final(whole.checkpoint));
    expect(final(resumed.checkpoint).s).toEqual(Array.from(whole.trained.program.params.variable('s').dataSync()));
    const elbos = (h: EpochRecord[]): number[][] => h.map((r) => [r.epoch, r.trainElbo, r.testElbo]);
    expect(elbos(resumed.history)).toEqual(elbos(whole.history));
    whole.trained.dispose();
    resumed.trained.dispose();
  });

  it('refuses a checkpoint trained otherwise, and bad options, with an OptionError naming the option', async () => {
    const first = await fit(model, data, { ...FAST, epochs: 1 });
    first.trained.dispose();
    const ckpt = first.checkpoint!;
    const refusal = async (options: Parameters<typeof fit>[2], m: Model = model): Promise<OptionError> => {
      try {
        await fit(m, data, options);
      } catch (e) {
        expect(e).toBeInstanceOf(OptionError);
        return e as OptionError;
      }
      throw new Error('expected an OptionError');
    };
    expect((await refusal({ ...FAST, seed: 'other', resume: ckpt })).option).toBe('seed');
    expect((await refusal({ ...FAST, batchSize: 20, resume: ckpt })).message).toBe('must be 10, as when the checkpoint to resume was trained (got 20)');
    expect((await refusal({ ...FAST, resume: ckpt }, loadModel(`${REGRESSION}\n// edited\n`))).option).toBe('resume');
    expect((await refusal({ ...FAST, lr: -1 })).option).toBe('lr');
    expect((await refusal({ ...FAST, epochs: 1.5 })).message).toBe('must be a positive whole number (got 1.5)');
    expect((await refusal({ ...FAST, alpha: 0.5 })).option).toBe('alpha');
    expect((await refusal({ ...FAST, checkpointEvery: 0 })).option).toBe('checkpointEvery');
    expect((await refusal({ ...FAST, epoch: 2 } as Parameters<typeof fit>[2])).message).toMatch(/^is not a training option \(the options: epochs, batchSize, /);

    const done = await fit(model, data, { ...FAST, epochs: 1, resume: ckpt, onStep: () => expect.unreachable() });
    expect(done.step).toBe(ckpt.step);
    done.trained.dispose();
  });

  it('trains without a test set, and keeps the best of several initializations', async () => {
    const noTest = arrayData({ X: [[0.1, 0.2, 0.3], [0.3, 0.2, 0.1]], y: [1, 2] });
    const r = await fit(model, noTest, { ...FAST, batchSize: 2, initTries: 3 });
    r.trained.dispose();
    expect(r.history.every((h) => Number.isNaN(h.testElbo))).toBe(true);
    let start: FitStart | undefined;
    const again = await fit(model, data, { ...FAST, epochs: 1, initTries: 3, onStart: (s) => (start = s) });
    again.trained.dispose();
    expect(start!.initialization!.tries.map((t) => t.seed)).toEqual(['api', 'api/init-try-1', 'api/init-try-2']);
    const best = Math.max(...start!.initialization!.tries.map((t) => t.elbo));
    expect(start!.initialization!.tries[start!.initialization!.chosen]!.elbo).toBe(best);
  });
});

describe('a trained model', () => {
  it('summarizes every global latent by draws from the guide and every param by its value', async () => {
    const { trained, checkpoint } = await fit(model, data, { ...FAST, epochs: 5 });
    const s = trained.summary({ draws: 500, seed: 'sum' });
    expect(Object.keys(s)).toEqual(['w', 's']);
    expect(s.w!.kind).toBe('global');
    expect(s.w!.shape).toEqual([3]);
    for (const k of ['mean', 'sd', 'q05', 'q50', 'q95'] as const) expect(s.w![k]).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      expect(s.w!.sd[i]).toBeGreaterThan(0);
      expect(s.w!.q05[i]).toBeLessThan(s.w!.q50[i]!);
      expect(s.w!.q50[i]).toBeLessThan(s.w!.q95[i]!);
      // a Normal guide: the 5% and 95% quantiles sit 1.645 sd either side of the mean
      expect((s.w!.q95[i]! - s.w!.q05[i]!) / (2 * 1.645 * s.w!.sd[i]!)).toBeCloseTo(1, 0);
    }
    expect(s.s).toMatchObject({ kind: 'param', shape: [], sd: [0] });
    expect(s.s!.mean[0]).toBeGreaterThan(0);
    expect([s.s!.q05, s.s!.q50, s.s!.q95]).toEqual([s.s!.mean, s.s!.mean, s.s!.mean]);
    expect(trained.summary({ draws: 500, seed: 'sum' })).toEqual(s);

    const restored = restoreModel(model, checkpoint!);
    expect(restored.sourceChanged).toBe(false);
    expect(restored.summary({ draws: 500, seed: 'sum' })).toEqual(s);
    const ev = await restored.evaluate(data.test, { k: 20 });
    expect(ev.count).toBe(10);
    expect(ev.logLikelihood.mean).toBeGreaterThanOrEqual(ev.elboMean.mean - 1);
    restored.dispose();
    trained.dispose();
  });
});

describe('arrayData through fit', () => {
  it('binds fields by name and checks values against the declared domain', async () => {
    const coin = loadModel('data x : binary\nglobal p : unit\nmodel {\n  p ~ Beta(1, 1)\n  x ~ Bernoulli(probs = p)\n}\n');
    await expect(fit(coin, arrayData({ x: [0, 1, 2] }), { epochs: 1 })).rejects.toThrow(/field 'x', row 2 holds 2.*binary/s);
    await expect(fit(coin, arrayData({ y: [0, 1] }), { epochs: 1 })).rejects.toThrow(/no field named 'x'/);
    expect(() => arrayData({ x: [0, 1], y: [1] })).toThrow(/field 'y' has 1 row, but field 'x' has 2/);
  });
});

describe.skipIf(!BUILT)('the package (built by `npm run build`)', () => {
  it("imports by its own name from an .mjs file: 'ppl-vi' in Node, the engine under the browser condition", () => {
    const dir = fs.mkdtempSync(path.join(ROOT, 'test', '.import-'));
    const file = path.join(dir, 'import.mjs');
    fs.writeFileSync(
      file,
      "import * as root from 'ppl-vi';\nimport * as engine from 'ppl-vi/engine';\n" +
        'const names = (m) => ["fit", "loadModel", "checkModel", "arrayData", "restoreModel", "saveCheckpoint", "readCheckpoint", "openData"].filter((k) => typeof m[k] === "function");\n' +
        'console.log(JSON.stringify({ root: names(root), engine: names(engine), model: root.loadModel("global p : unit\\nmodel { p ~ Beta(2, 2) }\\n").checked.latents[0].name }));\n',
    );
    try {
      const run = (args: string[]): { root: string[]; engine: string[]; model: string } => {
        const r = spawnSync(process.execPath, [...args, file], { cwd: dir, encoding: 'utf8' });
        expect(r.stderr).toBe('');
        return JSON.parse(r.stdout) as { root: string[]; engine: string[]; model: string };
      };
      const node = run([]);
      expect(node.root).toEqual(['fit', 'loadModel', 'checkModel', 'arrayData', 'restoreModel', 'saveCheckpoint', 'readCheckpoint', 'openData']);
      expect(node.engine).toEqual(['fit', 'loadModel', 'checkModel', 'arrayData', 'restoreModel']);
      expect(node.model).toBe('p');
      expect(run(['--conditions=browser']).root).toEqual(node.engine);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the engine entry imports no node: module, directly or through other modules', () => {
    const seen = new Set<string>();
    const nodeImports: string[] = [];
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = fs.readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^\s*(?:import|export)\b[^'"]*?['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) walk(path.resolve(path.dirname(file), spec));
        else if (spec.startsWith('node:') || ['fs', 'path', 'crypto', 'os', 'zlib', 'url', 'child_process'].includes(spec)) nodeImports.push(`${path.relative(ROOT, file)}: ${spec}`);
      }
    };
    walk(path.join(DIST, 'engine.js'));
    expect(seen.size).toBeGreaterThan(50);
    expect(nodeImports).toEqual([]);
    walk(path.join(DIST, 'index.js'));
    expect(nodeImports.length).toBeGreaterThan(0);
  });

  it('declares its public types without any', () => {
    const offenders: string[] = [];
    const visit = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(p);
        else if (p.endsWith('.d.ts')) {
          const code = fs.readFileSync(p, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
          if (/\bany\b/.test(code)) offenders.push(path.relative(ROOT, p));
        }
      }
    };
    for (const d of ['api', 'inference', 'lang', 'runtime']) visit(path.join(ROOT, 'dist', d));
    expect(offenders).toEqual([]);
  });
});
