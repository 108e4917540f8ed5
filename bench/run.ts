// `npm run bench`: every bar of the project in one command, one after the other (each in its
// own process, so one backend initialisation cannot colour the other's timings).
//   speed    compiled vae.ppl step vs the hand-written tfjs VAE, side by side, batch 32 to 1024
//   quality  vae.ppl on full MNIST, 10 epochs (within 1 nat of PyTorch's -101.9)
//   small-data  1,000 epochs of a ten-point model: ppl train over training alone (ratio <= 1.5)
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const benches: [string, string[]][] = [
  ['speed.js', ['--batch', '32,100,128,256,1024', '--steps', '20']],
  ['quality.js', []],
  ['small-data.js', []],
];

let failed = false;
for (const [script, args] of benches) {
  console.log(`\n=== ${script} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [path.join(here, script), ...process.argv.slice(2), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
