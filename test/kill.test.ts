// kill -9 at random moments, 20 times, a third of them the moment the checkpoint's temporary file
// appears (inside its write): every checkpoint
// left on disk loads and agrees with an uninterrupted run's history, stale temporary files and
// locks of the killed runs are cleaned up, and the run resumed after the last kill ends with
// exactly the parameters and ELBOs of the uninterrupted run. Seeded (the kill times), so a failure
// replays; the tolerance is exact equality of the saved float32 values.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../io/checkpoint-file.js';
import type { Checkpoint } from '../inference/checkpoint.js';
import { Rng } from '../runtime/random.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'main.js');
const KILLS = 20;
const EPOCHS = 6;

const MODEL = `data   x : real[2]
latent z : real[2]
net dec : mlp(2 -> 500 -> 500 -> 2, tanh)
net enc : mlp(2 -> 50, tanh) -> { loc: 2, scale: 2 positive }
model {
  z ~ Normal(0, 1)
  x ~ Normal(dec(z), 0.5)
}
guide {
  let q = enc(x)
  z ~ Normal(q.loc, q.scale)
}
`;

function setUp(): { dir: string; args: (out: string) => string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-kill-'));
  const rng = new Rng('kill-data');
  const rows = Array.from({ length: 60 }, () => `${(2 * rng.uniform() - 1).toFixed(3)},${(2 * rng.uniform() - 1).toFixed(3)}`);
  fs.writeFileSync(path.join(dir, 'd.csv'), `x_0,x_1\n${rows.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'tiny.ppl'), MODEL);
  return { dir, args: (out) => ['train', path.join(dir, 'tiny.ppl'), '--data', `csv:${path.join(dir, 'd.csv')}`, '--epochs', String(EPOCHS), '--batch-size', '20', '--checkpoint-every', '1epochs', '--out', out] };
}

const numbers = (c: Checkpoint): unknown => c.history.map((r) => [r.epoch, r.steps, r.trainElbo, r.testElbo]);

type KillAt = 'time' | 'after-epoch' | 'in-write';

/**
 * Start a run and SIGKILL it: `delay` ms after the start ('time'), that long after an epoch line
 * appears ('after-epoch', when the checkpoint, log and chart are written), or the moment the
 * checkpoint's temporary file appears in `out` ('in-write').
 */
function killedRun(args: string[], out: string, delay: number, at: KillAt): Promise<void> {
  return new Promise((resolve) => {
    fs.mkdirSync(out, { recursive: true });
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let timer: NodeJS.Timeout | undefined;
    const kill = (): void => void child.kill('SIGKILL');
    const watcher =
      at === 'in-write'
        ? fs.watch(out, (_event, name) => {
            if (name && name.startsWith(`checkpoint.json.tmp-${child.pid}`)) kill();
          })
        : undefined;
    if (at === 'time') timer = setTimeout(kill, delay);
    child.stdout.on('data', (d: Buffer) => {
      if (at === 'after-epoch' && !timer && /epoch \d+\/\d+ +train/.test(d.toString())) timer = setTimeout(kill, delay);
    });
    child.on('exit', () => {
      if (timer) clearTimeout(timer);
      watcher?.close();
      resolve();
    });
  });
}

describe.skipIf(!fs.existsSync(BIN))('kill -9 during training (built by `npm run build`)', () => {
  it(`${KILLS} kills at random moments: every checkpoint left loads, and the resumed run ends with the uninterrupted run's numbers`, async () => {
    const { dir, args } = setUp();
    const reference = spawnSync(process.execPath, [BIN, ...args(path.join(dir, 'reference'))], { cwd: ROOT, encoding: 'utf8' });
    expect(reference.status, reference.stderr).toBe(0);
    const want = readCheckpoint(path.join(dir, 'reference', 'checkpoint.json'));

    const out = path.join(dir, 'killed');
    const ckpt = path.join(out, 'checkpoint.json');
    const rng = new Rng('kill-times');
    let insideWrite = 0;
    let withCheckpoint = 0;
    for (let i = 0; i < KILLS; i++) {
      // A third at a uniformly random moment of a run (start-up included), a third just after an
      // epoch ends (while the checkpoint, the log and the chart are written), a third the moment
      // the checkpoint's temporary file appears (inside its write).
      const at: KillAt = (['time', 'after-epoch', 'in-write'] as const)[i % 3]!;
      const delay = at === 'after-epoch' ? rng.uniform() * 400 : 300 + rng.uniform() * 2500;
      const resume = fs.existsSync(ckpt) ? ['--resume'] : [];
      await killedRun([...args(out), ...resume], out, delay, at);
      const left = fs.existsSync(out) ? fs.readdirSync(out) : [];
      if (left.some((f) => /\.tmp-\d+$/.test(f))) insideWrite++;
      if (fs.existsSync(ckpt)) {
        withCheckpoint++;
        const c = readCheckpoint(ckpt);
        expect(numbers(c)).toEqual((numbers(want) as unknown[]).slice(0, c.epoch));
      }
    }
    const finished = spawnSync(process.execPath, [BIN, ...args(out), ...(fs.existsSync(ckpt) ? ['--resume'] : [])], { cwd: ROOT, encoding: 'utf8' });
    expect(finished.status, finished.stderr).toBe(0);
    const got = readCheckpoint(ckpt);
    expect(got.epoch).toBe(EPOCHS);
    expect(numbers(got)).toEqual(numbers(want));
    expect(got.params.map((p) => p.name)).toEqual(want.params.map((p) => p.name));
    got.params.forEach((p, k) => expect(Buffer.from(p.values.buffer).equals(Buffer.from(want.params[k]!.values.buffer)), p.name).toBe(true));
    // Nothing of the killed runs is left behind: no temporary files, no lock.
    expect(fs.readdirSync(out).filter((f) => /\.tmp-\d+$|^\.lock/.test(f))).toEqual([]);
    const log = fs.readFileSync(path.join(out, 'log.csv'), 'utf8').trim().split('\n');
    expect(log).toHaveLength(EPOCHS + 1);
    // The kills timed by the temporary file's appearance mostly land inside the write.
    expect(insideWrite).toBeGreaterThan(0);
    console.log(`kill -9 x ${KILLS}: ${withCheckpoint} left a checkpoint (all loaded and matched), ${insideWrite} were inside a file write (temporary file left, removed by the next start)`);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 300_000);
});
