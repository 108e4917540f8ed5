// The per-epoch tax of a small data set: `ppl train` of a ten-point coin model for 1,000
// epochs (one step each), end to end with its checkpoint, logs and chart, against the same
// training with no file written (the library's fit without callbacks). Side by side in one
// process, interleaved, median of the rounds. Also shown: the same run with a checkpoint after
// every epoch (--checkpoint-every 1epoch), the schedule this bench replaced.
//
//   node dist/bench/small-data.js [--epochs 1000] [--rounds 3]
//
// The last line reads `ratio total/training epochs=E R` (R the median over rounds; the bar is 1.5).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fit, loadModel, useBackend, DEFAULT_TRAIN_OPTIONS } from '../api/index.js';
import { runTrain, type TrainFlags } from '../cli/commands/train.js';
import type { CheckpointSchedule } from '../cli/flags.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const EPOCHS = arg('--epochs', 1000);
const ROUNDS = arg('--rounds', 3);
const BAR = 1.5;

const COIN = 'data x : binary\nglobal p : unit\nmodel {\n  p ~ Beta(10, 10)\n  x ~ Bernoulli(probs = p)\n}\nguide {\n  p ~ auto\n}\n';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppl-small-data-'));
const modelFile = path.join(dir, 'coin.ppl');
const dataFile = path.join(dir, 'coin.csv');
fs.writeFileSync(modelFile, COIN);
fs.writeFileSync(dataFile, `x\n${[1, 1, 1, 1, 1, 1, 0, 0, 0, 0].join('\n')}\n`);
// The default split (one point held out, evaluated after every epoch), named so that no warning prints.
const DATA = `csv:${dataFile};test-fraction=0.1`;
const TRAINING = { epochs: EPOCHS, batchSize: 10, particles: 8, lr: 0.03, seed: '0' } as const;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Timing {
  wall: number;
  cpu: number;
}

/** Wall-clock and CPU seconds (user + system) of `run`: on a shared machine the CPU time is the steadier figure. */
async function timed(run: () => Promise<void>): Promise<Timing> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await run();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/** fit alone: the model checked, the data opened, trained; nothing written. */
async function pureTraining(): Promise<void> {
  const model = loadModel({ file: modelFile });
  const r = await fit(model, DATA, TRAINING);
  r.trained.dispose();
}

let runs = 0;
/** `ppl train` in this process, quiet, into a fresh folder: checkpoint, log.csv, steps.csv, chart. */
async function command(schedule: CheckpointSchedule): Promise<void> {
  const d = DEFAULT_TRAIN_OPTIONS;
  const flags: TrainFlags = {
    ...d,
    ...TRAINING,
    data: DATA,
    baseline: [],
    out: path.join(dir, `run-${++runs}`),
    resume: false,
    backend: 'auto',
    checkpointEvery: schedule,
    quiet: true,
    logFormat: 'text',
  };
  await runTrain(modelFile, flags, []);
}

await useBackend('auto');
await pureTraining(); // warm-up: backend, kernels, chart libraries loaded once for all
await command({ seconds: 60 });

const variants: [string, () => Promise<void>][] = [
  ['training', pureTraining],
  ['ppl train', () => command({ seconds: 60 })],
  ['checkpoint every epoch', () => command({ epochs: 1 })],
];
const times: Timing[][] = variants.map(() => []);
for (let round = 1; round <= ROUNDS; round++) {
  // Each round starts with a different variant, so a burst of load elsewhere does not always hit the same one.
  for (let k = 0; k < variants.length; k++) {
    const i = (k + round - 1) % variants.length;
    times[i]!.push(await timed(variants[i]![1]));
  }
  console.log(`round ${round}: ${variants.map(([name], i) => `${name} ${times[i]!.at(-1)!.wall.toFixed(2)} s (CPU ${times[i]!.at(-1)!.cpu.toFixed(2)} s)`).join(', ')}`);
}
const ratio = (i: number, of: 'wall' | 'cpu'): number => median(times[i]!.map((t, r) => t[of] / times[0]![r]![of]));
console.log(`${EPOCHS} epochs of a ten-point model (1 step each), median of ${ROUNDS} rounds, over training alone (wall clock; CPU time):`);
console.log(`  ppl train ${ratio(1, 'wall').toFixed(3)}; ${ratio(1, 'cpu').toFixed(3)}`);
console.log(`  with a checkpoint every epoch ${ratio(2, 'wall').toFixed(3)}; ${ratio(2, 'cpu').toFixed(3)}`);
console.log(`ratio every-epoch/training epochs=${EPOCHS} ${ratio(2, 'wall').toFixed(3)}`);
console.log(`ratio total/training epochs=${EPOCHS} ${ratio(1, 'wall').toFixed(3)}`);
fs.rmSync(dir, { recursive: true, force: true });
if (ratio(1, 'wall') > BAR) {
  console.log(`above the bar of ${BAR}`);
  process.exitCode = 1;
}
