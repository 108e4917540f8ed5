// Gradients shared by the dense-layer kernels (runtime/dense.ts, runtime/sparse-dense.ts).
import { tf } from './tf.js';
import type { Activation } from './activations.js';

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
