// The one place that imports TensorFlow.js. Everything else imports `tf` from here, so the
// backend packages register against a single tfjs-core instance.
// The umbrella package, not tfjs-core alone: it registers the gradients of every op (tfjs-core's
// own registration module cannot be loaded by Node's ESM loader) and the cpu backend.
import * as tf from '@tensorflow/tfjs';

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
