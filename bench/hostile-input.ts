// The hostile programs of bench/hostile-programs.ts through the real command (`ppl check`, a
// fresh process each, start-up included), plus `ppl train --particles 1e9`: the exit code, the
// wall time and the first line of each answer. The bar: exit 1 with a located error, each in
// under 5 s. Reports; never fails.
//   npm run build && node dist/bench/hostile-input.js
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostilePrograms } from './hostile-programs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(root, 'dist', 'cli', 'main.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-hostile-'));

function run(name: string, args: string[]): void {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - t0) / 1000;
  const first = (r.stderr || r.stdout).split('\n').find((l) => /error|must|too/.test(l)) ?? '';
  const shown = first.length > 150 ? `${first.slice(0, 147)}...` : first;
  console.log(`${name.padEnd(40)} exit ${r.status ?? 'timeout'}  ${seconds.toFixed(2)} s  ${r.stderr.length + r.stdout.length} bytes  ${shown}`);
}

for (const p of hostilePrograms()) {
  const file = path.join(dir, `${p.name.replace(/\W+/g, '-')}.ppl`);
  fs.writeFileSync(file, p.source);
  run(p.name, ['check', file]);
}
run('train --particles 1e9', ['train', 'models/vae.ppl', '--particles', '1e9', '--out', path.join(dir, 'run')]);
fs.rmSync(dir, { recursive: true, force: true });
