// The semi-supervised digit task of models/ssvae.ppl, shared by its bench and its test: digits
// read in a fixed order, labels kept for every n-th one, and the test error of the guide's
// classifier q(y | x) on digits whose labels are hidden.
import { arrayData, type TrainedModel } from '../api/index.js';
import type { Batch, BatchOptions, Dataset } from '../runtime/data/dataset.js';
import { Rng } from '../runtime/random.js';

export interface Digits {
  x: Float32Array[];
  label: number[];
}

/** Every digit of `part`, in order: its 784 pixels and its label. */
export async function digitsOf(part: Dataset): Promise<Digits> {
  const out: Digits = { x: [], label: [] };
  for await (const b of part.batches(1000, { rng: new Rng('m2-order'), shuffle: false })) {
    for (let i = 0; i < b.size; i++) {
      out.x.push(b.fields['image']!.subarray(i * 784, (i + 1) * 784));
      out.label.push(b.fields['label']![i]!);
    }
  }
  return out;
}

/** The labels with every `every`-th one kept and the others missing (NaN). */
export function keepEveryLabel(labels: readonly number[], every: number): number[] {
  return labels.map((l, i) => (i % every === 0 ? l : NaN));
}

/** The fraction of `test` digits whose most probable class under q(y | x), labels hidden, is wrong. */
export async function classificationError(trained: TrainedModel, test: Digits): Promise<number> {
  const encoded = await trained.encode(arrayData({ x: test.x, y: test.x.map(() => NaN) }).train);
  const probs = encoded.latents.find((l) => l.name === 'y')!.stats;
  let wrong = 0;
  test.label.forEach((label, i) => {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probs[`prob_${k}`]![i]! > probs[`prob_${best}`]![i]!) best = k;
    if (best !== label) wrong++;
  });
  return wrong / test.label.length;
}

/**
 * `train` (whose field x holds grey levels in [0, 1]) with x dynamically binarized: every batch
 * draws fresh Bernoulli(grey level) pixels, seeded by the epoch's order, so that the classifier
 * sees a new binary rendering of each labelled digit every epoch (a data augmentation against
 * memorizing the few labels). The grey levels are not binary, so the set skips the value check.
 */
export function dynamicallyBinarized(train: Dataset): Dataset {
  const batches = train.batches.bind(train);
  return Object.assign(Object.create(train) as Dataset, {
    checkValues: undefined,
    batches(batchSize: number, opts: BatchOptions): AsyncIterable<Batch> {
      const rng = opts.rng.derive('binarize');
      return (async function* () {
        for await (const b of batches(batchSize, opts)) {
          const grey = b.fields['x']!;
          const x = new Float32Array(grey.length);
          for (let i = 0; i < grey.length; i++) x[i] = rng.uniform() < grey[i]! ? 1 : 0;
          yield { ...b, fields: { ...b.fields, x } };
        }
      })();
    },
  });
}
