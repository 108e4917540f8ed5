// Start-up time of the `ppl` command, this checkout against another one, side by side:
// `ppl --help`, `ppl --version`, `ppl check models/vae.ppl`, and `ppl train` until its first
// step line. Rounds interleave the two checkouts and the tasks, so a machine that is busier
// at one moment colours both; the table gives each side's median and the ratio.
//
//   npm run build && node dist/bench/startup.js --baseline ../ppl-before [--rounds 9]
//
// where ../ppl-before is a built checkout of the commit to compare with (for instance
// `git worktree add ../ppl-before <commit> && cd ../ppl-before && npm ci`).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Task {
  name: string;
  args: string[];
  /** Stop timing at the first output line matching this (then end the process); at exit when absent. */
  until?: RegExp;
}

const TASKS: Task[] = [
  { name: '--help', args: ['--help'] },
  { name: '--version', args: ['--version'] },
  { name: 'check models/vae.ppl', args: ['check', 'models/vae.ppl'] },
  {
    name: 'train vae.ppl to its first step',
    args: ['train', 'models/vae.ppl', '--epochs', '1', '--train-size', '500', '--test-size', '100', '--batch-size', '100', '--out', '<tmp>'],
    until: /step 1\b/,
  },
];

function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Seconds from spawn to exit (or to the first line matching `until`). */
function timeOnce(root: string, task: Task, tmp: string): Promise<number> {
  const bin = path.join(root, 'dist', 'cli', 'main.js');
  const args = task.args.map((a) => (a === '<tmp>' ? fs.mkdtempSync(path.join(tmp, 'run-')) : a));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve((performance.now() - started) / 1000);
      child.kill();
    };
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (task.until?.test(out)) finish();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!done && task.until) reject(new Error(`${root}: '${task.args.join(' ')}' exited (${code}) before printing ${task.until}:\n${out}`));
      else finish();
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const baseline = flag('--baseline');
  if (!baseline) throw new Error('name a built checkout to compare with: --baseline DIR');
  const rounds = Number(flag('--rounds', '9'));
  const sides: [string, string][] = [
    ['before', path.resolve(baseline)],
    ['after', ROOT],
  ];
  const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env['TMPDIR'] ?? '/tmp'), 'ppl-startup-'));
  const times = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    // Alternate which side goes first, so neither always runs on a warmer cache.
    const order = r % 2 ? [...sides].reverse() : sides;
    for (const task of TASKS) {
      for (const [side, root] of order) {
        const key = `${task.name}|${side}`;
        times.set(key, [...(times.get(key) ?? []), await timeOnce(root, task, tmp)]);
      }
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`start-up, median of ${rounds} interleaved rounds (seconds); before: ${sides[0]![1]}`);
  console.log(`${'task'.padEnd(34)}${'before'.padStart(8)}${'after'.padStart(8)}${'after/before'.padStart(14)}`);
  for (const task of TASKS) {
    const b = median(times.get(`${task.name}|before`)!);
    const a = median(times.get(`${task.name}|after`)!);
    console.log(`${task.name.padEnd(34)}${b.toFixed(2).padStart(8)}${a.toFixed(2).padStart(8)}${(a / b).toFixed(2).padStart(14)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
