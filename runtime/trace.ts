// A trace records every sample site of one run of a block: what was drawn or observed, its
// log-density, and how its gradient is to be estimated. The inference engine reads traces only;
// it never looks at the program.
import type { Tensor } from './tf.js';
import type { Distribution } from './distributions/index.js';

export type Plate = 'local' | 'global';
export type EstimatorKind = 'reparam' | 'score';

export interface TraceSite {
  name: string;
  block: 'model' | 'guide';
  kind: 'latent' | 'data';
  plate: Plate;
  dist: Distribution;
  /** [particles, batch (local) or 1 (global), ...event]. */
  value: Tensor;
  /** Log-density summed over the event axes: [particles or 1, batch or 1] (computed on first read). */
  readonly logProb: Tensor;
  /** How the gradient through this (guide) site is estimated; model sites copy their guide's. */
  estimator: EstimatorKind;
  /**
   * Multiplier that turns this minibatch's sum into an estimate over the whole data set:
   * N/M for local sites, 1 for global ones.
   */
  scale: number;
  /** A guide site's declared baseline b(x) for its score-function signal (@baseline), [1 or P, M]. */
  baseline?: Tensor;
}

export class Trace {
  readonly sites = new Map<string, TraceSite>();
  /**
   * Joint values of the latents summed out in this (model) trace: its particle axis is
   * P * enumeration, row p * enumeration + k holding guide draw p with joint value k.
   */
  enumeration = 1;

  constructor(readonly block: 'model' | 'guide') {}

  add(site: TraceSite): void {
    if (this.sites.has(site.name)) throw new Error(`internal: site '${site.name}' recorded twice in the ${this.block}`);
    this.sites.set(site.name, site);
  }

  get(name: string): TraceSite | undefined {
    return this.sites.get(name);
  }

  latents(): TraceSite[] {
    return [...this.sites.values()].filter((s) => s.kind === 'latent');
  }

  observations(): TraceSite[] {
    return [...this.sites.values()].filter((s) => s.kind === 'data');
  }
}
