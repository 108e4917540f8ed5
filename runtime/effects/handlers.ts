// The effect handlers that give a program run its meaning. A run is the program's blocks under
// a stack of these; training, importance sampling, encoding, prediction, conditioning and
// enumeration are different stacks over the same compiled program (NumPyro's handlers.py is the
// model for the set and the names).
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import { Trace } from '../trace.js';
import { EVENT_AXIS, repeatParticles } from '../layout.js';
import { PartlyObserved, SummedWhereMissing } from '../distributions/partly-observed.js';
import { resolveEstimator, type EstimatorMode, type Handler, type Message, type SampleMessage } from './messages.js';

type SampleFilter = (msg: SampleMessage) => boolean;

/** Records every sample message that reaches it into `into`. */
export function trace(into: Trace): Handler {
  return {
    records: true,
    postprocess(msg) {
      if (msg.type === 'sample') into.record(msg);
    },
  };
}

/** Element `at` of the first event axis of a [P, B, N, ...] value: [P, B, ...]. */
export function elementOf(value: Tensor, at: number): Tensor {
  const begin = value.shape.map(() => 0);
  const size = value.shape.map(() => -1);
  begin[EVENT_AXIS] = at;
  size[EVENT_AXIS] = 1;
  return tf.squeeze(tf.slice(value, begin, size), [EVENT_AXIS]);
}

/**
 * A value by site name from `values`; for an element site (`z[3]`) the site's own entry, else
 * its element of the whole value (`z`). Masks and the like broadcast: a value with fewer axes
 * than the element's position is returned whole.
 */
export function lookupSite(values: ReadonlyMap<string, Tensor> | ((name: string) => Tensor | undefined), msg: SampleMessage): Tensor | undefined {
  const get = typeof values === 'function' ? values : (name: string) => values.get(name);
  const own = get(msg.name);
  if (own || !msg.element) return own;
  const whole = get(msg.element.of);
  if (!whole) return undefined;
  return whole.rank > EVENT_AXIS ? elementOf(whole, msg.element.at) : whole;
}

/**
 * Latents take the values a guide trace drew; so does data with missing entries, where the guide
 * proposed them (its draw holds the observations elsewhere). Other data sites are left alone.
 */
export function replay(guide: Trace): Handler {
  return {
    process(msg) {
      if (msg.type !== 'sample' || msg.value) return;
      if (msg.kind === 'data') {
        const proposal = guide.get(msg.name);
        if (proposal?.kind !== 'latent') return;
        msg.value = proposal.value;
        msg.observed = true;
        return;
      }
      const v = lookupSite((name) => guide.get(name)?.value, msg);
      if (v) msg.value = v;
    },
  };
}

/**
 * Data with missing entries: the guide's site of the same name proposes the missing entries
 * only (its draws keep the observations, its log-density counts the proposed entries); a model
 * site that sums them out (@enumerate) counts an observed entry at its observation only. `masks`
 * are 1 where observed, by data name; `values` the observations.
 */
export function partlyObserved(values: ReadonlyMap<string, Tensor>, masks: ReadonlyMap<string, Tensor>): Handler {
  return {
    process(msg) {
      if (msg.type !== 'sample') return;
      const m = masks.get(msg.name);
      const v = values.get(msg.name);
      if (!m || !v) return;
      if (msg.block === 'model') {
        if (msg.infer.enumerated && msg.kind === 'data') msg.fn = new SummedWhereMissing(msg.fn, v, m);
        return;
      }
      msg.fn = new PartlyObserved(msg.fn, v, m);
      const missing = tf.sub(1, m);
      msg.mask = msg.mask ? tf.mul(msg.mask, missing) : missing;
    },
  };
}

/**
 * Sites named in `values` are observed at those values: data from a minibatch, a fixed part of x.
 * Guide sites are never conditioned (a guide site named like data proposes its missing entries).
 */
export function condition(values: ReadonlyMap<string, Tensor>): Handler {
  return {
    process(msg) {
      if (msg.type !== 'sample' || msg.value || msg.block === 'guide') return;
      const v = lookupSite(values, msg);
      if (v) {
        msg.value = v;
        msg.observed = true;
      }
    },
  };
}

/**
 * Sites and params take given values without being observed: a table of values, or a function
 * that may answer for any message (undefined leaves it alone), e.g. a prior mean.
 */
export function substitute(values: ReadonlyMap<string, Tensor> | ((msg: Message) => Tensor | undefined)): Handler {
  const lookup = typeof values === 'function' ? values : (msg: Message) => (msg.type === 'sample' ? lookupSite(values, msg) : msg.type === 'param' ? values.get(msg.name) : undefined);
  return {
    process(msg) {
      if (msg.value) return;
      const v = lookup(msg);
      if (v) msg.value = v;
    },
  };
}

/** Observation masks by site name: a masked entry's log-density counts 0. */
export function mask(masks: ReadonlyMap<string, Tensor>): Handler {
  return {
    process(msg) {
      if (msg.type !== 'sample') return;
      const m = lookupSite(masks, msg);
      if (m) msg.mask = msg.mask ? tf.mul(msg.mask, m) : m;
    },
  };
}

/**
 * Multiplies the terms of the sites `which` selects (all by default) by `factor` in every
 * objective: @scale(c), beta-VAE's beta, KL annealing.
 */
export function scale(factor: number, which: SampleFilter = () => true): Handler {
  return {
    process(msg) {
      if (msg.type === 'sample' && which(msg)) msg.infer = { ...msg.infer, weight: (msg.infer.weight ?? 1) * factor };
    },
  };
}

/** The N/M of a minibatch: every local site's log-density counts for N/M points. */
export function subsample(datasetSize: number, batchSize: number): Handler {
  const factor = datasetSize / batchSize;
  return {
    process(msg) {
      if (msg.type === 'sample' && msg.plate === 'local') msg.scale *= factor;
    },
  };
}

/**
 * The vectorized layout: `particles` draws of every site, `rows` data points for local sites
 * and one row for global ones.
 */
export function plate(particles: number, rows: number): Handler {
  return {
    process(msg) {
      if (msg.type === 'sample') msg.batchShape = [particles, msg.plate === 'local' ? rows : 1];
    },
  };
}

/**
 * Markov chains of discrete latents (@enumerate, drawn element by element) are summed out by the
 * forward algorithm, each sending its log-likelihood as one factor; without this handler they
 * are drawn step by step.
 */
export function markov(): Handler {
  return { sumsChains: true };
}

/** Answers `observed(x)`: the masks (1 where observed) of data with missing entries, by name. */
export function observedEntries(masks: ReadonlyMap<string, Tensor>): Handler {
  return {
    process(msg) {
      if (msg.type !== 'observed' || msg.value) return;
      const m = masks.get(msg.name);
      if (m) msg.value = m;
    },
  };
}

/** The random stream for every draw below it that has none yet. */
export function seed(rng: Rng): Handler {
  return {
    process(msg) {
      if (msg.type === 'sample' && !msg.rng) msg.rng = rng;
    },
  };
}

/** Hides the messages `hide` selects from every handler outside this one (a trace, say). */
export function block(hide: (msg: Message) => boolean = () => true): Handler {
  return {
    process(msg) {
      if (hide(msg)) msg.stop = true;
    },
  };
}

/** Every unpinned site's gradient estimator as `mode` chooses it (score everywhere, say). */
export function estimators(mode: EstimatorMode): Handler {
  return {
    process(msg) {
      if (msg.type === 'sample') msg.infer = { ...msg.infer, estimator: resolveEstimator(msg.infer.rule, mode) };
    },
  };
}

/** One enumerated latent's joint values, [size, 1, ...shape] per row of the enumeration axis. */
export interface EnumeratedValues {
  readonly name: string;
  readonly values: Tensor;
}

/**
 * Sums latents out exactly: the particle axis grows by the `size` joint values of the
 * enumerated latents (row p * size + k: draw p with joint value k), each enumerated site takes
 * its value per row, and values already given (replayed draws) are repeated across the joint
 * values. Place it outside the plate, replay and condition handlers.
 */
export function enumerate(size: number, tables: readonly EnumeratedValues[]): Handler {
  const byName = new Map(tables.map((t) => [t.name, t.values]));
  return {
    process(msg) {
      if (msg.type !== 'sample' || !msg.batchShape) return;
      const particles = msg.batchShape[0];
      msg.batchShape = [particles * size, msg.batchShape[1]];
      const table = byName.get(msg.name);
      if (table) {
        msg.value = tf.tile(table, [particles, 1, ...msg.eventShape.map(() => 1)]);
        msg.infer = { ...msg.infer, enumerated: true };
      } else if (msg.value && msg.kind === 'latent') msg.value = repeatParticles(msg.value, size);
    },
  };
}

/**
 * The model's side of a guide that summed over `size` joint values of its discrete sites: the
 * replayed draws already hold them along the particle axis (row p * size + k), so every site
 * below is laid out on that many rows too.
 */
export function followEnumeratedGuide(size: number): Handler {
  return {
    process(msg) {
      if (msg.type === 'sample' && msg.batchShape) msg.batchShape = [msg.batchShape[0] * size, msg.batchShape[1]];
    },
  };
}
