// Optimizers and their state, mapped to parameter names so a checkpoint can be restored into a
// freshly compiled program. Adam is tf.train.adam's arithmetic with one fused kernel per
// parameter tensor (runtime/adam-kernel.ts); Adagrad is tfjs' own.
import { tf } from '../runtime/tf.js';
import { adamUpdate, type AdamCoefficients } from '../runtime/adam-kernel.js';
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
      return new FusedAdam(lr, 0.9, 0.999, 1e-8);
    case 'adagrad':
      return tf.train.adagrad(lr, 0.1);
  }
}

/** tfjs' NamedTensor (not exported by its index). */
interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

interface Moments {
  /** The slot names, as tf.train.adam's: `<variable>/m` and `<variable>/v`. */
  mName: string;
  vName: string;
  m: tf.Tensor;
  v: tf.Tensor;
}

const f32 = Math.fround;

/**
 * Adam giving the same parameters as tf.train.adam bit for bit (same float32 operations in the
 * same order, and the same running products beta^t), in one kernel per parameter tensor rather
 * than 14, with no intermediate tensors. Its state has tf.train.adam's format (getWeights:
 * 'iter', then every `<variable>/m`, then every `<variable>/v`), so checkpoints written by
 * either restore into the other.
 */
export class FusedAdam extends tf.Optimizer {
  static get className(): string {
    return 'Adam';
  }

  private readonly moments = new Map<string, Moments>();
  /** beta1^t and beta2^t as float32 running products, as tf.train.adam keeps them. */
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    readonly learningRate: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
  ) {
    super();
    this.accBeta1 = f32(beta1);
    this.accBeta2 = f32(beta2);
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const named: NamedTensor[] = Array.isArray(variableGradients)
      ? variableGradients
      : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const c: AdamCoefficients = {
      beta1: f32(this.beta1),
      oneMinusBeta1: f32(1 - this.beta1),
      beta2: f32(this.beta2),
      oneMinusBeta2: f32(1 - this.beta2),
      oneMinusAccBeta1: f32(1 - this.accBeta1),
      oneMinusAccBeta2: f32(1 - this.accBeta2),
      epsilon: f32(this.epsilon),
      negLearningRate: f32(-this.learningRate),
    };
    const registered = tf.engine().registeredVariables;
    for (const { name, tensor: g } of named) {
      if (g == null) continue;
      const variable = registered[name];
      if (!variable) throw new Error(`internal: the optimizer got a gradient for unknown variable '${name}'`);
      const state = this.momentsOf(name, variable);
      const next = adamUpdate(variable, g, state.m, state.v, c);
      variable.assign(next.w);
      next.w.dispose();
      if (next.m && next.v) {
        tf.dispose([state.m, state.v]);
        state.m = tf.keep(next.m);
        state.v = tf.keep(next.v);
      }
    }
    this.accBeta1 = f32(this.accBeta1 * f32(this.beta1));
    this.accBeta2 = f32(this.accBeta2 * f32(this.beta2));
    this.incrementIterations();
  }

  private momentsOf(name: string, variable: tf.Variable): Moments {
    let state = this.moments.get(name);
    if (!state) {
      // Fresh buffers of their own (never a shared zeros tensor): they are updated in place.
      const zeros = (): tf.Tensor => tf.keep(tf.tensor(new Float32Array(variable.size), variable.shape, 'float32'));
      state = { mName: `${name}/m`, vName: `${name}/v`, m: zeros(), v: zeros() };
      this.moments.set(name, state);
    }
    return state;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const all = [...this.moments.values()];
    return [
      await this.saveIterations(),
      ...all.map((s) => ({ name: s.mName, tensor: s.m })),
      ...all.map((s) => ({ name: s.vName, tensor: s.v })),
    ];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    // As tf.train.adam does on restore: beta^(t+1) by tfjs' pow, in float32.
    const acc = tf.tidy(() => tf.pow(tf.tensor1d([this.beta1, this.beta2]), this.iterations + 1).dataSync());
    this.accBeta1 = acc[0]!;
    this.accBeta2 = acc[1]!;
    const half = rest.length / 2;
    for (const s of this.moments.values()) tf.dispose([s.m, s.v]);
    this.moments.clear();
    for (let i = 0; i < half; i++) {
      const mw = rest[i]!;
      const vw = rest[half + i]!;
      const variable = mw.name.endsWith('/m') ? mw.name.slice(0, -2) : mw.name;
      // Copies: the moments are updated in place, so they must share no buffer with the inputs.
      const copy = (t: tf.Tensor): tf.Tensor => tf.keep(tf.tensor(t.dataSync() as Float32Array, t.shape, 'float32'));
      this.moments.set(variable, { mName: mw.name, vName: vw.name, m: copy(mw.tensor), v: copy(vw.tensor) });
    }
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override dispose(): void {
    for (const s of this.moments.values()) tf.dispose([s.m, s.v]);
    this.moments.clear();
    super.dispose();
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
