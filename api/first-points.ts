// The first points of a data set, in order, as one batch: what reconstruct, inpaint and the
// gradient statistics work on.
import { UserError } from '../runtime/errors.js';
import { Rng } from '../runtime/random.js';
import type { Batch, Dataset } from '../runtime/data/dataset.js';

/** The first n points (all of them when the set has fewer); `seed` seeds the set's own draws (dynamic binarization). */
export async function firstPoints(dataset: Dataset, n: number, seed: string): Promise<Batch> {
  for await (const batch of dataset.batches(Math.min(n, dataset.size), { rng: new Rng(`${seed}/data`), shuffle: false })) return batch;
  throw new UserError(`${dataset.name}: the data set is empty`);
}
