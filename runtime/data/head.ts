// A data set's first points held in memory as a data set of their own: a fixed evaluation set
// read once, whatever the source.
import { Rng } from '../random.js';
import { UserError } from '../errors.js';
import { shapeSize, type Batch, type Dataset, type FieldInfo } from './dataset.js';

/** The first `n` points of a data set as a data set (read once into memory). */
export async function headDataset(dataset: Dataset, n: number): Promise<Dataset> {
  const size = Math.min(n, dataset.size);
  let first: Batch | undefined;
  for await (const b of dataset.batches(size, { rng: new Rng('head'), shuffle: false })) {
    first = b;
    break;
  }
  if (!first) throw new UserError(`${dataset.name}: the data set is empty`);
  return new FixedPoints(dataset.name, dataset.fields, first);
}

class FixedPoints implements Dataset {
  readonly size: number;

  constructor(
    readonly name: string,
    readonly fields: readonly FieldInfo[],
    private readonly points: Batch,
  ) {
    this.size = points.size;
  }

  async *batches(batchSize: number): AsyncIterable<Batch> {
    for (let start = 0; start < this.size; start += batchSize) {
      const end = Math.min(start + batchSize, this.size);
      const fields: Record<string, Float32Array> = {};
      for (const f of this.fields) {
        const k = shapeSize(f.shape);
        const values = this.points.fields[f.name];
        if (values) fields[f.name] = values.slice(start * k, end * k);
      }
      yield { size: end - start, indices: this.points.indices.slice(start, end), fields };
    }
  }
}
