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
    expect(stdout).toContain('interrupted; checkpoint: ');
    // the command that continues this run: the flags given, this run's folder, --resume
    expect(stdout).toMatch(new RegExp(`continue with: (npx )?ppl train models/vae.ppl --train-size 300 --test-size 100 --batch-size 50 --epochs 500 --out ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --resume\n`));
    // written at the interrupt, not only after an epoch
    const ckpt = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint.json'), 'utf8')) as { epoch: number; step: number };
    expect(ckpt.step).toBeGreaterThanOrEqual(6);
    const steps = fs.readFileSync(path.join(out, 'steps.csv'), 'utf8').trim().split('\n');
    expect(steps).toHaveLength(ckpt.step + 1);
  });

  describe('a ten-point data set', () => {
    const dir = tmp();
    const model = path.join(dir, 'coin.ppl');
    const data = path.join(dir, 'coin.csv');
    fs.writeFileSync(model, 'data x : binary\nglobal p : unit\nmodel {\n  p ~ Beta(10, 10)\n  x ~ Bernoulli(probs = p)\n}\nguide {\n  p ~ auto\n}\n');
    fs.writeFileSync(data, `x\n${[1, 1, 1, 1, 1, 1, 0, 0, 0, 0].join('\n')}\n`);
    const COIN = [model, '--data', `csv:${data}`, '--batch-size', '4', '--lr', '0.03'];

    it('warns that the default split holds out a point, and trains on all of them with --test-fraction 0 (no test ELBO anywhere)', () => {
      const split = ppl(['train', ...COIN, '--epochs', '2', '--out', path.join(dir, 'split')]);
      expect(split.code).toBe(0);
      expect(split.stderr).toContain('the default test fraction 0.1 holds out 1 of its 10 points, so training sees 9; --test-fraction 0 trains on all 10');
      expect(split.stdout).toMatch(/epoch 2\/2 +train ELBO -\d+\.\d+ +test ELBO -\d+\.\d+/);

      const out = path.join(dir, 'all');
      const all = ppl(['train', ...COIN, '--test-fraction', '0', '--epochs', '2', '--out', out]);
      expect(all.code).toBe(0);
      expect(all.stderr).toBe('');
      expect(all.stdout).toContain('10 train / 0 test rows');
      expect(all.stdout).not.toMatch(/NaN|test ELBO/);
      expect(all.stdout).toContain('(no test set)');
      const rows = fs.readFileSync(path.join(out, 'log.csv'), 'utf8').trim().split('\n');
      expect(rows.slice(1).every((r) => r.split(',')[3] === '')).toBe(true);
      const svg = fs.readFileSync(path.join(out, 'elbo.svg'), 'utf8');
      expect(svg).toContain(`ELBO of coin.ppl, ${out}`);
      expect(svg).toContain('train, smoothed');
      expect(svg).not.toContain('test, per epoch');

      // the commands that use the trained model fall back to the training set, and say so
      const ev = ppl(['eval', model, '--checkpoint', path.join(out, 'checkpoint.json'), '--k', '50']);
      expect(ev.code).toBe(0);
      expect(ev.stderr).toContain('note: the test set is empty (trained on every point); using the training set');
      expect(ev.stdout).toMatch(/train set, 10 points/);
      expect(ev.stdout).not.toContain('NaN');
    });

    it('--steps stops inside an epoch, and a resumed run continues to the new total; --steps with --epochs is refused', () => {
      const out = path.join(dir, 'steps');
      const first = ppl(['train', ...COIN, '--steps', '7', '--out', out]);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('7 steps (3 epochs of 3 steps)');
      expect(first.stdout).toContain('after 2 epochs and 1 step of epoch 3, step 7');
      const more = ppl(['train', ...COIN, '--steps', '12', '--out', out, '--resume']);
      expect(more.code).toBe(0);
      expect(more.stdout).toContain('after 4 epochs, step 12');
      const ckpt = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint.json'), 'utf8')) as { epoch: number; step: number; inEpoch?: unknown };
      expect([ckpt.epoch, ckpt.step, ckpt.inEpoch]).toEqual([4, 12, undefined]);
      const steps = fs.readFileSync(path.join(out, 'steps.csv'), 'utf8').trim().split('\n');
      expect(steps[0]).toBe('step,epoch,step_in_epoch,elbo');
      expect(steps.slice(1).map((r) => Number(r.split(',')[0]))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(fs.readFileSync(path.join(out, 'log.csv'), 'utf8').trim().split('\n')).toHaveLength(5);

      const both = ppl(['train', ...COIN, '--steps', '5', '--epochs', '2', '--out', path.join(dir, 'both')]);
      expect(both.code).toBe(1);
      expect(both.stderr).toBe('--steps and --epochs both set the length of the run (got steps 5, epochs 2); give one of them\n');
      expect(both.stdout).toBe('');
    });

    it('--log-format json writes one JSON object per step and per epoch on stdout, the rest on stderr; --quiet prints nothing', () => {
      const json = ppl(['train', ...COIN, '--test-fraction', '0', '--epochs', '2', '--log-format', 'json', '--out', path.join(dir, 'json')]);
      expect(json.code).toBe(0);
      const records = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; totalStep?: number; epoch: number; testElbo?: number });
      expect(records.map((r) => r.type)).toEqual(['step', 'step', 'step', 'epoch', 'step', 'step', 'step', 'epoch']);
      expect(records.filter((r) => r.type === 'step').map((r) => r.totalStep)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(records.every((r) => !('testElbo' in r))).toBe(true);
      expect(json.stderr).toContain('done: ');

      const quiet = ppl(['train', ...COIN, '--test-fraction', '0', '--epochs', '2', '--quiet', '--out', path.join(dir, 'quiet')]);
      expect(quiet.code).toBe(0);
      expect([quiet.stdout, quiet.stderr]).toEqual(['', '']);
      expect(fs.existsSync(path.join(dir, 'quiet', 'checkpoint.json'))).toBe(true);
    });
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
