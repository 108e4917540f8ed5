// The data pipeline's share of a training step: the trainer's own loop on full MNIST (shuffled
// minibatches gathered from the data set, dynamic binarization, tensors made and freed, a turn
// of the event loop per step) against the same program's bare Svi.step on minibatches made
// beforehand, interleaved step by step (a bare step runs in the trainer's step hook, outside
// the trainer's timed part).
//
//   npm run build && node dist/bench/pipeline.js [--steps 600] [--rounds 3] [--backend wasm] [--batch 100]
//
// 600 steps at batch 100 is one full epoch of MNIST's 60,000 training images. The gap,
// 1 - (trainer samples/s) / (bare step samples/s), is the pipeline's overhead (aim: at most 10%).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { tf } from '../runtime/tf.js';
import { initBackend, describeBackend, parseBackendChoice } from '../runtime/backend.js';
import { bindFields } from '../runtime/data/index.js';
import { Rng } from '../runtime/random.js';
import { openData } from '../io/index.js';
import { checkSource } from '../lang/checker/index.js';
import { compileProgram } from '../lang/compiler/index.js';
import { Trainer } from '../inference/train.js';
import { toMinibatch, disposeMinibatch } from '../inference/minibatch.js';
import type { Minibatch } from '../inference/svi.js';
import { repoRoot, sharedMnistDir } from './repo.js';
import { median } from './speed.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string', default: '600' },
      rounds: { type: 'string', default: '3' },
      batch: { type: 'string', default: '100' },
      backend: { type: 'string', default: 'auto' },
    },
  });
  const steps = Number(values.steps);
  const rounds = Number(values.rounds);
  const batchSize = Number(values.batch);
  const backend = await initBackend(parseBackendChoice(values.backend));
  console.log(describeBackend(backend));
  const dir = sharedMnistDir();
  if (!fs.existsSync(dir)) {
    console.log(`skipped: ${dir} is absent (this bench needs full MNIST)`);
    return;
  }
  const file = path.join(repoRoot(), 'models', 'vae.ppl');
  const checked = checkSource(file, fs.readFileSync(file, 'utf8')).checked;
  if (!checked) throw new Error('models/vae.ppl does not check');
  const split = await openData(`mnist:${dir}`, { binarize: 'dynamic' });
  const program = compileProgram(checked, { seed: '0' });
  const bindings = bindFields(checked.data, split.train);
  const trainer = new Trainer(program, split, bindings, { epochs: Math.ceil((rounds * steps * batchSize) / split.train.size) + 1, batchSize, lr: 1e-3, optimizer: 'adam', particles: 1, kl: 'analytic', seed: '0', evaluateTest: false });
  const n = split.train.size;

  // The bare step's minibatches: the first `steps` of an epoch, made before timing.
  const premade: Minibatch[] = [];
  for await (const b of split.train.batches(batchSize, { rng: new Rng('pipeline/order'), shuffle: true })) {
    premade.push(toMinibatch(b, program.lowered, bindings));
    if (premade.length >= steps) break;
  }
  const noise = new Rng('pipeline/noise');

  /**
   * One run of the trainer's loop for `steps` steps with a bare step after each of its own,
   * inside its step hook: step-by-step interleaving. The trainer's time is the time between
   * hooks (fetching and binarizing the batch, making its tensors, the step, freeing them, the
   * turn of the event loop); the bare step's is its own.
   */
  const timeRound = async (): Promise<{ trainer: number; bare: number }> => {
    let trainerMs = 0;
    let bareMs = 0;
    let seen = 0;
    let i = 0;
    let lastEnd = performance.now();
    await trainer.run({
      onStep: () => {
        trainerMs += performance.now() - lastEnd;
        const mb = premade[i++ % premade.length]!;
        const t0 = performance.now();
        trainer.svi.step(mb, n, noise);
        bareMs += performance.now() - t0;
        seen += mb.size;
        lastEnd = performance.now();
      },
      shouldStop: () => i >= steps,
    });
    return { trainer: seen / (trainerMs / 1000), bare: seen / (bareMs / 1000) };
  };

  console.log(`vae.ppl on ${split.description}: ${rounds} rounds of ${steps} steps at batch ${batchSize}, trainer loop vs bare Svi.step, interleaved step by step`);
  for (let w = 0; w < 5; w++) trainer.svi.step(premade[w % premade.length]!, n, noise); // warm-up
  const trainerSps: number[] = [];
  const bareSps: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const { trainer: t, bare: b } = await timeRound();
    trainerSps.push(t);
    bareSps.push(b);
    ratios.push(t / b);
    console.log(`round ${r + 1}: trainer ${t.toFixed(0)} samples/s, bare step ${b.toFixed(0)} samples/s, ratio ${(t / b).toFixed(3)}`);
  }
  const ratio = median(ratios);
  console.log(`median: trainer ${median(trainerSps).toFixed(0)} samples/s, bare step ${median(bareSps).toFixed(0)} samples/s`);
  console.log(`pipeline overhead ${(100 * (1 - ratio)).toFixed(1)}% (aim: at most 10%)`);
  console.log(`ratio trainer/step batch=${batchSize} ${ratio.toFixed(3)}`);
  for (const mb of premade) disposeMinibatch(mb);
  trainer.svi.dispose();
  program.dispose();
  void tf;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
