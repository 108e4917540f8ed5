// A guide's proposal for a value whose entries are partly observed (data declared `missing`):
// where an entry is observed its draw is the observation, elsewhere the proposal's draw. Its
// log-density is the proposal's; the site's mask (1 where missing) keeps only the proposed
// entries in log q.
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../random.js';
import type { Distribution } from './distribution.js';

/**
 * An enumerated value (one row for all data points) broadcast to the data's rows, where the
 * data is observed, and a point mass there: 0 at the observation, -Infinity elsewhere.
 */
function pinToObservations(enumerated: Tensor, observations: Tensor, observedMask: Tensor): { value: Tensor; observed: Tensor; pin: Tensor } {
  const shape = enumerated.shape.map((d, i) => Math.max(d, observations.shape[i] ?? 1));
  const value = tf.broadcastTo(enumerated, shape);
  const observed = tf.greater(tf.broadcastTo(observedMask, shape), 0.5);
  const pin = tf.where(tf.equal(value, tf.broadcastTo(observations, shape)), tf.zerosLike(value), tf.fill(shape, -Infinity));
  return { value, observed, pin };
}

export class PartlyObserved implements Distribution {
  readonly spec;

  constructor(
    /** The guide's proposal, for every entry. */
    readonly base: Distribution,
    /** The observed values, [1, M, ...shape] (fillers where missing). */
    private readonly observed: Tensor,
    /** 1 where observed, 0 where missing, like `observed`. */
    private readonly observedMask: Tensor,
  ) {
    this.spec = base.spec;
  }

  /** `proposed` where an entry is missing, the observation where it is observed. */
  fill(proposed: Tensor): Tensor {
    const shape = proposed.shape;
    return tf.where(tf.greater(tf.broadcastTo(this.observedMask, shape), 0.5), tf.broadcastTo(this.observed, shape), proposed);
  }

  /**
   * Class probabilities [B, ...shape, K] (the particle axis averaged out): the proposal's where an
   * entry is missing, the observed class's indicator where it is observed.
   */
  fillClasses(probs: Tensor, k: number): Tensor {
    const lead = probs.shape.slice(0, -1);
    const observed = tf.reshape(tf.broadcastTo(this.observed, [1, ...lead]), lead);
    const known = tf.reshape(tf.broadcastTo(this.observedMask, [1, ...lead]), lead);
    const indicator = tf.oneHot(tf.cast(tf.round(observed), 'int32'), k);
    return tf.where(tf.greater(tf.expandDims(known, -1), 0.5), tf.cast(indicator, 'float32'), probs);
  }

  /** Elementwise terms split into their observed entries and their missing ones (each 0 elsewhere). */
  splitByObserved(terms: Tensor): [Tensor, Tensor] {
    const shape = terms.shape.map((d, i) => Math.max(d, this.observedMask.shape[i] ?? 1));
    const full = tf.broadcastTo(terms, shape);
    const m = tf.broadcastTo(this.observedMask, shape);
    return [tf.mul(full, m), tf.mul(full, tf.sub(1, m))];
  }

  /** `proposed` where an entry is missing, 0 where it is observed (an sd, say). */
  zeroObserved(proposed: Tensor): Tensor {
    return tf.mul(proposed, tf.sub(1, tf.broadcastTo(this.observedMask, proposed.shape)));
  }

  sample(shape: readonly number[], rng: Rng): Tensor {
    return this.fill(this.base.sample(shape, rng));
  }

  logProb(value: Tensor): Tensor {
    return this.base.logProb(value);
  }

  /**
   * The weight of `value` when a guide sums over every value of this site (@enumerate), per
   * entry: the proposal's log-probability where the entry is missing; where it is observed, 0 at
   * the observation and -Infinity elsewhere (a point mass, so only the observed value counts).
   */
  enumerationLogWeight(enumerated: Tensor): Tensor {
    const { value, observed, pin } = pinToObservations(enumerated, this.observed, this.observedMask);
    return tf.where(observed, pin, this.base.logProb(value));
  }

  mean(): Tensor {
    const m = this.base.mean();
    const lead = [0, 1].map((i) => Math.max(m.shape[i]!, this.observed.shape[i]!));
    return this.fill(tf.broadcastTo(m, [...lead, ...this.observed.shape.slice(2)]));
  }
}

/**
 * The model's distribution of data with missing entries summed out by enumeration: where an
 * entry is observed only its observation counts (a point mass times the distribution), where
 * it is missing every value counts with its probability, and the enumeration's log-sum-exp
 * then sums the missing entries out.
 */
export class SummedWhereMissing implements Distribution {
  readonly spec;

  constructor(
    readonly base: Distribution,
    private readonly observed: Tensor,
    private readonly observedMask: Tensor,
  ) {
    this.spec = base.spec;
  }

  sample(shape: readonly number[], rng: Rng): Tensor {
    return this.base.sample(shape, rng);
  }

  logProb(enumerated: Tensor): Tensor {
    const { value, observed, pin } = pinToObservations(enumerated, this.observed, this.observedMask);
    return tf.add(this.base.logProb(value), tf.where(observed, pin, tf.zerosLike(pin)));
  }

  mean(): Tensor {
    return this.base.mean();
  }
}
