// The mean data point of a data set (e.g. the mean training image): a baseline for inpainting
// and a neutral fill-in.
import type { Dataset } from '../runtime/data/dataset.js';
import { Rng } from '../runtime/random.js';

/** Per-entry mean of field `field` over the data set (dynamic binarization draws with `seed`). */
export async function fieldMean(dataset: Dataset, field: string, seed: string): Promise<Float32Array> {
  const info = dataset.fields.find((f) => f.name === field);
  if (!info) throw new Error(`internal: ${dataset.name} has no field '${field}'`);
  const size = info.shape.reduce((a, b) => a * b, 1);
  const sum = new Float64Array(size);
  let count = 0;
  for await (const batch of dataset.batches(500, { rng: new Rng(seed), shuffle: false })) {
    const v = batch.fields[field]!;
    for (let b = 0; b < batch.size; b++) for (let j = 0; j < size; j++) sum[j]! += v[b * size + j]!;
    count += batch.size;
  }
  const out = new Float32Array(size);
  for (let j = 0; j < size; j++) out[j] = count ? sum[j]! / count : 0;
  return out;
}
