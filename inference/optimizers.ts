// Optimizers (tfjs' own) and their state, mapped to parameter names so a checkpoint can be
// restored into a freshly compiled program.
import { tf } from '../runtime/tf.js';
import type { ParamStore } from '../runtime/params.js';

export type OptimizerName = 'adam' | 'adagrad';
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'adagrad'];

export interface SavedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface SavedOptimizer {
  name: OptimizerName;
  lr: number;
  weights: SavedTensor[];
}

/**
 * Adam with PyTorch's defaults (beta1 0.9, beta2 0.999, eps 1e-8), or Adagrad as used by
 * Kingma & Welling (2014).
 */
export function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  switch (name) {
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, 1e-8);
    case 'adagrad':
      return tf.train.adagrad(lr, 0.1);
  }
}

/** The optimizer's slot name ("<variable>/m") with the variable replaced by its parameter name. */
function toParamSlot(stores: readonly ParamStore[], slot: string): string {
  const cut = slot.lastIndexOf('/');
  const variable = cut < 0 ? slot : slot.slice(0, cut);
  const suffix = cut < 0 ? '' : slot.slice(cut);
  for (const store of stores) {
    const param = store.paramNameOf(variable);
    if (param !== undefined) return `${param}${suffix}`;
  }
  return slot;
}

function toVariableSlot(stores: readonly ParamStore[], slot: string): string {
  const cut = slot.lastIndexOf('/');
  if (cut < 0) return slot;
  const param = slot.slice(0, cut);
  const store = stores.find((s) => s.has(param));
  return store ? `${store.variableNameOf(param)}${slot.slice(cut)}` : slot;
}

/** The optimizer's state with its slots named by parameter (the variables live in `stores`). */
export async function saveOptimizer(opt: tf.Optimizer, name: OptimizerName, lr: number, stores: readonly ParamStore[]): Promise<SavedOptimizer> {
  const named = await opt.getWeights();
  const weights = named.map((w) => ({
    name: toParamSlot(stores, w.name),
    shape: [...w.tensor.shape],
    values: Float32Array.from(w.tensor.dataSync()),
  }));
  // 'iter' is a fresh scalar; the slots are the optimizer's own variables and stay alive.
  for (const w of named) if (w.name === 'iter') w.tensor.dispose();
  return { name, lr, weights };
}

export async function restoreOptimizer(opt: tf.Optimizer, saved: SavedOptimizer, stores: readonly ParamStore[]): Promise<void> {
  const tensors = saved.weights.map((w) => ({
    name: toVariableSlot(stores, w.name),
    tensor: w.name === 'iter' ? tf.scalar(w.values[0] ?? 0, 'int32') : tf.tensor(w.values, w.shape, 'float32'),
  }));
  await opt.setWeights(tensors);
  // setWeights copies the slots into new variables; the inputs can go.
  for (const t of tensors) t.tensor.dispose();
}
