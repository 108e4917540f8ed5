// Runtime implementations of the built-in functions named in lang/builtins.ts, over the
// [particles, batch, ...event] layout.
import { tf, withoutGradient, type Tensor } from './tf.js';
import { EVENT_AXIS } from './layout.js';

export type Elementwise = (x: Tensor) => Tensor;

export const ELEMENTWISE: ReadonlyMap<string, Elementwise> = new Map<string, Elementwise>([
  ['exp', (x) => tf.exp(x)],
  ['log', (x) => tf.log(x)],
  ['sqrt', (x) => tf.sqrt(x)],
  ['softplus', (x) => tf.softplus(x)],
  ['sigmoid', (x) => tf.sigmoid(x)],
  ['tanh', (x) => tf.tanh(x)],
  ['relu', (x) => tf.relu(x)],
  ['abs', (x) => tf.abs(x)],
]);

/** sum / mean over all event axes, or over event axis `axis`. */
export function reduceEvent(kind: 'sum' | 'mean', x: Tensor, axis?: number): Tensor {
  const axes: number[] = [];
  if (axis === undefined) for (let i = EVENT_AXIS; i < x.rank; i++) axes.push(i);
  else axes.push(EVENT_AXIS + axis);
  if (axes.length === 0) return x;
  return kind === 'sum' ? tf.sum(x, axes) : tf.mean(x, axes);
}

/**
 * `t` with its leading axes (as many as `lead` has) broadcast to `lead`, through broadcastTo,
 * whose gradient sums over the copies; `t` itself when they already match.
 */
function broadcastLeading(t: Tensor, lead: readonly number[]): Tensor {
  if (lead.every((d, i) => t.shape[i] === d)) return t;
  return tf.broadcastTo(t, [...lead, ...t.shape.slice(lead.length)]);
}

/** Matrix product over the event axes, with vectors promoted and demoted as in numpy. */
export function matmulEvent(a: Tensor, b: Tensor): Tensor {
  const aVec = a.rank - EVENT_AXIS === 1;
  const bVec = b.rank - EVENT_AXIS === 1;
  let a2 = aVec ? tf.expandDims(a, -2) : a;
  let b2 = bVec ? tf.expandDims(b, -1) : b;
  // tfjs's matMul broadcasts the leading (particle, batch) axes forward, but its gradient does
  // not sum over the broadcast ones: align them with broadcastTo, whose gradient does.
  const lead = a2.shape.slice(0, -2).map((d, i) => Math.max(d, b2.shape[i]!));
  a2 = broadcastLeading(a2, lead);
  b2 = broadcastLeading(b2, lead);
  let out = tf.matMul(a2, b2);
  if (bVec) out = tf.squeeze(out, [out.rank - 1]);
  if (aVec) out = tf.squeeze(out, [out.rank - (bVec ? 1 : 2)]);
  return out;
}

/** Indicator vectors of the integer values of `x`: [P, B, ...event] -> [P, B, ...event, n]. */
export function oneHotEvent(x: Tensor, n: number): Tensor {
  // Values arrive as float32; round so that a value like 2.9999999 still picks class 3.
  const indices = tf.cast(tf.round(x), 'int32');
  return tf.cast(tf.oneHot(indices, n), 'float32');
}

/**
 * Join along event axis `axis`. The particle and batch axes are broadcast to a common size
 * first (a global is [1, 1, ...], a data value [1, B, ...]), through broadcastTo, whose
 * gradient sums over the copies.
 */
export function concatEvent(parts: readonly Tensor[], axis: number): Tensor {
  const lead = [0, 1].map((i) => Math.max(...parts.map((p) => p.shape[i]!)));
  return tf.concat(
    parts.map((p) => broadcastLeading(p, lead)),
    EVENT_AXIS + axis,
  );
}

/**
 * The input of a generated net that reads a data point (an amortized automatic guide, an NVIL
 * baseline): every data variable flattened and joined, [P or 1, M, total size].
 */
export function joinedDataInput(values: readonly Tensor[]): Tensor {
  const flat = values.map((v) => tf.reshape(v, [v.shape[0]!, v.shape[1]!, -1]));
  return flat.length === 1 ? flat[0]! : concatEvent(flat, 0);
}

/**
 * Values of one event shape stacked on a new first event axis, their particle and batch axes
 * broadcast first: array literals of values, and values drawn element by element.
 */
export function stackEvent(parts: readonly Tensor[]): Tensor {
  const lead = [0, 1].map((i) => Math.max(...parts.map((p) => p.shape[i]!)));
  return tf.stack(parts.map((p) => broadcastLeading(p, lead)), EVENT_AXIS);
}

/**
 * `x[i]` for integer values i, per particle and data point, with gradients to x: entries of
 * event axis `axis` of x ([P, B, ...event]) picked by i ([P', B', ...S]). A scalar index drops
 * the axis; an index with axes S (axis 0 only) puts S first: [P, B, ...S, ...rest]. Written as
 * a one-hot contraction so that it broadcasts over particles and data points like every other
 * operation, and its gradient is exact.
 */
export function gatherEvent(x: Tensor, index: Tensor, axis: number): Tensor {
  const k = x.shape[EVENT_AXIS + axis]!;
  const picks = withoutGradient((i) => oneHotEvent(i, k))(index); // [P', B', ...S, K]
  const s = index.rank - EVENT_AXIS;
  const before = axis;
  const after = x.rank - EVENT_AXIS - axis - 1;
  const ones = (n: number): number[] => Array.from({ length: n }, () => 1);
  const oh = tf.reshape(picks, [...picks.shape.slice(0, EVENT_AXIS + s), ...ones(before), k, ...ones(after)]);
  const xs = s > 0 ? tf.reshape(x, [x.shape[0]!, x.shape[1]!, ...ones(s), ...x.shape.slice(EVENT_AXIS)]) : x;
  return tf.sum(tf.mul(oh, xs), EVENT_AXIS + s + before);
}
