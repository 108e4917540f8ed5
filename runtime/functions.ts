// Runtime implementations of the built-in functions named in lang/builtins.ts, over the
// [particles, batch, ...event] layout.
import { tf, withoutGradient, type Tensor } from './tf.js';
import { alignEvents, EVENT_AXIS } from './layout.js';
import { digammaReal, lgammaReal } from './special-functions.js';

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
  ['log1p', (x) => tf.log1p(x)],
  ['expm1', (x) => tf.expm1(x)],
  ['lgamma', lgammaReal],
  ['digamma', digammaReal],
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

// ---------------------------------------------------------------- kernels of the function registry

/**
 * What a kernel learns about its call from the checker: the event shapes of its tensor
 * arguments and of its result, its named arguments (folded constants), and the values of the
 * positional arguments that must be constant (reshape's shape, transpose's permutation).
 */
export interface KernelCall {
  readonly argShapes: readonly (readonly number[])[];
  readonly shape: readonly number[];
  readonly named: ReadonlyMap<string, number>;
  readonly constants: readonly (readonly number[])[];
}

/** A built-in function over the [particles, batch, ...event] layout: its tensor arguments in order. */
export type Kernel = (args: readonly Tensor[], call: KernelCall) => Tensor;

/** The event axis a call names with `axis = k`, else its default. */
function eventAxis(call: KernelCall, fallback: number): number {
  return EVENT_AXIS + (call.named.get('axis') ?? fallback);
}

/** The last event axis of the first argument (the default axis of softmax, cumsum, ...). */
function lastAxis(call: KernelCall): number {
  return call.argShapes[0]!.length - 1;
}

/** Every event axis of `x`, or event axis `axis` when the call names one. */
function reducedAxes(x: Tensor, call: KernelCall): number[] {
  const axis = call.named.get('axis');
  if (axis !== undefined) return [EVENT_AXIS + axis];
  const axes: number[] = [];
  for (let i = EVENT_AXIS; i < x.rank; i++) axes.push(i);
  return axes;
}

/**
 * Several values brought to one shape: event axes aligned from the right (as in arithmetic),
 * then every axis broadcast through broadcastTo, whose gradient sums over the copies.
 */
export function broadcastAll(parts: readonly Tensor[]): Tensor[] {
  const rank = Math.max(...parts.map((p) => p.rank));
  const padded = parts.map((p) => {
    let x = p;
    while (x.rank < rank) x = tf.expandDims(x, EVENT_AXIS);
    return x;
  });
  const shape = Array.from({ length: rank }, (_, i) => Math.max(...padded.map((p) => p.shape[i]!)));
  return padded.map((p) => (p.shape.every((d, i) => d === shape[i]) ? p : tf.broadcastTo(p, shape)));
}

/** log sum exp along `axes`, kept as size-1 axes (so that it broadcasts back against `x`). */
function logSumExpKeep(x: Tensor, axes: number[]): Tensor {
  return tf.logSumExp(x, axes, true);
}

export function softmaxKernel(args: readonly Tensor[], call: KernelCall): Tensor {
  const x = args[0]!;
  return tf.exp(tf.sub(x, logSumExpKeep(x, [eventAxis(call, lastAxis(call))])));
}

export function logSoftmaxKernel(args: readonly Tensor[], call: KernelCall): Tensor {
  const x = args[0]!;
  return tf.sub(x, logSumExpKeep(x, [eventAxis(call, lastAxis(call))]));
}

export function logSumExpKernel(args: readonly Tensor[], call: KernelCall): Tensor {
  const x = args[0]!;
  const axes = reducedAxes(x, call);
  return axes.length ? tf.logSumExp(x, axes) : x;
}

/**
 * One argument: the extreme over event axes (like sum); two: the elementwise extreme. The two
 * are broadcast to one shape first: tfjs's Maximum and Minimum gradients do not sum over
 * broadcast axes.
 */
export function extremeKernel(which: 'min' | 'max'): Kernel {
  return (args, call) => {
    if (args.length === 2) {
      const [a, b] = broadcastAll(args);
      return which === 'min' ? tf.minimum(a!, b!) : tf.maximum(a!, b!);
    }
    const x = args[0]!;
    const axes = reducedAxes(x, call);
    if (!axes.length) return x;
    return which === 'min' ? tf.min(x, axes) : tf.max(x, axes);
  };
}

/** `cond != 0` as a boolean tensor, off the gradient tape (comparison ops have no gradient in tfjs). */
const truthy = tf.customGrad((...inputs: (Tensor | tf.GradSaveFunc)[]) => {
  const x = inputs[0] as Tensor;
  return { value: tf.notEqual(x, 0), gradFunc: () => tf.zerosLike(x) };
}) as (x: Tensor) => Tensor;

export function whereKernel(args: readonly Tensor[]): Tensor {
  const [cond, a, b] = broadcastAll(args);
  return tf.where(truthy(cond!), a!, b!);
}

/** min(max(x, lo), hi), all three broadcast first (as for min and max). */
export function clampKernel(args: readonly Tensor[]): Tensor {
  const [x, lo, hi] = broadcastAll(args) as [Tensor, Tensor, Tensor];
  return tf.minimum(tf.maximum(x, lo), hi);
}

/** Reshape and flatten: the event axes to the checked result shape. */
export function reshapeKernel(args: readonly Tensor[], call: KernelCall): Tensor {
  const x = args[0]!;
  return tf.reshape(x, [x.shape[0]!, x.shape[1]!, ...call.shape]);
}

/** The event axes permuted (`constants[0]`), or reversed when no permutation is given. */
export function transposeKernel(args: readonly Tensor[], call: KernelCall): Tensor {
  const x = args[0]!;
  const rank = x.rank - EVENT_AXIS;
  const perm = call.constants[0] ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  return tf.transpose(x, [0, 1, ...perm.map((p) => EVENT_AXIS + p)]);
}

export function stackKernel(args: readonly Tensor[], call: KernelCall): Tensor {
  const lead = [0, 1].map((i) => Math.max(...args.map((p) => p.shape[i]!)));
  return tf.stack(
    args.map((p) => broadcastLeading(p, lead)),
    eventAxis(call, 0),
  );
}

/**
 * Running sums, taken along the last axis with the summed axis swapped there and back: tfjs's
 * Cumsum gradient permutes its result wrongly for any other axis.
 */
export function cumsumKernel(args: readonly Tensor[], call: KernelCall): Tensor {
  const x = args[0]!;
  const axis = eventAxis(call, lastAxis(call));
  const last = x.rank - 1;
  if (axis === last) return tf.cumsum(x, last);
  const swap = Array.from({ length: x.rank }, (_, i) => (i === axis ? last : i === last ? axis : i));
  return tf.transpose(tf.cumsum(tf.transpose(x, swap), last), swap);
}

/** The inner product along the last event axis, the other event axes broadcast. */
export function dotKernel(args: readonly Tensor[]): Tensor {
  const [a, b] = alignEvents(args[0]!, args[1]!);
  return tf.sum(tf.mul(a, b), -1);
}

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

const COMPARE: Record<Comparison, (a: Tensor, b: Tensor) => Tensor> = {
  '<': (a, b) => tf.less(a, b),
  '<=': (a, b) => tf.lessEqual(a, b),
  '>': (a, b) => tf.greater(a, b),
  '>=': (a, b) => tf.greaterEqual(a, b),
  '==': (a, b) => tf.equal(a, b),
  '!=': (a, b) => tf.notEqual(a, b),
};

/**
 * A comparison as 1 (true) and 0 (false), float32, with a zero gradient: a step function's
 * derivative is 0 wherever it exists, and tfjs's comparison ops have no gradient at all.
 */
export function compareKernel(op: Comparison): (a: Tensor, b: Tensor) => Tensor {
  const f = COMPARE[op];
  return tf.customGrad((...inputs: (Tensor | tf.GradSaveFunc)[]) => {
    const a = inputs[0] as Tensor;
    const b = inputs[1] as Tensor;
    return { value: tf.cast(f(a, b), 'float32'), gradFunc: () => [tf.zerosLike(a), tf.zerosLike(b)] };
  }) as (a: Tensor, b: Tensor) => Tensor;
}

/** The kernels of the registry's `kernel` functions (lang/builtins.ts), by name. */
export const KERNELS: ReadonlyMap<string, Kernel> = new Map<string, Kernel>([
  ['softmax', softmaxKernel],
  ['log_softmax', logSoftmaxKernel],
  ['logsumexp', logSumExpKernel],
  ['min', extremeKernel('min')],
  ['max', extremeKernel('max')],
  ['where', whereKernel],
  ['clamp', clampKernel],
  ['reshape', reshapeKernel],
  ['flatten', reshapeKernel],
  ['transpose', transposeKernel],
  ['stack', stackKernel],
  ['cumsum', cumsumKernel],
  ['dot', dotKernel],
]);
