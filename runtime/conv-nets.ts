// Convolutional nets over images in NHWC (channels last, as data declared `binary[28, 28]` or
// `real[32, 32, 3]` lays them out): an encoder (convolutions, then optional dense layers, then
// an output or heads) and a decoder (dense layers up to an image, then transposed
// convolutions). An image with one channel is [h, w] at the net's input and output.
import { tf, type Tensor } from './tf.js';
import { denseForProgram, type Activation } from './dense.js';
import { conv2d, convTranspose2d, type ConvPadding } from './conv.js';
import type { ParamStore } from './params.js';
import type { Rng } from './random.js';
import { Heads, ownParam, type MlpHead, type NetModule, type NetOutput } from './nets.js';

export interface ConvLayerSpec {
  channels: number;
  kernel: number;
  stride: number;
  padding: ConvPadding;
}

/** [height, width, channels]; `channelAxis` false when written [h, w] (one channel, no axis). */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
  channelAxis: boolean;
}

export interface ConvEncoderSpec {
  name: string;
  input: ImageShape;
  convs: readonly ConvLayerSpec[];
  /** Dense layers after the last convolution, over its flattened feature map. */
  dense: readonly number[];
  activation: Activation;
  heads?: readonly MlpHead[];
}

export interface ConvDecoderSpec {
  name: string;
  inputSize: number;
  /** Dense layers before the image. */
  dense: readonly number[];
  /** The dense output reshaped to an image, the first transposed convolution's input. */
  image: ImageShape;
  convs: readonly ConvLayerSpec[];
  activation: Activation;
}

function imageDims(s: ImageShape): number[] {
  return s.channelAxis ? [s.height, s.width, s.channels] : [s.height, s.width];
}

function act(x: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
    case 'linear':
      return x;
  }
}

interface DenseParams {
  w: string;
  b: string;
}

function denseParams(store: ParamStore, prefix: string, fanIn: number, fanOut: number, rng: Rng): DenseParams {
  return { w: ownParam(store, `${prefix}.weight`, [fanIn, fanOut], fanIn, rng), b: ownParam(store, `${prefix}.bias`, [fanOut], fanIn, rng) };
}

function applyDense(store: ParamStore, p: DenseParams, h: tf.Tensor2D, a: Activation): tf.Tensor2D {
  return denseForProgram(h, store.variable(p.w) as tf.Tensor as tf.Tensor2D, store.variable(p.b) as tf.Tensor as tf.Tensor1D, a);
}

export class ConvEncoder implements NetModule {
  private readonly convParams: DenseParams[] = [];
  private readonly denseLayers: DenseParams[] = [];
  private readonly heads?: Heads;

  constructor(
    readonly spec: ConvEncoderSpec,
    private readonly store: ParamStore,
    rng: Rng,
  ) {
    let c = spec.input.channels;
    spec.convs.forEach((l, i) => {
      const fanIn = c * l.kernel * l.kernel;
      this.convParams.push({
        w: ownParam(store, `${spec.name}.conv${i}.weight`, [l.kernel, l.kernel, c, l.channels], fanIn, rng),
        b: ownParam(store, `${spec.name}.conv${i}.bias`, [l.channels], fanIn, rng),
      });
      c = l.channels;
    });
    let width = convEncoderFlatSize(spec);
    spec.dense.forEach((size, i) => {
      this.denseLayers.push(denseParams(store, `${spec.name}.dense${i}`, width, size, rng));
      width = size;
    });
    if (spec.heads) this.heads = new Heads(spec.heads, width, spec.name, store, rng);
  }

  apply(x: Tensor): NetOutput {
    const { input, convs, dense, activation } = this.spec;
    const lead = x.shape.slice(0, x.shape.length - imageDims(input).length);
    let h: tf.Tensor = tf.reshape(x, [-1, input.height, input.width, input.channels]);
    const lastIsOutput = !this.heads;
    convs.forEach((l, i) => {
      const p = this.convParams[i]!;
      const linear = lastIsOutput && dense.length === 0 && i === convs.length - 1;
      const y = tf.add(conv2d(h as tf.Tensor4D, this.store.variable(p.w) as tf.Tensor as tf.Tensor4D, l.stride, l.padding), this.store.variable(p.b));
      h = linear ? y : act(y, activation);
    });
    if (dense.length === 0 && !this.heads) {
      const [, ho, wo, co] = h.shape as [number, number, number, number];
      return tf.reshape(h, [...lead, ho, wo, ...(co === 1 ? [] : [co])]);
    }
    let flat = tf.reshape(h, [h.shape[0]!, -1]) as tf.Tensor2D;
    this.denseLayers.forEach((p, i) => {
      flat = applyDense(this.store, p, flat, lastIsOutput && i === dense.length - 1 ? 'linear' : activation);
    });
    if (this.heads) return this.heads.apply(flat, lead);
    return tf.reshape(flat, [...lead, flat.shape[1]]);
  }
}

/** The feature map after an encoder's convolutions: [h, w, c]. */
export function convEncoderOutput(spec: Pick<ConvEncoderSpec, 'input' | 'convs'>): [number, number, number] {
  let h = spec.input.height;
  let w = spec.input.width;
  let c = spec.input.channels;
  for (const l of spec.convs) {
    h = Math.ceil((l.padding === 'same' ? h : h - l.kernel + 1) / l.stride);
    w = Math.ceil((l.padding === 'same' ? w : w - l.kernel + 1) / l.stride);
    c = l.channels;
  }
  return [h, w, c];
}

function convEncoderFlatSize(spec: ConvEncoderSpec): number {
  const [h, w, c] = convEncoderOutput(spec);
  return h * w * c;
}


export class ConvDecoder implements NetModule {
  private readonly denseLayers: DenseParams[] = [];
  private readonly convParams: DenseParams[] = [];

  constructor(
    readonly spec: ConvDecoderSpec,
    private readonly store: ParamStore,
    rng: Rng,
  ) {
    let width = spec.inputSize;
    const sizes = [...spec.dense, spec.image.height * spec.image.width * spec.image.channels];
    sizes.forEach((size, i) => {
      this.denseLayers.push(denseParams(store, `${spec.name}.dense${i}`, width, size, rng));
      width = size;
    });
    let c = spec.image.channels;
    spec.convs.forEach((l, i) => {
      const fanIn = c * l.kernel * l.kernel;
      this.convParams.push({
        w: ownParam(store, `${spec.name}.deconv${i}.weight`, [l.kernel, l.kernel, l.channels, c], fanIn, rng),
        b: ownParam(store, `${spec.name}.deconv${i}.bias`, [l.channels], fanIn, rng),
      });
      c = l.channels;
    });
  }

  apply(x: Tensor): NetOutput {
    const { image, convs, activation, inputSize } = this.spec;
    const lead = x.shape.slice(0, -1);
    let flat = tf.reshape(x, [-1, inputSize]) as tf.Tensor2D;
    for (const p of this.denseLayers) flat = applyDense(this.store, p, flat, activation);
    let h: tf.Tensor = tf.reshape(flat, [-1, image.height, image.width, image.channels]);
    convs.forEach((l, i) => {
      const p = this.convParams[i]!;
      const y = tf.add(convTranspose2d(h as tf.Tensor4D, this.store.variable(p.w) as tf.Tensor as tf.Tensor4D, l.stride, l.padding), this.store.variable(p.b));
      h = i === convs.length - 1 ? y : act(y, activation);
    });
    const [, ho, wo, co] = h.shape as [number, number, number, number];
    return tf.reshape(h, [...lead, ho, wo, ...(co === 1 ? [] : [co])]);
  }
}
