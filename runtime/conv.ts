// 2-D convolutions and transposed convolutions in NHWC, differentiable on every backend.
//
// tfjs-backend-wasm has Conv2D (XNNPACK) and Conv2DBackpropInput but no Conv2DBackpropFilter, so
// tfjs' own gradient of tf.conv2d fails there ("Kernel 'Conv2DBackpropFilter' not registered").
// Formulations (bench/conv-speed.ts measures them side by side; forward and backward at batch
// 100 on the layers of models/conv_vae.ppl, wasm: 'native' is 1.7-4.7x faster than
// 'native-patches' and 19-36x faster than 'im2col'):
//  - 'native' (default): every pass is ONE convolution of the backend (XNNPACK on wasm): the
//    forward pass; the input gradient, a transposed convolution, by the sub-pixel
//    decomposition (convAdjoint); the filter gradient as a dilated convolution (filterGrad).
//    The convolution is a kernel with lazily computed gradients, so an encoder's first layer
//    never computes the gradient of its data.
//  - 'native-patches': tfjs' Conv2DBackpropInput (a plain loop on wasm) for the input gradient,
//    and the filter gradient as one matmul, patches(x)^T dy, the patches gathered by a
//    precomputed index (im2col), the transpose explicit (transpose flags leave XNNPACK on wasm;
//    see dense.ts).
//  - 'im2col': everything as matmuls over gathered patches: forward patches(x) W, input
//    gradient col2im(dy W^T) (the k*k shifted slices added back), filter gradient patches^T dy.
// 'reference' is tf.conv2d / tf.conv2dTranspose with tfjs' own gradients (cpu only); the tests
// compare against it and against finite differences.
import { tf } from './tf.js';

export type ConvPadding = 'same' | 'valid';
export type ConvStrategy = 'native' | 'native-patches' | 'im2col' | 'reference';

let strategy: ConvStrategy = 'native';

/** The formulation every convolution uses from now on (benchmarks and tests). */
export function useConvStrategy(s: ConvStrategy): void {
  strategy = s;
}

export function convStrategy(): ConvStrategy {
  return strategy;
}

/** Output size of a convolution along one axis (tfjs' and TensorFlow's rule). */
export function convOutputSize(input: number, kernel: number, stride: number, padding: ConvPadding): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.ceil((input - kernel + 1) / stride);
}

/** Output size of a transposed convolution along one axis: the input size of the convolution it transposes. */
export function convTransposeOutputSize(input: number, kernel: number, stride: number, padding: ConvPadding): number {
  return padding === 'same' ? input * stride : (input - 1) * stride + kernel;
}

interface Geometry {
  n: number;
  h: number;
  w: number;
  c: number;
  k: number;
  s: number;
  ho: number;
  wo: number;
  /** Zero rows/columns added before and after (TensorFlow's 'same': the odd one after). */
  pad: [[number, number], [number, number]];
}

function geometry(shape: readonly number[], k: number, s: number, padding: ConvPadding): Geometry {
  const [n, h, w, c] = shape as [number, number, number, number];
  const ho = convOutputSize(h, k, s, padding);
  const wo = convOutputSize(w, k, s, padding);
  const along = (size: number, out: number): [number, number] => {
    if (padding === 'valid') return [0, 0];
    const total = Math.max(0, (out - 1) * s + k - size);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  return { n, h, w, c, k, s, ho, wo, pad: [along(h, ho), along(w, wo)] };
}

const indexCache = new Map<string, Int32Array>();

/** For each output pixel and kernel offset (row-major), its pixel in the padded image, flattened. */
function patchIndex(g: Geometry): Int32Array {
  const hp = g.h + g.pad[0][0] + g.pad[0][1];
  const wp = g.w + g.pad[1][0] + g.pad[1][1];
  const key = `${hp},${wp},${g.k},${g.s},${g.ho},${g.wo}`;
  const hit = indexCache.get(key);
  if (hit) return hit;
  const out = new Int32Array(g.ho * g.wo * g.k * g.k);
  let p = 0;
  for (let oh = 0; oh < g.ho; oh++) {
    for (let ow = 0; ow < g.wo; ow++) {
      for (let i = 0; i < g.k; i++) {
        for (let j = 0; j < g.k; j++) out[p++] = (oh * g.s + i) * wp + (ow * g.s + j);
      }
    }
  }
  indexCache.set(key, out);
  return out;
}

function padded(x: tf.Tensor4D, g: Geometry): tf.Tensor4D {
  const [[t, b], [l, r]] = g.pad;
  return t + b + l + r === 0 ? x : tf.pad(x, [[0, 0], [t, b], [l, r], [0, 0]]);
}

/** im2col: [n * ho * wo, k * k * c], each row one output pixel's receptive field in (i, j, c) order. */
export function patches(x: tf.Tensor4D, k: number, s: number, padding: ConvPadding): tf.Tensor2D {
  return tf.tidy(() => {
    const g = geometry(x.shape, k, s, padding);
    const xp = padded(x, g);
    const flat = tf.reshape(xp, [g.n, xp.shape[1] * xp.shape[2], g.c]);
    const idx = tf.tensor1d(patchIndex(g), 'int32');
    return tf.reshape(tf.gather(flat, idx, 1), [g.n * g.ho * g.wo, g.k * g.k * g.c]);
  });
}

/**
 * dL/dw of conv2d(x, w) given dy, as one convolution: the batch becomes the channels, dy the
 * filter, the stride the filter's dilation: dw[i, j, c, f] = sum_{n, oh, ow}
 * x_pad[n, oh s + i, ow s + j, c] dy[n, oh, ow, f]. The backend's own convolution kernel (XNNPACK
 * on wasm) does the work with no patch matrix.
 */
export function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number, padding: ConvPadding): tf.Tensor4D {
  return tf.tidy(() => {
    const g = geometry(x.shape, k, s, padding);
    const xt = tf.transpose(padded(x, g), [3, 1, 2, 0]) as tf.Tensor4D;
    const f = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const out = tf.conv2d(xt, f, 1, 'valid', 'NHWC', s);
    const cut = out.shape[1] === k && out.shape[2] === k ? out : tf.slice(out, [0, 0, 0, 0], [g.c, k, k, dy.shape[3]]);
    return tf.transpose(cut, [1, 2, 0, 3]);
  });
}

/**
 * The adjoint of conv2d(., w) applied to dy [n, ho, wo, f], i.e. dL/dx for x of shape `xShape`
 * (what tf.conv2dTranspose computes), as ONE stride-1 convolution and a depth-to-space: output
 * pixel p = s m + r of the padded input receives sum_j dy[m - j] w[s j + r], a stride-1
 * correlation of dy with phase r's sub-filter; the s*s phases are stacked on the channel axis
 * and interleaved (a depth-to-space; the sub-pixel decomposition). On wasm the convolution is
 * XNNPACK's, where tfjs' Conv2DBackpropInput kernel is a plain loop (about 10x slower here).
 */
export function convAdjoint(dy: tf.Tensor4D, w: tf.Tensor4D, xShape: readonly number[], s: number, padding: ConvPadding): tf.Tensor4D {
  return tf.tidy(() => {
    const g = geometry(xShape, w.shape[0], s, padding);
    const [k, , c, f] = w.shape;
    if (s === 1) {
      // A stride-1 adjoint is the correlation with the flipped filter over dy padded by k - 1 - pad.
      const wf = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const dp = tf.pad(dy, [[0, 0], [k - 1 - g.pad[0][0], k - 1 - g.pad[0][1]], [k - 1 - g.pad[1][0], k - 1 - g.pad[1][1]], [0, 0]]);
      return tf.conv2d(dp as tf.Tensor4D, wf, 1, 'valid');
    }
    const j = Math.ceil(k / s);
    const mh = Math.ceil((g.pad[0][0] + g.h) / s);
    const mw = Math.ceil((g.pad[1][0] + g.w) / s);
    // Sub-filters: w padded to s*j, split k = s j + r, j reversed, phases (ry, rx, c) on the output channels.
    const wp = tf.pad(w, [[0, s * j - k], [0, s * j - k], [0, 0], [0, 0]]);
    const w6 = tf.reverse(tf.reshape(wp, [j, s, j, s, c, f]), [0, 2]);
    const phases = tf.reshape(tf.transpose(w6, [0, 2, 5, 1, 3, 4]), [j, j, f, s * s * c]) as tf.Tensor4D;
    const dp = tf.pad(dy, [[0, 0], [j - 1, Math.max(0, mh - g.ho)], [j - 1, Math.max(0, mw - g.wo)], [0, 0]]) as tf.Tensor4D;
    const out = tf.conv2d(dp, phases, 1, 'valid');
    const cut = out.shape[1] === mh && out.shape[2] === mw ? out : tf.slice(out, [0, 0, 0, 0], [g.n, mh, mw, s * s * c]);
    // depthToSpace as a rank-4 transpose: tfjs-backend-wasm's DepthToSpace kernel is ~50x slower.
    const grid = tf.reshape(tf.transpose(tf.reshape(cut, [g.n * mh, mw, s, s * c]), [0, 2, 1, 3]), [g.n, mh * s, mw * s, c]) as tf.Tensor4D;
    return tf.slice(grid, [0, g.pad[0][0], g.pad[1][0], 0], [g.n, g.h, g.w, c]);
  });
}

/** filterGrad as patches(x)^T dy (im2col), for comparison in bench/conv-speed.ts. */
function patchFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, s: number, padding: ConvPadding): tf.Tensor4D {
  const f = dy.shape[3];
  return tf.reshape(matMulTA(patches(x, k, s, padding), tf.reshape(dy, [-1, f]) as tf.Tensor2D), [k, k, x.shape[3], f]);
}

/** a^T b without transpose flags (they leave XNNPACK on wasm). */
function matMulTA(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(tf.transpose(a), b);
}

/** Adjoint of `patches`: each row's k*k*c values added back to the pixels they came from. */
function col2im(cols: tf.Tensor2D, shape: readonly number[], k: number, s: number, padding: ConvPadding): tf.Tensor4D {
  const g = geometry(shape, k, s, padding);
  const hp = g.h + g.pad[0][0] + g.pad[0][1];
  const wp = g.w + g.pad[1][0] + g.pad[1][1];
  const c6 = tf.reshape(cols, [g.n, g.ho, g.wo, g.k, g.k, g.c]);
  let acc: tf.Tensor4D | undefined;
  for (let i = 0; i < g.k; i++) {
    for (let j = 0; j < g.k; j++) {
      let part = tf.reshape(tf.slice(c6, [0, 0, 0, i, j, 0], [g.n, g.ho, g.wo, 1, 1, g.c]), [g.n, g.ho, g.wo, g.c]) as tf.Tensor4D;
      if (g.s > 1) {
        // Spread the output grid over the input's stride: [n, ho, s, wo, s, c], first of each s kept.
        part = tf.reshape(tf.pad(tf.reshape(part, [g.n, g.ho, 1, g.wo, 1, g.c]), [[0, 0], [0, 0], [0, g.s - 1], [0, 0], [0, g.s - 1], [0, 0]]), [g.n, g.ho * g.s, g.wo * g.s, g.c]);
      }
      const rows = Math.min(part.shape[1], hp - i);
      const colsN = Math.min(part.shape[2], wp - j);
      if (rows < part.shape[1] || colsN < part.shape[2]) part = tf.slice(part, [0, 0, 0, 0], [g.n, rows, colsN, g.c]);
      const placed = tf.pad(part, [[0, 0], [i, hp - i - rows], [j, wp - j - colsN], [0, 0]]);
      acc = acc ? (tf.add(acc, placed) as tf.Tensor4D) : placed;
    }
  }
  return tf.slice(acc!, [0, g.pad[0][0], g.pad[1][0], 0], [g.n, g.h, g.w, g.c]);
}

type Conv = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

const convCache = new Map<string, Conv>();

/** Convolution of x [n, h, w, c] with filters w [k, k, c, f]: [n, ho, wo, f]. */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, padding: ConvPadding): tf.Tensor4D {
  if (strategy === 'reference') return tf.conv2d(x, w, stride, padding);
  const key = `${strategy},c,${stride},${padding}`;
  let op = convCache.get(key);
  if (!op) {
    op = strategy === 'im2col' ? im2colConv(stride, padding) : nativeConv(stride, padding, strategy === 'native-patches');
    convCache.set(key, op);
  }
  return op(x, w);
}

// The 'native' convolution is a kernel of its own, 'PplConv2D' (the backend's Conv2D with a
// registered gradient), rather than a tf.customGrad, which computes every input's gradient
// eagerly: a registered gradient's per-input gradients are lazy, so the input gradient of an
// encoder's first layer, whose input is the data, is never computed (see dense.ts).
const CONV_KERNEL = 'PplConv2D';

function registerConvKernel(backendName: string): void {
  if (tf.getKernel(CONV_KERNEL, backendName) == null) {
    const inner = tf.getKernel('Conv2D', backendName);
    if (inner == null) throw new Error(`conv2d: backend '${backendName}' has no Conv2D kernel`);
    tf.registerKernel({
      kernelName: CONV_KERNEL,
      backendName,
      kernelFunc: (params) =>
        inner.kernelFunc({
          inputs: params.inputs,
          backend: params.backend,
          attrs: { strides: params.attrs!['stride'] as number, pad: params.attrs!['padding'] as ConvPadding, dilations: 1, dataFormat: 'NHWC' },
        }),
    });
  }
  if (tf.getGradient(CONV_KERNEL) == null) {
    tf.registerGradient({
      kernelName: CONV_KERNEL,
      inputsToSave: ['x', 'filter'],
      gradFunc: (dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
        const dy = (Array.isArray(dyIn) ? dyIn[0]! : dyIn) as tf.Tensor4D;
        const [x, w] = saved as [tf.Tensor4D, tf.Tensor4D];
        const stride = attrs['stride'] as number;
        const padding = attrs['padding'] as ConvPadding;
        return {
          x: () => convAdjoint(dy, w, x.shape, stride, padding),
          filter: () => filterGrad(x, dy, w.shape[0], stride, padding),
        };
      },
    });
  }
}

function kernelConv(stride: number, padding: ConvPadding): Conv {
  return (x, w) => {
    registerConvKernel(tf.getBackend());
    return tf.engine().runKernel(CONV_KERNEL, { x, filter: w }, { stride, padding }) as tf.Tensor4D;
  };
}

function nativeConv(stride: number, padding: ConvPadding, viaPatches: boolean): Conv {
  if (!viaPatches) return kernelConv(stride, padding);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const w = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    save([x, w]);
    return {
      value: tf.conv2d(x, w, stride, padding),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = (Array.isArray(dy) ? dy[0]! : dy) as tf.Tensor4D;
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = tf.conv2dTranspose(d, ws, xs.shape, stride, padding);
        const dw = patchFilterGrad(xs, d, ws.shape[0], stride, padding);
        return [dx, dw];
      },
    };
  }) as unknown as Conv;
}

function im2colConv(stride: number, padding: ConvPadding): Conv {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const w = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    const [k, , c, f] = w.shape;
    const g = geometry(x.shape, k, stride, padding);
    const p = patches(x, k, stride, padding);
    save([p, w]);
    const y = tf.reshape(tf.matMul(p, tf.reshape(w, [k * k * c, f])), [g.n, g.ho, g.wo, f]) as tf.Tensor4D;
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = tf.reshape((Array.isArray(dy) ? dy[0]! : dy) as tf.Tensor, [-1, f]) as tf.Tensor2D;
        const [ps, ws] = saved as [tf.Tensor2D, tf.Tensor4D];
        const wm = tf.reshape(ws, [k * k * c, f]) as tf.Tensor2D;
        const dx = col2im(tf.matMul(d, tf.transpose(wm)), x.shape, k, stride, padding);
        const dw = tf.reshape(matMulTA(ps, d), ws.shape);
        return [dx, dw];
      },
    };
  }) as unknown as Conv;
}

/**
 * Transposed convolution (the adjoint of conv2d, a learned upsampling) of x [n, h, w, c] with
 * filters w [k, k, f, c]: [n, H, W, f] with H = convTransposeOutputSize(h, ...).
 */
export function convTranspose2d(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, padding: ConvPadding): tf.Tensor4D {
  if (strategy === 'reference') return tf.conv2dTranspose(x, w, transposeOutShape(x, w, stride, padding), stride, padding);
  const key = `${strategy},t,${stride},${padding}`;
  let op = convCache.get(key);
  if (!op) {
    op = strategy === 'im2col' ? im2colConvTranspose(stride, padding) : nativeConvTranspose(stride, padding, strategy === 'native-patches');
    convCache.set(key, op);
  }
  return op(x, w);
}

function transposeOutShape(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, padding: ConvPadding): [number, number, number, number] {
  const [n, h, wd] = x.shape;
  const [k, , f] = w.shape;
  return [n, convTransposeOutputSize(h, k, stride, padding), convTransposeOutputSize(wd, k, stride, padding), f];
}

function nativeConvTranspose(stride: number, padding: ConvPadding, viaPatches: boolean): Conv {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const w = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    save([x, w]);
    return {
      value: viaPatches ? tf.conv2dTranspose(x, w, transposeOutShape(x, w, stride, padding), stride, padding) : convAdjoint(x, w, transposeOutShape(x, w, stride, padding), stride, padding),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = (Array.isArray(dy) ? dy[0]! : dy) as tf.Tensor4D;
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = tf.conv2d(d, ws, stride, padding);
        // <convT(x, w), dy> = <x, conv(dy, w)>: dw is conv2d's filter gradient with the roles of x and dy swapped.
        const dw = (viaPatches ? patchFilterGrad : filterGrad)(d, xs, ws.shape[0], stride, padding);
        return [dx, dw];
      },
    };
  }) as unknown as Conv;
}

function im2colConvTranspose(stride: number, padding: ConvPadding): Conv {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const w = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    const [k, , f, c] = w.shape;
    const outShape = transposeOutShape(x, w, stride, padding);
    save([x, w]);
    const wm = tf.reshape(w, [k * k * f, c]) as tf.Tensor2D;
    const y = col2im(tf.matMul(tf.reshape(x, [-1, c]) as tf.Tensor2D, tf.transpose(wm)), outShape, k, stride, padding);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = (Array.isArray(dy) ? dy[0]! : dy) as tf.Tensor4D;
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const p = patches(d, k, stride, padding);
        const wm2 = tf.reshape(ws, [k * k * f, c]) as tf.Tensor2D;
        const dx = tf.reshape(tf.matMul(p, wm2), xs.shape);
        const dw = tf.reshape(matMulTA(p, tf.reshape(xs, [-1, c]) as tf.Tensor2D), ws.shape);
        return [dx, dw];
      },
    };
  }) as unknown as Conv;
}
