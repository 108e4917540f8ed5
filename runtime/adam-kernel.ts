// One Adam update of a parameter tensor as one kernel, 'PplAdam': a single pass over the
// parameter, its gradient and both moments, instead of tfjs' 14 element-wise kernels (and 14
// intermediate tensors) per parameter. On wasm it is a WebAssembly SIMD loop on the backend's
// own memory (runtime/wasm-adam.ts); on cpu a JavaScript loop over the backend's arrays;
// elsewhere (tfjs-node, webgl, or wasm without SIMD) the same formula in tfjs ops.
//
// The arithmetic is tf.train.adam's, operation by operation in float32 (in JavaScript
// Math.fround after each one, which rounds exactly as a float32 kernel does), so both give
// bit-identical parameters. (A plain JavaScript loop on wasm's memory was tried: at ~10 ns an
// element it is slower than tfjs' 14 SIMD kernels.)
// The moments are updated in place (they belong to the optimizer alone); the parameter gets a
// new buffer, since the wasm backend caches XNNPACK's packed copy of a matmul operand by buffer.
import { tf } from './tf.js';
import { wasmAdamOn } from './wasm-adam.js';
import { heapAddress, onHeapOf, type HeapBackend } from './wasm-heap.js';

/** The constants of one step, each already a float32 value (see adamCoefficients). */
export interface AdamCoefficients {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  /** 1 - beta1^t and 1 - beta2^t as tfjs computes them (float32 running products). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negLearningRate: number;
}

const KERNEL_NAME = 'PplAdam';
const KERNEL_BACKENDS: readonly string[] = ['wasm', 'cpu'];
const f32 = Math.fround;

/** Whether the update runs as one kernel on the current backend. */
export function fusedAdamAvailable(): boolean {
  const name = tf.getBackend();
  if (name === 'wasm') return wasmAdamOf(tf.backend()) !== null;
  return KERNEL_BACKENDS.includes(name);
}

/** The SIMD update on the wasm backend's memory (null without WebAssembly SIMD). */
const wasmAdamOf = onHeapOf(wasmAdamOn);

/**
 * The new value of `w` after one Adam step with gradient `g`; `m` and `v` (the optimizer's own
 * tensors, shared with nothing) are updated in place on wasm and cpu. Elsewhere the moments are
 * returned as new tensors and the caller keeps those. Returns new tensors the caller owns.
 */
export function adamUpdate(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, c: AdamCoefficients): { w: tf.Tensor; m?: tf.Tensor; v?: tf.Tensor } {
  if (!fusedAdamAvailable()) return adamOps(w, g, m, v, c);
  const backendName = tf.getBackend();
  if (tf.getKernel(KERNEL_NAME, backendName) == null) {
    tf.registerKernel({ kernelName: KERNEL_NAME, backendName, kernelFunc: adamKernelFunc });
  }
  const attrs = { ...c } as unknown as tf.NamedAttrMap;
  return { w: tf.engine().runKernel(KERNEL_NAME, { w, g, m, v }, attrs) as tf.Tensor };
}

/** The same update in tfjs ops, in tf.train.adam's order (backends without the kernel). */
function adamOps(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, c: AdamCoefficients): { w: tf.Tensor; m: tf.Tensor; v: tf.Tensor } {
  return tf.tidy(() => {
    const m2 = tf.add(tf.mul(m, c.beta1), tf.mul(g, c.oneMinusBeta1));
    const v2 = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), c.oneMinusBeta2));
    const mHat = tf.div(m2, c.oneMinusAccBeta1);
    const vHat = tf.div(v2, c.oneMinusAccBeta2);
    const w2 = tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), c.epsilon)), c.negLearningRate), w);
    return { w: w2, m: m2, v: v2 };
  });
}

interface CpuBackend {
  data: { get(id: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

function adamKernelFunc(params: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs } = params;
  const c = params.attrs as unknown as AdamCoefficients;
  const w = inputs['w']!;
  const g = inputs['g']!;
  const m = inputs['m']!;
  const v = inputs['v']!;
  for (const t of [w, g, m, v]) if (t.dtype !== 'float32') throw new Error('internal: Adam update of a non-float32 tensor');
  const shape = [...w.shape];
  if (tf.getBackend() === 'wasm') {
    const backend = params.backend as HeapBackend;
    // Allocate first: a new allocation may grow the heap and detach earlier views.
    const out = backend.makeOutput(shape, 'float32');
    const size = shape.reduce((a, b) => a * b, 1);
    const simd = size - (size % 4);
    const at = (t: tf.TensorInfo): number => heapAddress(backend, t);
    wasmAdamOf(backend)!(at(w), at(g), at(m), at(v), at(out), 4 * simd, c.beta1, c.oneMinusBeta1, c.beta2, c.oneMinusBeta2, c.oneMinusAccBeta1, c.oneMinusAccBeta2, c.epsilon, c.negLearningRate);
    if (simd < size) {
      const tail = (t: tf.TensorInfo): Float32Array => (backend.typedArrayFromHeap(t) as Float32Array).subarray(simd);
      adamLoop(tail(w), tail(g), tail(m), tail(v), tail(out), c);
    }
    return out;
  }
  const backend = params.backend as CpuBackend;
  const values = (t: tf.TensorInfo): Float32Array => backend.data.get(t.dataId).values;
  const result = new Float32Array(shape.reduce((a, b) => a * b, 1));
  adamLoop(values(w), values(g), values(m), values(v), result, c);
  return backend.makeTensorInfo(shape, 'float32', result);
}

function adamLoop(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, out: Float32Array, c: AdamCoefficients): void {
  const { beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLearningRate } = c;
  const n = w.length;
  if (g.length !== n || m.length !== n || v.length !== n || out.length !== n) throw new Error('internal: Adam update of tensors of different sizes');
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = f32(f32(m[i]! * beta1) + f32(gi * oneMinusBeta1));
    const vi = f32(f32(v[i]! * beta2) + f32(f32(gi * gi) * oneMinusBeta2));
    m[i] = mi;
    v[i] = vi;
    const mHat = f32(mi / oneMinusAccBeta1);
    const vHat = f32(vi / oneMinusAccBeta2);
    const step = f32(f32(mHat / f32(f32(Math.sqrt(vHat)) + epsilon)) * negLearningRate);
    out[i] = f32(step + w[i]!);
  }
}
