// Gradients, and the activations' kernel names, shared by the dense-layer kernels
// (runtime/dense.ts, runtime/sparse-dense.ts).
import { tf } from './tf.js';
import type { Activation } from './activations.js';
import { heapAddress, onHeapOf, type HeapBackend } from './wasm-heap.js';
import { wasmBiasGradOn } from './wasm-bias-grad.js';

const BIAS_GRAD = 'PplBiasGrad';

/** The backends' kernel for each activation that a matmul kernel cannot fuse. */
export const UNARY_KERNEL: Record<Exclude<Activation, 'relu' | 'linear'>, string> = {
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  softplus: 'Softplus',
};
const biasGradOf = onHeapOf(wasmBiasGradOn);

/** dL/d(x w + b) from dL/dy and the layer's output y. */
export function preActivationGrad(dy: tf.Tensor2D, y: tf.Tensor2D, activation: Activation): tf.Tensor2D {
  switch (activation) {
    case 'linear':
      return dy;
    case 'relu':
      return tf.mul(dy, tf.step(y));
    case 'tanh':
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case 'sigmoid':
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case 'softplus':
      // softplus'(z) = sigmoid(z) = 1 - exp(-softplus(z)), accurate for tiny y via expm1.
      return tf.mul(dy, tf.neg(tf.expm1(tf.neg(y))));
  }
}

/**
 * dz w^T on wasm without transpose flags. XNNPACK packs the right operand on every call (a new
 * tensor each step), so pick the association that packs and transposes fewer elements:
 * dz transpose(w) moves ~2 in*out elements, transpose(w transpose(dz)) ~n*(2 out + in).
 */
export function wasmInputGrad(dz: tf.Tensor2D, w: tf.Tensor2D, transpose: (t: tf.Tensor2D) => tf.Tensor2D = (t) => tf.transpose(t)): tf.Tensor2D {
  const n = dz.shape[0];
  const [k, m] = w.shape;
  if (n * (2 * m + k) < 2 * k * m) return transpose(tf.matMul(w, transpose(dz)) as tf.Tensor2D);
  return tf.matMul(dz, transpose(w));
}

/**
 * dz = dL/d(x w + b) and db = dL/db (the column sums of dz), for the compiled layers: on wasm,
 * for relu and linear layers, one SIMD pass (runtime/wasm-bias-grad.ts) instead of Step,
 * Multiply and Sum; elsewhere preActivationGrad and a sum.
 */
export function preActivationAndBiasGrad(dy: tf.Tensor2D, y: tf.Tensor2D, activation: Activation): { dz: tf.Tensor2D; db: tf.Tensor1D } {
  const fits = (activation === 'relu' || activation === 'linear') && dy.dtype === 'float32' && dy.shape[1] % 4 === 0;
  if (!fits || tf.getBackend() !== 'wasm' || biasGradOf(tf.backend()) === null) {
    const dz = preActivationGrad(dy, y, activation);
    return { dz, db: tf.sum(dz, 0) };
  }
  if (tf.getKernel(BIAS_GRAD, 'wasm') == null) {
    tf.registerKernel({ kernelName: BIAS_GRAD, backendName: 'wasm', kernelFunc: biasGradKernel });
  }
  const relu = activation === 'relu';
  const out = tf.engine().runKernel(BIAS_GRAD, { dy, y }, { relu }) as unknown as tf.Tensor[];
  return relu ? { dz: out[0] as tf.Tensor2D, db: out[1] as tf.Tensor1D } : { dz: dy, db: out[0] as tf.Tensor1D };
}

function biasGradKernel(params: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const backend = params.backend as unknown as HeapBackend;
  const { dy, y } = params.inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const relu = params.attrs?.['relu'] === true;
  const [rows, cols] = dy.shape as [number, number];
  const dz = relu ? backend.makeOutput([rows, cols], 'float32') : undefined;
  const db = backend.makeOutput([cols], 'float32');
  const at = (t: tf.TensorInfo): number => heapAddress(backend, t);
  biasGradOf(backend)!(at(dy), at(y), dz ? at(dz) : 0, at(db), rows, 4 * cols, relu ? 1 : 0);
  return dz ? [dz, db] : [db];
}
