// The one place that imports TensorFlow.js. Everything else imports `tf` from here, so the
// backend packages register against a single tfjs-core instance.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export { tf };
export type Tensor = tf.Tensor;
