// conv2d([28, 28] -> 32 k4 s2 -> 64 k4 s2, relu) -> { ... }: an image encoder;
// conv_transpose2d(20 -> [7, 7, 64] -> 32 k4 s2 -> 1 k4 s2, relu): an image decoder.
// Images are channels-last like the data they read ([h, w] is one channel, [h, w, c] c of them).
// A layer with a kernel size (kN) is a convolution with N x N filters; sN is its stride (1), and
// `same` (the default: output = ceil(input / stride)) or `valid` its padding. A layer without
// one is dense.
import type { Expr, Named } from '../ast.js';
import type { Shape } from '../checked.js';
import { arrow, family, formatShape, type NetCheck } from './family.js';
import type { Activation } from '../../runtime/activations.js';
import type { ConvLayerSpec, ImageShape } from '../../runtime/conv-nets.js';

export interface ConvNetSpec {
  input: ImageShape;
  convs: readonly ConvLayerSpec[];
  dense: readonly number[];
  activation: Activation;
}

export interface ConvTransposeNetSpec {
  inputSize: number;
  dense: readonly number[];
  image: ImageShape;
  convs: readonly ConvLayerSpec[];
  activation: Activation;
}

const OPTIONS_HELP = 'a convolution layer takes kN (kernel size N, required), sN (stride N, default 1), same (default) or valid';

/** An image shape written as [h, w] or [h, w, c]; undefined (after an error) otherwise. */
function imageShape(c: NetCheck, e: Expr, what: string): ImageShape | undefined {
  if (e.kind !== 'array' || e.elements.length < 2 || e.elements.length > 3) {
    c.error('bad-net-layers', e, `${what} of net ${c.name} is an image shape, [height, width] or [height, width, channels], e.g. [28, 28]`);
    return undefined;
  }
  const dims = e.elements.map((d) => c.size(d, `a dimension of ${what} of net ${c.name}`));
  if (dims.some((d) => d === undefined)) return undefined;
  const [height, width, channels] = dims as number[];
  return { height: height!, width: width!, channels: channels ?? 1, channelAxis: channels !== undefined };
}

function noOptions(c: NetCheck, i: number, what: string): boolean {
  const extra = c.options(i)[0];
  if (!extra) return true;
  c.error('unknown-layer-option', extra, `${what} takes no options, got '${extra.name}'`);
  return false;
}

/** A convolution layer `32 k4 s2 valid`; undefined after an error. */
function convLayer(c: NetCheck, i: number, channels: number): ConvLayerSpec | undefined {
  let kernel: number | undefined;
  let stride = 1;
  let padding: 'same' | 'valid' = 'same';
  let ok = true;
  for (const o of c.options(i)) {
    const m = /^([ks])([0-9]+)$/.exec(o.name);
    if (m && Number(m[2]) >= 1) {
      if (m[1] === 'k') kernel = Number(m[2]);
      else stride = Number(m[2]);
    } else if (o.name === 'same' || o.name === 'valid') padding = o.name;
    else {
      c.error('unknown-layer-option', o, `unknown layer option '${o.name}' in net ${c.name}; ${OPTIONS_HELP}`);
      ok = false;
    }
  }
  return ok && kernel !== undefined ? { channels, kernel, stride, padding } : undefined;
}

function hasKernel(options: readonly Named[]): boolean {
  return options.some((o) => /^k[0-9]+$/.test(o.name));
}

function describeConv(l: ConvLayerSpec): string {
  return `${l.channels} k${l.kernel}${l.stride !== 1 ? ` s${l.stride}` : ''}${l.padding === 'valid' ? ' valid' : ''}`;
}

function describeImage(s: ImageShape): string {
  return formatShape(s.channelAxis ? [s.height, s.width, s.channels] : [s.height, s.width]);
}

function imageDims(s: ImageShape): Shape {
  return s.channelAxis ? [s.height, s.width, s.channels] : [s.height, s.width];
}

/** Steps a feature map through the layers; an error message when one does not fit. */
function walk(start: [number, number, number], convs: readonly ConvLayerSpec[], transpose: boolean, first: number): { maps: [number, number, number][] } | { message: string; layer: number } {
  let [h, w] = start;
  const maps: [number, number, number][] = [];
  for (let i = 0; i < convs.length; i++) {
    const l = convs[i]!;
    if (transpose) {
      h = l.padding === 'same' ? h * l.stride : (h - 1) * l.stride + l.kernel;
      w = l.padding === 'same' ? w * l.stride : (w - 1) * l.stride + l.kernel;
    } else {
      if (l.padding === 'valid' && (h < l.kernel || w < l.kernel)) {
        return { layer: first + i, message: `a ${l.kernel}x${l.kernel} kernel with valid padding does not fit the ${h}x${w} feature map it reads` };
      }
      h = Math.ceil((l.padding === 'same' ? h : h - l.kernel + 1) / l.stride);
      w = Math.ceil((l.padding === 'same' ? w : w - l.kernel + 1) / l.stride);
    }
    maps.push([h, w, l.channels]);
  }
  return { maps };
}

export const CONV2D = family<ConvNetSpec>({
  name: 'conv2d',
  summary: 'an image encoder: an image shape [h, w] or [h, w, c] (channels last), convolutions `C kK sS` (C filters K x K, stride S, padding same or valid), then optional dense layers; heads read the flattened trunk',
  example: 'net enc : conv2d([28, 28] -> 32 k4 s2 -> 64 k4 s2, relu) -> { loc: 20, scale: 20 positive }',
  takesHeads: true,
  check(c) {
    const { decl } = c;
    const activation = c.activation();
    if (decl.layers.length < 2) {
      c.error('bad-net-layers', decl, `net ${c.name} needs an image shape and at least one convolution, e.g. conv2d([28, 28] -> 32 k4 s2)`);
      return undefined;
    }
    let ok = noOptions(c, 0, `the input image shape of net ${c.name}`);
    const input = imageShape(c, decl.layers[0]!, 'the input');
    const convs: ConvLayerSpec[] = [];
    const dense: number[] = [];
    for (let i = 1; i < decl.layers.length; i++) {
      const size = c.size(decl.layers[i]!, `a layer size of net ${c.name}`);
      if (size === undefined) {
        ok = false;
        continue;
      }
      if (hasKernel(c.options(i))) {
        if (dense.length > 0) {
          c.error('bad-net-layers', decl.layers[i]!, `in net ${c.name}, a convolution cannot follow a dense layer (a layer without a kernel size kN is dense)`);
          ok = false;
        }
        const l = convLayer(c, i, size);
        if (l) convs.push(l);
        else ok = false;
      } else if (c.options(i).length > 0) {
        if (c.options(i).every((o) => /^(s[0-9]+|same|valid)$/.test(o.name))) {
          c.error('bad-net-layers', c.options(i)[0]!, `layer ${i + 1} of net ${c.name} has options but no kernel size; a convolution needs kN, e.g. ${size} k3`);
        } else convLayer(c, i, size);
        ok = false;
      } else dense.push(size);
    }
    if (convs.length === 0 && ok) {
      c.error('bad-net-layers', decl, `net ${c.name} has no convolution layer; write one as channels and a kernel size, e.g. 32 k4 s2 (or use mlp for dense layers only)`);
      ok = false;
    }
    if (!ok || !input || !activation) return undefined;
    const walked = walk([input.height, input.width, input.channels], convs, false, 2);
    if ('message' in walked) {
      c.error('bad-net-layers', decl.layers[walked.layer - 1]!, `layer ${walked.layer} of net ${c.name}: ${walked.message}`);
      return undefined;
    }
    return { input, convs, dense, activation };
  },
  trunkWidth(s) {
    if (s.dense.length > 0) return s.dense[s.dense.length - 1]!;
    const [h, w, ch] = finalMap(s);
    return h * w * ch;
  },
  call(s, input, net) {
    const want = imageDims(s.input);
    const tail = input.slice(input.length - want.length);
    if (input.length < want.length || tail.some((d, i) => d !== want[i])) {
      const hint = input.length === 1 && input[0] === want.reduce((a, b) => a * b, 1) ? `; declare the data as an image, e.g. binary${formatShape(want)}` : '';
      return { ok: false, message: `net ${net} reads images of shape ${formatShape(want)} (its last ${want.length} axes), got ${input.length === 0 ? 'a scalar' : `shape ${formatShape(input)}`}${hint}` };
    }
    const lead = input.slice(0, input.length - want.length);
    if (s.dense.length > 0) return { ok: true, output: [...lead, s.dense[s.dense.length - 1]!], headLead: lead };
    const [h, w, ch] = finalMap(s);
    return { ok: true, output: [...lead, h, w, ...(ch === 1 ? [] : [ch])], headLead: lead };
  },
  parameterCount(s) {
    let n = 0;
    let ch = s.input.channels;
    for (const l of s.convs) {
      n += l.kernel * l.kernel * ch * l.channels + l.channels;
      ch = l.channels;
    }
    const [h, w] = finalMap(s);
    let width = h * w * ch;
    for (const d of s.dense) {
      n += width * d + d;
      width = d;
    }
    return n;
  },
  widths(s) {
    const walked = walk([s.input.height, s.input.width, s.input.channels], s.convs, false, 2);
    const maps = 'maps' in walked ? walked.maps : [];
    return [
      { width: s.input.height * s.input.width * s.input.channels, what: 'the input image', layer: 0, units: false },
      ...maps.map(([h, w, ch], i) => ({ width: h * w * ch, what: `the feature map of layer ${i + 2}`, layer: i + 1, units: false })),
      ...s.dense.map((d, i) => ({ width: d, what: `layer ${s.convs.length + i + 2}`, layer: s.convs.length + i + 1, units: true })),
    ];
  },
  describe: (s) => `conv2d(${arrow([describeImage(s.input), ...s.convs.map(describeConv), ...s.dense])}, ${s.activation})`,
});

function finalMap(s: ConvNetSpec): [number, number, number] {
  const walked = walk([s.input.height, s.input.width, s.input.channels], s.convs, false, 2);
  if ('message' in walked) throw new Error(`internal: ${walked.message}`);
  return walked.maps[walked.maps.length - 1]!;
}

function finalImage(s: ConvTransposeNetSpec): [number, number, number] {
  const walked = walk([s.image.height, s.image.width, s.image.channels], s.convs, true, 0);
  if ('message' in walked) throw new Error(`internal: ${walked.message}`);
  return walked.maps[walked.maps.length - 1]!;
}

export const CONV_TRANSPOSE2D = family<ConvTransposeNetSpec>({
  name: 'conv_transpose2d',
  summary: 'an image decoder: an input size, optional dense layers, the image shape [h, w, c] they fill, then transposed convolutions `C kK sS` (stride S upsamples S times with same padding); the last is linear; an output of one channel is [h, w]',
  example: 'net dec : conv_transpose2d(20 -> [7, 7, 64] -> 32 k4 s2 -> 1 k4 s2, relu)',
  takesHeads: false,
  check(c) {
    const { decl } = c;
    const activation = c.activation();
    const imageAt = decl.layers.findIndex((l) => l.kind === 'array');
    if (imageAt < 1 || imageAt === decl.layers.length - 1) {
      c.error('bad-net-layers', decl, `net ${c.name} needs an input size, the image shape its dense layers fill, and at least one transposed convolution, e.g. conv_transpose2d(20 -> [7, 7, 64] -> 32 k4 s2 -> 1 k4 s2)`);
      return undefined;
    }
    let ok = true;
    const sizes: number[] = [];
    for (let i = 0; i < imageAt; i++) {
      const v = c.size(decl.layers[i]!, `a layer size of net ${c.name}`);
      if (!noOptions(c, i, i === 0 ? `the input size of net ${c.name}` : `a dense layer of net ${c.name}`)) ok = false;
      if (v === undefined) ok = false;
      else sizes.push(v);
    }
    if (!noOptions(c, imageAt, `the image shape of net ${c.name}`)) ok = false;
    const image = imageShape(c, decl.layers[imageAt]!, 'the image shape');
    const convs: ConvLayerSpec[] = [];
    for (let i = imageAt + 1; i < decl.layers.length; i++) {
      const size = c.size(decl.layers[i]!, `a layer size of net ${c.name}`);
      if (size === undefined) {
        ok = false;
        continue;
      }
      if (!hasKernel(c.options(i))) {
        c.error('bad-net-layers', decl.layers[i]!, `layer ${i + 1} of net ${c.name} follows the image shape, so it is a transposed convolution and needs a kernel size, e.g. ${size} k4 s2`);
        ok = false;
        continue;
      }
      const l = convLayer(c, i, size);
      if (l) convs.push(l);
      else ok = false;
    }
    if (!ok || !image || !activation) return undefined;
    return { inputSize: sizes[0]!, dense: sizes.slice(1), image, convs, activation };
  },
  trunkWidth(s) {
    const [h, w, ch] = finalImage(s);
    return h * w * ch;
  },
  call(s, input, net) {
    const last = input[input.length - 1];
    if (last !== s.inputSize) {
      const got = last === undefined ? 'a scalar' : `${last} (shape ${formatShape(input)})`;
      return { ok: false, message: `net ${net} expects input of size ${s.inputSize}, got ${got}` };
    }
    const lead = input.slice(0, -1);
    const [h, w, ch] = finalImage(s);
    return { ok: true, output: [...lead, h, w, ...(ch === 1 ? [] : [ch])], headLead: lead };
  },
  parameterCount(s) {
    let n = 0;
    let width = s.inputSize;
    for (const d of [...s.dense, s.image.height * s.image.width * s.image.channels]) {
      n += width * d + d;
      width = d;
    }
    let ch = s.image.channels;
    for (const l of s.convs) {
      n += l.kernel * l.kernel * ch * l.channels + l.channels;
      ch = l.channels;
    }
    return n;
  },
  widths(s) {
    const walked = walk([s.image.height, s.image.width, s.image.channels], s.convs, true, 0);
    const maps = 'maps' in walked ? walked.maps : [];
    return [
      { width: s.inputSize, what: 'layer 1', layer: 0, units: true },
      ...s.dense.map((d, i) => ({ width: d, what: `layer ${i + 2}`, layer: i + 1, units: true })),
      { width: s.image.height * s.image.width * s.image.channels, what: 'the image shape', layer: s.dense.length + 1, units: false },
      ...maps.map(([h, w, ch], i) => ({ width: h * w * ch, what: `the feature map of layer ${s.dense.length + i + 3}`, layer: s.dense.length + i + 2, units: false })),
    ];
  },
  describe: (s) => `conv_transpose2d(${arrow([s.inputSize, ...s.dense, describeImage(s.image), ...s.convs.map(describeConv)])}, ${s.activation})`,
});
