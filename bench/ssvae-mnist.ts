// The semi-supervised VAE M2 (models/ssvae.ppl) on MNIST with a few labels: every EVERY-th
// training digit keeps its label, the others are missing; after training, the test error of the
// guide's classifier q(y | x) on the test digits with their labels hidden (Kingma et al. 2014
// report 3.92% with 3,000 labels on full MNIST). Prints each epoch's record and the error.
//   npm run build && node dist/bench/ssvae-mnist.js [DATA [EPOCHS [EVERY [BATCH [CHECKPOINT [LR [BINARIZE]]]]]]]
//   e.g. node dist/bench/ssvae-mnist.js mnist:../shared/data/mnist 12 20 100 runs/m2.json
// With CHECKPOINT, training writes a checkpoint there every minute and at the end, and a second
// run with the same arguments and more EPOCHS continues it (LR, default 1e-3, may change there:
// a lower rate for the last epochs). BINARIZE: threshold (the default: pixels above half on) or
// dynamic (fresh Bernoulli(grey level) pixels every epoch); test digits are thresholded.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayData, fit, loadModel, openData, readCheckpoint, saveCheckpoint } from '../api/index.js';
import { classificationError, digitsOf, dynamicallyBinarized, keepEveryLabel } from './labelled-digits.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [spec = 'mnist', epochs = '12', every = '20', batch = '100', checkpoint, lr = '1e-3', binarize = 'threshold'] = process.argv.slice(2);
if (binarize !== 'threshold' && binarize !== 'dynamic') throw new Error(`BINARIZE: threshold or dynamic, not '${binarize}'`);


const started = performance.now();
const split = await openData(spec, { binarize: 'threshold' });
const train = await digitsOf(binarize === 'dynamic' ? (await openData(spec, { binarize: 'none' })).train : split.train);
const test = await digitsOf(split.test);
const y = keepEveryLabel(train.label, Number(every));
console.log(`${y.filter((v) => !Number.isNaN(v)).length} labels of ${y.length} training digits; ${test.label.length} test digits`);
const file = path.join(root, 'models', 'ssvae.ppl');
const model = loadModel(fs.readFileSync(file, 'utf8'), { file: 'models/ssvae.ppl' });
const data = arrayData({ x: train.x, y });
const { trained } = await fit(model, binarize === 'dynamic' ? { ...data, train: dynamicallyBinarized(data.train) } : data, {
  epochs: Number(epochs),
  batchSize: Number(batch),
  lr: Number(lr),
  seed: 'm2',
  evaluateTest: false,
  ...(checkpoint && fs.existsSync(checkpoint) ? { resume: readCheckpoint(checkpoint) } : {}),
  ...(checkpoint ? { onCheckpoint: (c) => saveCheckpoint(checkpoint, c) } : {}),
  onEpoch: (r) => console.log(`epoch ${r.epoch}: train ELBO ${r.trainElbo.toFixed(2)} nats, ${r.seconds.toFixed(0)} s`),
});
const error = await classificationError(trained, test);
trained.dispose();
console.log(`test error of q(y | x): ${(100 * error).toFixed(2)}% after ${epochs} epochs (${((performance.now() - started) / 1000).toFixed(0)} s in all)`);
