// The `ppl` command as a user runs it: the built binary, its output, files and exit codes.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'main.js');

function ppl(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-cli-'));
}

const TINY = ['--train-size', '300', '--test-size', '100', '--batch-size', '50'];

describe.skipIf(!fs.existsSync(BIN))('ppl command line (built by `npm run build`)', () => {
  it('check: summarizes a good model with its estimators', () => {
    const r = ppl(['check', 'models/vae.ppl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('models/vae.ppl: ok');
    expect(r.stdout).toMatch(/latent\s+z: real \[20\].*pathwise/);
  });

  it('check: reports errors as file:line:col with a caret, exit 1, no stack trace', () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.ppl');
    fs.writeFileSync(file, 'data x : binary[784]\nlatent z : real[2]\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Bernoulli(logits = w)\n}\nguide {\n  z ~ Normal(0, 1)\n}\n');
    const r = ppl(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:5:26: error:`);
    expect(r.stderr).toContain("'w'");
    expect(r.stderr).toMatch(/\n\s*\|\s+\^/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('train: prints the backend, writes checkpoint.json and a per-epoch log.csv; --resume continues', () => {
    const out = path.join(tmp(), 'run');
    const r = ppl(['train', 'models/vae.ppl', ...TINY, '--epochs', '2', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend: (tfjs-node|wasm|cpu)/);
    expect(r.stdout).toMatch(/epoch 2\/2 +train ELBO -\d+\.\d+ +test ELBO -\d+\.\d+ nats\/datapoint/);
    const ckpt = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint.json'), 'utf8')) as { epoch: number; step: number; model: { sha256: string } };
    expect(ckpt.epoch).toBe(2);
    expect(ckpt.step).toBe(12);
    expect(ckpt.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    const rows = fs.readFileSync(path.join(out, 'log.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('epoch,steps,train_elbo,test_elbo,seconds,samples_per_second');
    expect(rows).toHaveLength(3);

    const again = ppl(['train', 'models/vae.ppl', ...TINY, '--epochs', '2', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');

    const resumed = ppl(['train', 'models/vae.ppl', ...TINY, '--epochs', '3', '--out', out, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('resuming');
    expect(fs.readFileSync(path.join(out, 'log.csv'), 'utf8').trim().split('\n')).toHaveLength(4);

    const wrongSeed = ppl(['train', 'models/vae.ppl', ...TINY, '--epochs', '4', '--out', out, '--resume', '--seed', '9']);
    expect(wrongSeed.code).toBe(1);
    expect(wrongSeed.stderr).toContain('--seed');
  });

  it('train: Ctrl-C stops after the current step, keeps the checkpoint, exits 130', async () => {
    const out = path.join(tmp(), 'run');
    const child = spawn(process.execPath, [BIN, 'train', 'models/vae.ppl', ...TINY, '--epochs', '500', '--out', out], { cwd: ROOT });
    let stdout = '';
    const code = await new Promise<number>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/epoch 1\/500 +train/.test(stdout) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c ?? -1));
    });
    expect(code).toBe(130);
    expect(stdout).toContain('interrupted');
    const ckpt = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint.json'), 'utf8')) as { epoch: number };
    expect(ckpt.epoch).toBeGreaterThanOrEqual(1);
  });

  it('bad flags, files and data are one clear line and exit 1', () => {
    const cases: [string[], RegExp][] = [
      [['train', 'models/vae.ppl', '--epochs', 'abc'], /--epochs must be a positive whole number \(got 'abc'\)/],
      [['train', 'models/vae.ppl', '--lr', '-1'], /--lr must be a positive number/],
      [['train', 'models/missing.ppl'], /models\/missing.ppl: no such file/],
      [['train', 'models/vae.ppl', '--data', 'mnist:/no/such/dir', '--out', path.join(tmp(), 'r')], /\/no\/such\/dir/],
      [['train', 'models/vae.ppl', '--data', 'cifar'], /unknown --data 'cifar'/],
    ];
    for (const [args, message] of cases) {
      const r = ppl(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('training that diverges says where, and names the flag to change', () => {
    const dir = tmp();
    const file = path.join(dir, 'nan.ppl');
    fs.writeFileSync(
      file,
      'data x : binary[784]\nlatent z : real[2]\nparam s : real = 0\nnet dec : mlp(2 -> 784)\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Bernoulli(logits = dec(z))\n}\nguide {\n  z ~ Normal(0, s)\n}\n',
    );
    const r = ppl(['train', file, ...TINY, '--epochs', '1', '--out', path.join(dir, 'run')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/training diverged: the ELBO estimate became -?(NaN|Infinity) at epoch 1, step 1/);
  });
});
