// The activations of dense layers, with no tensors involved: the checker and lowering read
// this list without loading TensorFlow.js; runtime/dense.ts computes them.
/** The activations of dense layers, each with what it computes: the one list the checker, docs and compiler read. */
export const ACTIVATIONS = {
  relu: 'max(0, x)',
  tanh: 'hyperbolic tangent',
  sigmoid: '1 / (1 + exp(-x))',
  softplus: 'log(1 + exp(x))',
  linear: 'identity (no nonlinearity)',
} as const;

export type Activation = keyof typeof ACTIVATIONS;

export function isActivation(name: string): name is Activation {
  return Object.hasOwn(ACTIVATIONS, name);
}
