// Nets as modules over a parameter store (micrograd's nn.py style: each module creates and
// owns its parameters, named under the net's name). The multi-layer perceptron lives here;
// the convolutional stacks in conv-nets.ts, the GRU in gru.ts. A net maps its input's trailing
// axes and keeps every leading axis (particles, batch, event prefix).
import { tf, type Tensor } from './tf.js';
import { denseForProgram, type Activation } from './dense.js';
import type { ParamStore } from './params.js';
import { headTransform, type Constraint } from './constraints.js';
import type { Rng } from './random.js';

export interface MlpHead {
  name: string;
  size: number;
  constraint: Constraint;
}

export interface MlpSpec {
  name: string;
  /** Sizes from input to last layer (with heads: to the trunk output, which is activated). */
  layers: readonly number[];
  activation: Activation;
  heads?: readonly MlpHead[];
}

export type NetOutput = Tensor | Readonly<Record<string, Tensor>>;

/** What the compiler calls: a net of any family applied to its input. */
export interface NetModule {
  apply(x: Tensor): NetOutput;
}

/** PyTorch's nn.Linear default: weights and biases uniform in +-1/sqrt(fan_in). */
export function linearInit(fanIn: number, count: number, rng: Rng): Float32Array {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (2 * rng.uniform() - 1) * bound;
  return out;
}

export class Mlp implements NetModule {
  private readonly weightNames: string[] = [];
  private readonly biasNames: string[] = [];
  private readonly activations: Activation[] = [];

  constructor(
    readonly spec: MlpSpec,
    private readonly store: ParamStore,
    rng: Rng,
  ) {
    const { layers, heads } = spec;
    const addLayer = (label: string, fanIn: number, fanOut: number, act: Activation): void => {
      const w = `${spec.name}.${label}.weight`;
      const b = `${spec.name}.${label}.bias`;
      // A net built twice over one store (several objectives on one program) shares its weights.
      if (!store.has(w)) store.create(w, [fanIn, fanOut], linearInit(fanIn, fanIn * fanOut, rng));
      if (!store.has(b)) store.create(b, [fanOut], linearInit(fanIn, fanOut, rng));
      this.weightNames.push(w);
      this.biasNames.push(b);
      this.activations.push(act);
    };
    for (let i = 0; i + 1 < layers.length; i++) {
      const last = i + 2 === layers.length;
      addLayer(`layer${i}`, layers[i]!, layers[i + 1]!, last && !heads ? 'linear' : spec.activation);
    }
    if (heads) {
      // All heads share one matrix so the encoder's loc and scale cost one matmul, not two.
      const total = heads.reduce((a, h) => a + h.size, 0);
      addLayer('heads', layers[layers.length - 1]!, total, 'linear');
    }
  }

  get inputSize(): number {
    return this.spec.layers[0]!;
  }

  apply(x: Tensor): NetOutput {
    const lead = x.shape.slice(0, -1);
    let h = tf.reshape(x, [-1, this.inputSize]) as tf.Tensor2D;
    for (let i = 0; i < this.weightNames.length; i++) {
      const w = this.store.variable(this.weightNames[i]!) as tf.Tensor as tf.Tensor2D;
      const b = this.store.variable(this.biasNames[i]!) as tf.Tensor as tf.Tensor1D;
      h = denseForProgram(h, w, b, this.activations[i]!);
    }
    const heads = this.spec.heads;
    if (!heads) return tf.reshape(h, [...lead, h.shape[1]]);
    const parts = heads.length === 1 ? [h] : tf.split(h, heads.map((hd) => hd.size), 1);
    const out: Record<string, Tensor> = {};
    heads.forEach((hd, i) => {
      out[hd.name] = tf.reshape(headTransform(parts[i]!, hd.constraint), [...lead, hd.size]);
    });
    return out;
  }
}

/**
 * A parameter of a module, created at its initial value unless the store already has it (a net
 * built twice over one store, for several objectives on one program, shares its weights).
 */
export function ownParam(store: ParamStore, name: string, shape: readonly number[], fanIn: number, rng: Rng): string {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!store.has(name)) store.create(name, shape, linearInit(fanIn, count, rng));
  return name;
}

/** Dense heads on a trunk [n, width]: one matmul for all heads, then each head's constraint. */
export class Heads {
  private readonly w: string;
  private readonly b: string;

  constructor(
    private readonly heads: readonly MlpHead[],
    width: number,
    netName: string,
    private readonly store: ParamStore,
    rng: Rng,
  ) {
    const total = heads.reduce((a, h) => a + h.size, 0);
    this.w = ownParam(store, `${netName}.heads.weight`, [width, total], width, rng);
    this.b = ownParam(store, `${netName}.heads.bias`, [total], width, rng);
  }

  /** The heads of trunk rows h [n, width], each reshaped to [...lead, size]. */
  apply(h: tf.Tensor2D, lead: readonly number[]): Record<string, Tensor> {
    const w = this.store.variable(this.w) as tf.Tensor as tf.Tensor2D;
    const b = this.store.variable(this.b) as tf.Tensor as tf.Tensor1D;
    const y = denseForProgram(h, w, b, 'linear');
    const parts = this.heads.length === 1 ? [y] : tf.split(y, this.heads.map((hd) => hd.size), 1);
    const out: Record<string, Tensor> = {};
    this.heads.forEach((hd, i) => {
      out[hd.name] = tf.reshape(headTransform(parts[i]!, hd.constraint), [...lead, hd.size]);
    });
    return out;
  }
}
