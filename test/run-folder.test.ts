// The run folder as the command line uses it: one run per folder (a second train refuses, naming
// the first), a resume that changes the data refuses and one that changes the learning rate says
// so, and `ppl export` writes the parameters as plain JSON.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'main.js');

const MODEL = 'data x : real[2]\nlatent z : real[2]\nparam s : positive[2] = 0.5\nnet enc : mlp(2 -> 8, tanh) -> { loc: 2, scale: 2 positive }\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(z, s)\n}\nguide {\n  let q = enc(x)\n  z ~ Normal(q.loc, q.scale)\n}\n';

function setUp(): { dir: string; train: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-run-'));
  const rows = Array.from({ length: 100 }, (_, i) => `${Math.sin(i).toFixed(3)},${Math.cos(3 * i).toFixed(3)}`);
  fs.writeFileSync(path.join(dir, 'd.csv'), `x_0,x_1\n${rows.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'm.ppl'), MODEL);
  return { dir, train: ['train', path.join(dir, 'm.ppl'), '--data', `csv:${path.join(dir, 'd.csv')}`, '--batch-size', '10'] };
}

const ppl = (args: string[]): { code: number; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

describe.skipIf(!fs.existsSync(BIN))('run folders (built by `npm run build`)', () => {
  it('a second train into the same --out refuses, naming the running one', async () => {
    const { dir, train } = setUp();
    const out = path.join(dir, 'run');
    const first = spawn(process.execPath, [BIN, ...train, '--epochs', '1000', '--out', out], { cwd: ROOT });
    await new Promise<void>((resolve) => {
      first.stdout.on('data', (d: Buffer) => {
        if (/epoch 1\/1000 +train/.test(d.toString())) resolve();
      });
    });
    const second = ppl([...train, '--epochs', '3', '--out', out, '--resume']);
    first.kill('SIGINT');
    await new Promise((resolve) => first.on('exit', resolve));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`${out}: another run is writing to this folder: process ${first.pid}`);
    expect(second.stderr).toContain('ppl train');
    expect(fs.existsSync(path.join(out, '.lock'))).toBe(false);
  }, 120_000);

  it('resume: a different --train-size refuses, a different --lr is said; export writes plain JSON', () => {
    const { dir, train } = setUp();
    const out = path.join(dir, 'run');
    expect(ppl([...train, '--epochs', '1', '--out', out]).code).toBe(0);
    const sized = ppl([...train, '--epochs', '2', '--out', out, '--resume', '--train-size', '50']);
    expect(sized.code).toBe(1);
    expect(sized.stderr).toContain('--train-size must be unset (all points), as when the checkpoint to resume was trained (got 50)');
    const faster = ppl([...train, '--epochs', '2', '--out', out, '--resume', '--lr', '0.01']);
    expect(faster.code, faster.stderr).toBe(0);
    expect(faster.stdout).toContain('note: resuming with --lr 0.01 (the checkpoint was trained with 0.001); the next checkpoint records 0.01');

    const exported = ppl(['export', path.join(dir, 'm.ppl'), '--checkpoint', path.join(out, 'checkpoint.json')]);
    expect(exported.code, exported.stderr).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'params.json'), 'utf8')) as {
      format: string;
      epoch: number;
      parameters: Record<string, { shape: number[]; constraint: string; value: unknown; unconstrained?: unknown }>;
    };
    expect(json.format).toBe('ppl-parameters');
    expect(json.epoch).toBe(2);
    const s = json.parameters['s']!;
    expect(s.shape).toEqual([2]);
    expect(s.constraint).toBe('positive');
    expect((s.value as number[]).every((v) => v > 0)).toBe(true);
    expect(s.unconstrained).toHaveLength(2);
    const w = json.parameters['enc.layer0.weight']!;
    expect(w.shape).toEqual([2, 8]);
    expect((w.value as number[][]).map((r) => r.length)).toEqual([8, 8]);
    expect(w.unconstrained).toBeUndefined();
  }, 120_000);
});
