// Speeds that used to be pass/fail tests, measured here instead (a loaded machine made them fail
// and looked like a broken install): parsing a 50-line model (target: well under 10 ms) and one
// minibatch of 100 dynamically binarized MNIST images (target: well under 1 ms). Reported as the
// median of rounds; nothing here fails.
//   node dist/bench/input-speed.js
import { parseProgram } from '../lang/parser.js';
import { openData } from '../api/index.js';
import { Rng } from '../runtime/random.js';
import { readModelFile } from '../io/model-file.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function parseSpeed(): void {
  let src = readModelFile('models/vae.ppl');
  while (src.split('\n').length < 50) src += 'param s : positive[784] = exp(-x[0:392] ^ 2) * 0.5\n';
  for (let i = 0; i < 200; i++) parseProgram('f.ppl', src);
  const rounds = Array.from({ length: 9 }, () => {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) parseProgram('f.ppl', src);
    return (performance.now() - t0) / 20;
  });
  console.log(`parse a ${src.split('\n').length}-line model: median ${median(rounds).toFixed(3)} ms (best ${Math.min(...rounds).toFixed(3)}, target < 10 ms)`);
}

async function batchSpeed(): Promise<void> {
  const s = await openData('mnist', { binarize: 'dynamic' });
  const rng = new Rng('speed');
  for await (const _ of s.train.batches(100, { rng, shuffle: true })) void _; // warm-up
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const t0 = performance.now();
    for await (const b of s.train.batches(100, { rng, shuffle: true, dropLast: true })) n += b.size > 0 ? 1 : 0;
    rounds.push((performance.now() - t0) / n);
  }
  console.log(`one batch of 100 dynamically binarized MNIST images (with shuffling): median ${median(rounds).toFixed(3)} ms (target < 1 ms)`);
}

parseSpeed();
await batchSpeed();
