// From the data layer's plain arrays to the tensors a program reads.
import { tf } from '../runtime/tf.js';
import type { Batch } from '../runtime/data/dataset.js';
import type { LoweredProgram } from '../lang/lower/program.js';
import type { Support } from '../runtime/support.js';
import type { Minibatch } from './run.js';

/** Declared data name -> data set field name (see bindFields in runtime/data). */
export type Bindings = ReadonlyMap<string, string>;

/** A value inside the support that stands in for a missing entry (the guide replaces it). */
function fillerOf(s: Support): number {
  switch (s.kind) {
    case 'positive':
      return 1;
    case 'unit':
      return 0.5;
    case 'interval':
      return (s.low + s.high) / 2;
    case 'int':
      return s.low;
    default:
      return 0;
  }
}

/**
 * Tensors [1, M, ...declared shape] for every bound data declaration; for one declared
 * `missing`, its missing entries filled in and a mask of the observed ones. The caller disposes.
 */
export function toMinibatch(batch: Batch, program: Pick<LoweredProgram, 'data'>, bindings: Bindings): Minibatch {
  const data = new Map<string, tf.Tensor>();
  const observed = new Map<string, tf.Tensor>();
  const counted = new Map<string, tf.Tensor>();
  for (const d of program.data) {
    const field = bindings.get(d.name);
    if (field === undefined) continue;
    let values = batch.fields[field];
    if (!values) throw new Error(`internal: batch has no field '${field}'`);
    const shape = [1, batch.size, ...d.shape];
    if (d.missing) {
      const mask = new Float32Array(values.length);
      const filled = new Float32Array(values.length);
      const filler = fillerOf(d.support);
      for (let i = 0; i < values.length; i++) {
        const missing = Number.isNaN(values[i]!);
        mask[i] = missing ? 0 : 1;
        filled[i] = missing ? filler : values[i]!;
      }
      values = filled;
      (d.proposed || d.enumerated ? observed : counted).set(d.name, tf.tensor(mask, shape, 'float32'));
    }
    data.set(d.name, tf.tensor(values, shape, 'float32'));
  }
  return { data, size: batch.size, ...(observed.size ? { observed } : {}), ...(counted.size ? { counted } : {}) };
}

export function disposeMinibatch(m: Minibatch): void {
  for (const t of m.data.values()) t.dispose();
  for (const t of m.observed?.values() ?? []) t.dispose();
  for (const t of m.counted?.values() ?? []) t.dispose();
}
