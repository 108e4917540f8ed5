// The one place that imports TensorFlow.js. Everything else imports `tf` from here, so the
// backend packages register against a single tfjs-core instance.
// tfjs-core alone, not the umbrella @tensorflow/tfjs (layers, converter, data, webgl: none used).
// tfjs-core's entry registers neither the gradients of its ops nor the chained tensor methods;
// the two `#` imports do (package.json `imports`: in Node a bundle of them that
// scripts/bundle-tfjs-registrations.mjs builds, in a browser bundler tfjs-core's own modules).
// The cpu backend registers itself on import; every other backend falls back to its kernels.
import * as tf from '@tensorflow/tfjs-core';
import '#tfjs-gradients';
import '#tfjs-chained-ops';
import '@tensorflow/tfjs-backend-cpu';
// The chained methods' types (x.transpose()); the methods themselves come from `#tfjs-chained-ops`.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

export { tf };
export type Tensor = tf.Tensor;

/**
 * The value of `x` with no gradient flowing back through it (tfjs has no stop_gradient op).
 * Used for score-function learning signals and for samples of non-reparameterized sites.
 */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.clone(inputs[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/**
 * `f(x)` computed inside one custom op with a zero gradient: the ops inside are never recorded
 * on the gradient tape. For discrete samples, whose ops (Less, ArgMax...) have no gradients.
 */
export function withoutGradient(f: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = inputs[0] as tf.Tensor;
    return { value: f(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(x) };
  }) as (x: tf.Tensor) => tf.Tensor;
}
