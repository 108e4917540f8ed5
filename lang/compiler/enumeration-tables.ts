// The joint values of a set of enumerated sites (summed out in the model, or summed over in the
// guide): each site's table of values and its stride in the joint index, so that joint value k
// gives site j its own value index floor(k / stride_j) mod count_j.
import { tf } from '../../runtime/tf.js';
import { enumerationTable, supportValues } from '../../runtime/enumeration.js';
import type { Support } from '../../runtime/support.js';
import type { EnumeratedValues } from '../../runtime/effects/handlers.js';

export interface EnumeratedSite {
  name: string;
  support: Support;
  shape: readonly number[];
}

interface Entry {
  name: string;
  shape: readonly number[];
  table: Float32Array;
  count: number;
  stride: number;
}

export class EnumerationTables {
  private readonly entries: Entry[] = [];
  /** The number of joint values (1 when no site is enumerated). */
  readonly size: number;

  constructor(sites: readonly EnumeratedSite[]) {
    let stride = 1;
    for (const s of sites) {
      const values = supportValues(s.support);
      if (!values) throw new Error(`internal: ${s.name} is enumerated but its support is not finite`);
      const count = values.length ** s.shape.reduce((a, b) => a * b, 1);
      this.entries.push({ name: s.name, shape: s.shape, table: enumerationTable(values, s.shape), count, stride });
      stride *= count;
    }
    this.size = stride;
  }

  /** Each site's value for every joint value, [size, 1, ...shape]. New tensors. */
  values(): EnumeratedValues[] {
    const e = this.size;
    return this.entries.map((site) => {
      const size = site.table.length / site.count;
      const rows = new Float32Array(e * size);
      for (let k = 0; k < e; k++) {
        const own = Math.floor(k / site.stride) % site.count;
        rows.set(site.table.subarray(own * size, own * size + size), k * size);
      }
      return { name: site.name, values: tf.tensor(rows, [e, 1, ...site.shape], 'float32') };
    });
  }
}
