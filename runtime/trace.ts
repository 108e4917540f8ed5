// A trace records every sample site of one run of a block: what was drawn or observed, its
// log-density, and how its gradient is to be estimated. Objectives read traces only; they never
// look at the program.
import { tf, type Tensor } from './tf.js';
import type { Distribution } from './distributions/index.js';
import { sumEvent } from './layout.js';
import { stackEvent } from './functions.js';
import type { EstimatorKind, Plate, SampleMessage, SiteElementRef } from './effects/messages.js';

export type { EstimatorKind, Plate } from './effects/messages.js';

export interface TraceSite {
  name: string;
  block: 'model' | 'guide';
  kind: 'latent' | 'data';
  plate: Plate;
  dist: Distribution;
  /** [particles, batch (local) or 1 (global), ...event]. */
  value: Tensor;
  /** The value was given (data, conditioning), not drawn. */
  observed: boolean;
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
  /** Multiplies the site's terms in an objective (@scale, KL annealing); 1 by default. */
  weight: number;
  /** Its value runs over every value of its support along the particle axis (@enumerate) rather than being drawn. */
  enumerated: boolean;
  /** The element of a value drawn element by element that this site is (`z[3]` of `z`). */
  element?: SiteElementRef;
}

function siteOf(msg: SampleMessage & { value: Tensor }): TraceSite {
  const { value, mask, fn } = msg;
  // Computed on first use only: with a closed-form KL, a latent's densities are never needed.
  let logProb: Tensor | undefined;
  const baseline = msg.infer.baseline;
  return {
    name: msg.name,
    block: msg.block,
    kind: msg.kind,
    plate: msg.plate,
    dist: fn,
    value,
    observed: msg.observed,
    get logProb(): Tensor {
      if (!logProb) {
        const elementwise = fn.logProb(value);
        logProb = sumEvent(mask ? tf.mul(elementwise, mask) : elementwise);
      }
      return logProb;
    },
    estimator: msg.infer.estimator,
    scale: msg.scale,
    weight: msg.infer.weight ?? 1,
    enumerated: msg.infer.enumerated,
    ...(msg.element ? { element: msg.element } : {}),
    baseline: baseline && msg.batchShape ? tf.reshape(baseline, [-1, msg.batchShape[1]]) : undefined,
  };
}

export class Trace {
  readonly sites = new Map<string, TraceSite>();
  /**
   * Joint values of the sites enumerated in this trace (summed out in a model, summed over in a
   * guide): its particle axis is P * enumeration, row p * enumeration + k holding draw p with
   * joint value k. A model trace's axis is P * (its guide's) * (its own), the model's innermost.
   */
  enumeration = 1;
  /** Some latents were summed out inside a site: a Markov chain's factor (its terms do not split into rate and distortion). */
  summedOut = false;

  constructor(readonly block: 'model' | 'guide') {}

  record(msg: SampleMessage): void {
    if (!msg.value) throw new Error(`internal: site '${msg.name}' recorded without a value`);
    if (msg.kind === 'data' && msg.infer.enumerated) this.summedOut = true;
    this.add(siteOf(msg as SampleMessage & { value: Tensor }));
  }

  add(site: TraceSite): void {
    if (this.sites.has(site.name)) throw new Error(`internal: site '${site.name}' recorded twice in the ${this.block}`);
    this.sites.set(site.name, site);
  }

  get(name: string): TraceSite | undefined {
    return this.sites.get(name);
  }

  /** A trace of the sites `keep` selects (the same site records). */
  filter(keep: (site: TraceSite) => boolean): Trace {
    const out = new Trace(this.block);
    for (const site of this.sites.values()) if (keep(site)) out.add(site);
    out.enumeration = this.enumeration;
    out.summedOut = this.summedOut;
    return out;
  }

  /**
   * The whole value of `name` ([P, B, ...shape]): its site's, or for a value drawn element by
   * element (`z[0]`, `z[1]`, ...) its elements stacked along the first event axis. A new tensor
   * in the second case; undefined when neither is recorded.
   */
  wholeValue(name: string): Tensor | undefined {
    const site = this.sites.get(name);
    if (site) return site.value;
    const parts = [...this.sites.values()].filter((s) => s.element?.of === name).sort((a, b) => a.element!.at - b.element!.at);
    return parts.length === 0 ? undefined : stackEvent(parts.map((p) => p.value));
  }

  /** Some site draws an element of `name` (`name[0]`, ...). */
  hasElementsOf(name: string): boolean {
    for (const s of this.sites.values()) if (s.element?.of === name) return true;
    return false;
  }

  latents(): TraceSite[] {
    return [...this.sites.values()].filter((s) => s.kind === 'latent');
  }

  observations(): TraceSite[] {
    return [...this.sites.values()].filter((s) => s.kind === 'data');
  }
}
