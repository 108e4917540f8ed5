// From the data layer's plain arrays to the tensors a program reads.
import { tf } from '../runtime/tf.js';
import type { Batch } from '../runtime/data/dataset.js';
import type { LoweredProgram } from '../lang/lower/program.js';
import type { Minibatch } from './run.js';

/** Declared data name -> data set field name (see bindFields in runtime/data). */
export type Bindings = ReadonlyMap<string, string>;

/** Tensors [1, M, ...declared shape] for every bound data declaration. The caller disposes. */
export function toMinibatch(batch: Batch, program: Pick<LoweredProgram, 'data'>, bindings: Bindings): Minibatch {
  const data = new Map<string, tf.Tensor>();
  for (const d of program.data) {
    const field = bindings.get(d.name);
    if (field === undefined) continue;
    const values = batch.fields[field];
    if (!values) throw new Error(`internal: batch has no field '${field}'`);
    data.set(d.name, tf.tensor(values, [1, batch.size, ...d.shape], 'float32'));
  }
  return { data, size: batch.size };
}

export function disposeMinibatch(m: Minibatch): void {
  for (const t of m.data.values()) t.dispose();
}
