// The test error of models/ssvae.ppl's classifier q(y | x) read from a checkpoint that
// bench/ssvae-mnist.ts writes during training (every minute), so that a long run can be
// followed while it trains. Also the error on the training digits whose labels were kept and
// on the others, which shows how far the classifier has learned the given labels by heart.
//   npm run build && node dist/bench/ssvae-eval.js DATA CHECKPOINT [EVERY]
//   e.g. node dist/bench/ssvae-eval.js mnist:../shared/data/mnist runs/m2.json 20
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, loadTrained, openData, readCheckpoint } from '../api/index.js';
import { classificationError, digitsOf, keepEveryLabel, type Digits } from './labelled-digits.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const [spec, checkpointFile, every = '20'] = process.argv.slice(2);
if (!spec || !checkpointFile) throw new Error('usage: node dist/bench/ssvae-eval.js DATA CHECKPOINT [EVERY]');

const checkpoint = readCheckpoint(checkpointFile);
const split = await openData(spec, { binarize: 'threshold' });
const train = await digitsOf(split.train);
const test = await digitsOf(split.test);
const model = loadModel(fs.readFileSync(path.join(root, 'models', 'ssvae.ppl'), 'utf8'), { file: 'models/ssvae.ppl' });
const trained = await loadTrained(model, checkpoint);
const kept = keepEveryLabel(train.label, Number(every));
const pick = (labelled: boolean): Digits => {
  const out: Digits = { x: [], label: [] };
  kept.forEach((v, i) => {
    if (Number.isNaN(v) !== labelled) {
      out.x.push(train.x[i]!);
      out.label.push(train.label[i]!);
    }
  });
  return out;
};
const pct = (e: number): string => `${(100 * e).toFixed(2)}%`;
const steps = checkpoint.inEpoch?.steps ?? 0;
console.log(`checkpoint at epoch ${checkpoint.epoch}${steps > 0 ? ` and ${steps} steps` : ''}`);
console.log(`test error of q(y | x): ${pct(await classificationError(trained, test))} on ${test.label.length} test digits`);
console.log(`error on the training digits with labels: ${pct(await classificationError(trained, pick(true)))}; without: ${pct(await classificationError(trained, pick(false)))}`);
trained.dispose();
