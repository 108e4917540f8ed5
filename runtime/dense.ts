// A dense layer y = act(x W + b), the hot spot of every amortized model.
// TODO(perf): backend-specific formulation (see bench/): this first version is plain tfjs.
import { tf } from './tf.js';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'softplus' | 'linear';

export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  const y = tf.add(tf.matMul(x, w), b) as tf.Tensor2D;
  switch (activation) {
    case 'relu':
      return tf.relu(y);
    case 'tanh':
      return tf.tanh(y);
    case 'sigmoid':
      return tf.sigmoid(y);
    case 'softplus':
      return tf.softplus(y);
    case 'linear':
      return y;
  }
}
