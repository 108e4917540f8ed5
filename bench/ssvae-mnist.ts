// The semi-supervised VAE M2 (models/ssvae.ppl) on MNIST with a few labels: every EVERY-th
// training digit keeps its label, the others are missing; after training, the test error of the
// guide's classifier q(y | x) on the test digits with their labels hidden (Kingma et al. 2014
// report 3.92% with 3,000 labels on full MNIST). Prints each epoch's record and the error.
//   npm run build && node dist/bench/ssvae-mnist.js [DATA [EPOCHS [EVERY [BATCH]]]]
//   e.g. node dist/bench/ssvae-mnist.js mnist:../shared/data/mnist 12 20 100
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayData, fit, loadModel, openData } from '../api/index.js';
import type { Dataset } from '../runtime/data/dataset.js';
import { Rng } from '../runtime/random.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [spec = 'mnist', epochs = '12', every = '20', batch = '100'] = process.argv.slice(2);


async function digits(part: Dataset): Promise<{ x: Float32Array[]; label: number[] }> {
  const out = { x: [] as Float32Array[], label: [] as number[] };
  for await (const b of part.batches(1000, { rng: new Rng('m2-order'), shuffle: false })) {
    for (let i = 0; i < b.size; i++) {
      out.x.push(b.fields['image']!.subarray(i * 784, (i + 1) * 784));
      out.label.push(b.fields['label']![i]!);
    }
  }
  return out;
}

const started = performance.now();
const split = await openData(spec, { binarize: 'threshold' });
const train = await digits(split.train);
const test = await digits(split.test);
const y = train.label.map((l, i) => (i % Number(every) === 0 ? l : NaN));
console.log(`${y.filter((v) => !Number.isNaN(v)).length} labels of ${y.length} training digits; ${test.label.length} test digits`);
const file = path.join(root, 'models', 'ssvae.ppl');
const model = loadModel(fs.readFileSync(file, 'utf8'), { file: 'models/ssvae.ppl' });
const { trained } = await fit(model, arrayData({ x: train.x, y }), {
  epochs: Number(epochs),
  batchSize: Number(batch),
  lr: 1e-3,
  seed: 'm2',
  evaluateTest: false,
  onEpoch: (r) => console.log(`epoch ${r.epoch}: train ELBO ${r.trainElbo.toFixed(2)} nats, ${r.seconds.toFixed(0)} s`),
});
const encoded = await trained.encode(arrayData({ x: test.x, y: test.x.map(() => NaN) }).train);
trained.dispose();
const probs = encoded.latents.find((l) => l.name === 'y')!.stats;
let wrong = 0;
test.label.forEach((label, i) => {
  let best = 0;
  for (let k = 1; k < 10; k++) if (probs[`prob_${k}`]![i]! > probs[`prob_${best}`]![i]!) best = k;
  if (best !== label) wrong++;
});
console.log(`test error of q(y | x): ${((100 * wrong) / test.label.length).toFixed(2)}% after ${epochs} epochs (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
