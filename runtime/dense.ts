// A dense layer y = act(x W + b), the hot spot of every amortized model.
//
// Three formulations; `dense` picks one per backend (measured with bench/speed.ts, VAE step):
//  - 'kernel' (wasm, cpu): a custom tfjs kernel 'PplDense'. Forward: the backend's own fused
//    matmul + bias (+ relu) kernel, one call. Backward: a registered gradient (not tf.customGrad,
//    which computes every input's gradient eagerly) whose per-input gradients are lazy, so
//    dL/dx is never computed when x needs none (the data entering an encoder). The relu mask
//    comes from the output (y > 0 iff x W + b > 0), so no pre-activation tensor is kept.
//    On wasm the gradient matmuls use no transpose flags: with them tfjs-backend-wasm leaves
//    XNNPACK for a naive loop, ~10x slower, making the whole VAE step 4-5x slower. On cpu the
//    flags are kept (explicit transposes only add copies there) and the bias gradient is a
//    ones-row matmul, since cpu sums over axis 0 by transposing first (~10x slower).
//  - 'fused' (tensorflow, i.e. tfjs-node): tf.fused.matMul and tfjs' own gradients; native.
//  - 'naive': matMul + add + activation with tfjs autodiff; the reference the tests compare to.
// `denseForProgram` (the compiled nets) adds one formulation on wasm, 'kernel-weights-left',
// for layers whose weight matrix is large against the batch: XNNPACK packs the right operand
// of every matmul afresh when its buffer is new, as the weights are after every optimizer
// step, and for a 784x400 matrix at batch 100 that packing is ~0.3 ms of a ~2 ms matmul. With
// the weights as the left operand, y^T = W^T x^T, only the small x^T is packed; W^T costs one
// transpose, y one more, and the bias and activation follow the matmul instead of being fused
// (so values may differ from 'kernel' in the last bit). Same gradient as 'kernel'.
import { tf } from './tf.js';
import { fusedOps } from './fusion.js';
import { UNARY_KERNEL, preActivationAndBiasGrad, preActivationGrad, wasmInputGrad } from './dense-grad.js';
import { MAX_SPARSE_DENSITY, sparseInputDense } from './sparse-dense.js';
import { transpose2d, transposeOnHeap } from './fast-transpose.js';

import type { Activation } from './activations.js';

export { ACTIVATIONS, isActivation, type Activation } from './activations.js';

export type DenseStrategy = 'kernel' | 'kernel-weights-left' | 'fused' | 'naive';

/** The formulation `dense` uses on a tfjs backend (tfjs' name: 'wasm', 'cpu', 'tensorflow'). */
export function denseStrategyFor(backendName: string): DenseStrategy {
  return KERNEL_BACKENDS.includes(backendName) ? 'kernel' : 'fused';
}

/** act(x w + b) for x [n, in], w [in, out], b [out]; differentiable w.r.t. all three. */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return denseWith(denseStrategyFor(tf.getBackend()), x, w, b, activation);
}

/**
 * `dense` as the compiler emits it: on wasm, with the weights as the left operand where packing
 * them would cost more than packing and transposing the batch (in * out > n * (in + out)). Where
 * x is mostly zeros (binary pixels, often a relu layer's output) it takes the sparse
 * formulation instead (runtime/sparse-dense.ts); `maxSparseDensity` 0 never takes it.
 */
export function denseForProgram(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation, maxSparseDensity = MAX_SPARSE_DENSITY): tf.Tensor2D {
  if (!fusedOps()) return denseNaive(x, w, b, activation);
  const sparse = maxSparseDensity > 0 ? sparseInputDense(x, w, b, activation, maxSparseDensity) : undefined;
  if (sparse) return sparse;
  const strategy = programDenseStrategy(tf.getBackend(), x.shape[0], w.shape[0], w.shape[1]);
  if (strategy === 'kernel' || strategy === 'kernel-weights-left') return denseKernel(x, w, b, activation, strategy === 'kernel-weights-left', true);
  return denseWith(strategy, x, w, b, activation);
}

/** The formulation denseForProgram uses for an [n, k] x [k, m] layer on a backend. */
export function programDenseStrategy(backendName: string, n: number, k: number, m: number): DenseStrategy {
  return backendName === 'wasm' && k * m > n * (k + m) ? 'kernel-weights-left' : denseStrategyFor(backendName);
}

/** `dense` with an explicit formulation (benchmarks and tests). */
export function denseWith(
  strategy: DenseStrategy,
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: Activation,
): tf.Tensor2D {
  switch (strategy) {
    case 'kernel':
      return denseKernel(x, w, b, activation);
    case 'kernel-weights-left':
      return denseKernel(x, w, b, activation, true);
    case 'fused':
      return denseFused(x, w, b, activation);
    case 'naive':
      return denseNaive(x, w, b, activation);
  }
}

function activate(y: tf.Tensor2D, activation: Activation): tf.Tensor2D {
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

/** Plain ops, tfjs autodiff. */
export function denseNaive(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return activate(tf.add(tf.matMul(x, w), b), activation);
}

/** tf.fused.matMul (bias, and relu fused; other activations applied after), tfjs' gradients. */
export function denseFused(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  const fusable = activation === 'relu' || activation === 'linear';
  const y = tf.fused.matMul({ a: x, b: w, bias: b, activation: fusable ? activation : 'linear' }) as tf.Tensor2D;
  return fusable ? y : activate(y, activation);
}

// ---------------------------------------------------------------------------------------------
// The 'PplDense' kernel.

const KERNEL_NAME = 'PplDense';
const KERNEL_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/**
 * Custom kernel formulation (wasm and cpu only; elsewhere falls back to 'fused'). `simdTranspose`
 * (the compiled nets) moves data with runtime/fast-transpose.ts instead of tfjs' Transpose.
 */
export function denseKernel(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation, weightsLeft = false, simdTranspose = false): tf.Tensor2D {
  const backendName = tf.getBackend();
  if (!KERNEL_BACKENDS.includes(backendName)) return denseFused(x, w, b, activation);
  if (x.rank !== 2 || w.rank !== 2 || b.rank !== 1 || x.shape[1] !== w.shape[0] || b.shape[0] !== w.shape[1]) {
    throw new Error(`dense: shapes x [${x.shape}], w [${w.shape}], b [${b.shape}] do not fit x w + b`);
  }
  if (x.dtype !== 'float32' || w.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error('dense: float32 tensors only');
  }
  registerOnce(backendName);
  const attrs: tf.NamedAttrMap = { activation, weightsLeft: weightsLeft && backendName === 'wasm', simdTranspose: simdTranspose && backendName === 'wasm' };
  return tf.engine().runKernel(KERNEL_NAME, { x, w, b }, attrs) as tf.Tensor2D;
}

function registerOnce(backendName: string): void {
  if (tf.getKernel(KERNEL_NAME, backendName) == null) {
    tf.registerKernel({ kernelName: KERNEL_NAME, backendName, kernelFunc: denseKernelFunc });
  }
  if (tf.getGradient(KERNEL_NAME) == null) {
    tf.registerGradient({
      kernelName: KERNEL_NAME,
      inputsToSave: ['x', 'w'],
      outputsToSave: [true],
      gradFunc: denseGrad,
    });
  }
}

function backendKernel(name: string, backendName: string): tf.KernelFunc {
  const k = tf.getKernel(name, backendName);
  if (k == null) throw new Error(`dense: backend '${backendName}' has no ${name} kernel`);
  return k.kernelFunc;
}

function denseKernelFunc(params: { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs, attrs } = params;
  const backend = params.backend as tf.KernelBackend;
  const x = inputs['x']!;
  const w = inputs['w']!;
  const b = inputs['b']!;
  const activation = attrs?.['activation'] as Activation;
  const backendName = tf.getBackend();
  const [n, k] = x.shape as [number, number];
  const m = w.shape[1]!;
  const fusable = activation === 'relu' || activation === 'linear';
  if (attrs?.['weightsLeft'] === true) return weightsLeftForward(backend, x, w, b, activation);
  // tfjs-backend-wasm checks the bias's rank as stored when its data was created, so a bias
  // that is a reshape (e.g. of a [1, out] slice) fails there, in tf.fused.matMul too; copy it.
  const biasCopy =
    backendName === 'wasm' && storedRank(backend, b) !== 1
      ? (backendKernel('Identity', backendName)({ inputs: { x: b }, backend }) as tf.TensorInfo)
      : undefined;
  // The backends' fused matmul kernels take rank-3 operands; a reshape is only a new shape on
  // the same data, exactly what the backends' own Reshape kernels return.
  const z = backendKernel('_FusedMatMul', backendName)({
    inputs: {
      a: { dataId: x.dataId, shape: [1, n, k], dtype: x.dtype },
      b: { dataId: w.dataId, shape: [1, k, m], dtype: w.dtype },
      bias: biasCopy ?? b,
    },
    backend,
    attrs: { transposeA: false, transposeB: false, activation: fusable ? activation : 'linear', leakyreluAlpha: 0 },
  }) as tf.TensorInfo;
  if (biasCopy) backend.disposeData(biasCopy.dataId);
  const z2: tf.TensorInfo = { dataId: z.dataId, shape: [n, m], dtype: z.dtype };
  if (fusable) return z2;
  const y = backendKernel(UNARY_KERNEL[activation], backendName)({ inputs: { x: z2 }, backend, attrs: {} }) as tf.TensorInfo;
  backend.disposeData(z.dataId);
  return y;
}

/** act((W^T x^T)^T + b) on wasm: the weights are XNNPACK's unpacked left operand. */
function weightsLeftForward(backend: tf.KernelBackend, x: tf.TensorInfo, w: tf.TensorInfo, b: tf.TensorInfo, activation: Activation): tf.TensorInfo {
  const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo =>
    backendKernel(name, 'wasm')({ inputs, backend, attrs }) as tf.TensorInfo;
  const [n, k] = x.shape as [number, number];
  const m = w.shape[1]!;
  const transpose = (t: tf.TensorInfo): tf.TensorInfo => transposeOnHeap(backend, t) ?? run('Transpose', { x: t }, { perm: [1, 0] });
  const wT = transpose(w);
  const xT = transpose(x);
  const zT = run('BatchMatMul', { a: wT, b: xT }, { transposeA: false, transposeB: false });
  const z = transpose({ dataId: zT.dataId, shape: [m, n], dtype: zT.dtype });
  const pre = run('Add', { a: z, b });
  const y = activation === 'linear' ? pre : run(activation === 'relu' ? 'Relu' : UNARY_KERNEL[activation], { x: pre });
  for (const t of [wT, xT, zT, z, ...(y === pre ? [] : [pre])]) backend.disposeData(t.dataId);
  void k;
  return { dataId: y.dataId, shape: [n, m], dtype: y.dtype };
}

/** The rank tfjs-backend-wasm recorded for a tensor's data (undefined elsewhere). */
function storedRank(backend: tf.KernelBackend, t: tf.TensorInfo): number | undefined {
  const map = (backend as unknown as { dataIdMap?: { get(id: tf.DataId): { shape?: number[] } | undefined } }).dataIdMap;
  return map?.get(t.dataId)?.shape?.length;
}

function denseGrad(dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap): Record<string, () => tf.Tensor> {
  const dy = (Array.isArray(dyIn) ? dyIn[0]! : dyIn) as tf.Tensor2D;
  const [x, w, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const activation = attrs['activation'] as Activation;
  if (attrs['simdTranspose'] === true) {
    // The compiled layers (wasm): the relu mask and the bias gradient in one pass, SIMD transposes.
    const { dz, db } = preActivationAndBiasGrad(dy, y, activation);
    return { x: () => wasmInputGrad(dz, w, transpose2d), w: () => tf.matMul(transpose2d(x), dz), b: () => db };
  }
  // Needed by every input's gradient; the engine's backward tidy disposes it.
  const dz = preActivationGrad(dy, y, activation);
  const onWasm = tf.getBackend() === 'wasm';
  return {
    x: () => (onWasm ? wasmInputGrad(dz, w) : tf.matMul(dz, w, false, true)),
    w: () => (onWasm ? tf.matMul(tf.transpose(x), dz) : tf.matMul(x, dz, true, false)),
    // cpu reduces over axis 0 by transposing first: a [1, n] x [n, out] matmul is ~10x faster.
    b: () => (onWasm ? tf.sum(dz, 0) : tf.reshape(tf.matMul(tf.ones([1, dz.shape[0]]), dz), [dz.shape[1]])),
  };
}
