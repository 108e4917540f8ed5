// The runtime layout of every value a program computes: [particles, batch, ...event].
// Particles and batch may be 1 where a value does not vary along them (data have one particle,
// globals one batch row, constants both). Event axes always start at EVENT_AXIS.
import { tf, type Tensor } from './tf.js';
import { EVENT_AXIS } from './event-axis.js';

export { EVENT_AXIS } from './event-axis.js';

/** A number as a [1, 1] tensor. */
export function constant(v: number): Tensor {
  return tf.tensor2d([[v]], [1, 1], 'float32');
}

/** A global value of event shape `shape` as [1, 1, ...shape]. */
export function fromGlobal(t: Tensor): Tensor {
  return tf.reshape(t, [1, 1, ...t.shape]);
}

/**
 * Pad the operand with fewer event axes with size-1 axes right after the batch axis, so that
 * numpy broadcasting pairs event axes with event axes (aligned from the right) and never an
 * event axis with the batch or particle axis.
 */
export function alignEvents(a: Tensor, b: Tensor): [Tensor, Tensor] {
  let x = a;
  let y = b;
  while (x.rank < y.rank) x = tf.expandDims(x, EVENT_AXIS);
  while (y.rank < x.rank) y = tf.expandDims(y, EVENT_AXIS);
  return [x, y];
}

/** Sum over every event axis: [P, B, ...event] -> [P, B]. */
export function sumEvent(t: Tensor): Tensor {
  if (t.rank <= EVENT_AXIS) return t;
  const axes: number[] = [];
  for (let i = EVENT_AXIS; i < t.rank; i++) axes.push(i);
  return tf.sum(t, axes);
}

/** [P, ...] -> [P * e, ...], each particle's row repeated e times in a row (p * e + k). */
export function repeatParticles(t: Tensor, e: number): Tensor {
  if (e === 1 || t.shape[0] === 1) return t;
  const [p, ...rest] = t.shape;
  // Flatten the other axes first: broadcastTo runs as Tile, whose gradient stops at rank 4.
  const size = rest.reduce((a, b) => a * b, 1);
  return tf.reshape(tf.broadcastTo(tf.reshape(t, [p!, 1, size]), [p!, e, size]), [p! * e, ...rest]);
}

/** Insert size-1 axes right after the batch axis until `t` has `rank` axes. */
export function padEventAxes(t: Tensor, rank: number): Tensor {
  let x = t;
  while (x.rank < rank) x = tf.expandDims(x, EVENT_AXIS);
  return x;
}
