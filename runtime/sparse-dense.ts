// A dense layer act(x w + b) whose input x is mostly zeros, as in an encoder reading binary
// pixels (MNIST's are about 80% zeros) or a layer after a sparse relu: x w is the sum of the
// rows of w that x's non-zeros select, and the weight gradient x^T dz the sum of the rows of
// dz, each scaled by x's value.
// On the wasm backend both run as one WebAssembly SIMD pass (runtime/wasm-gather.ts) over a
// compressed copy of x, so the zeros cost nothing, the weights are read where they lie (no
// packed or transposed copy per step) and relu is applied on the way out. The input gradient,
// when x needs one, is the dense dz w^T.
//
// Exact up to the order of float32 additions (zero terms are skipped, not added): the tests
// compare values and gradients with the plain formulation.
import { tf } from './tf.js';
import { heapAddress, onHeapOf, type HeapBackend } from './wasm-heap.js';
import { wasmGatherOn, type WasmGather } from './wasm-gather.js';
import { wasmCompressOn, type WasmCompress } from './wasm-compress.js';
import type { Activation } from './activations.js';
import { UNARY_KERNEL, preActivationAndBiasGrad, wasmInputGrad } from './dense-grad.js';
import { transpose2d, transposeOnHeap } from './fast-transpose.js';

const FORWARD = 'PplSparseDense';
const WEIGHT_GRAD = 'PplSparseTransposeProduct';

/**
 * Above this share of non-zeros the dense matmul is used: bench/sparse-dense.ts puts the
 * crossover near 0.45 at batch 1024 and near 0.6 at batch 32 and 100 (784 x 400, relu).
 */
export const MAX_SPARSE_DENSITY = 0.4;

interface SparseKernels {
  gather: { unit: WasmGather; scaled: WasmGather };
  compress: WasmCompress;
}

const kernelsOf = onHeapOf((memory): SparseKernels | null => {
  const gather = wasmGatherOn(memory);
  const compress = wasmCompressOn(memory);
  return gather && compress ? { gather, compress } : null;
});

/**
 * act(x w + b) through the sparse formulation, or undefined where it does not apply: not the
 * wasm backend, no WebAssembly SIMD, an output width that is not a multiple of 4, or an x
 * denser than `maxDensity`.
 */
export function sparseInputDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation, maxDensity = MAX_SPARSE_DENSITY): tf.Tensor2D | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const m = w.shape[1];
  if (m % 4 !== 0 || x.dtype !== 'float32' || w.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const backend = tf.backend() as unknown as HeapBackend;
  const kernels = kernelsOf(backend);
  if (kernels === null || x.size === 0 || nonZeros(backend, kernels, x) > maxDensity * x.size) return undefined;
  registerOnce();
  return tf.engine().runKernel(FORWARD, { x, w, b }, { activation }) as tf.Tensor2D;
}

function registerOnce(): void {
  if (tf.getKernel(FORWARD, 'wasm') == null) {
    tf.registerKernel({ kernelName: FORWARD, backendName: 'wasm', kernelFunc: forwardKernel });
    tf.registerKernel({ kernelName: WEIGHT_GRAD, backendName: 'wasm', kernelFunc: weightGradKernel });
  }
  if (tf.getGradient(FORWARD) == null) {
    tf.registerGradient({ kernelName: FORWARD, inputsToSave: ['x', 'w'], outputsToSave: [true], gradFunc: forwardGrad });
  }
}

type KernelParams = { inputs: tf.NamedTensorInfoMap; backend: {}; attrs?: tf.NamedAttrMap };

/** Non-zero values of a float32 tensor on the heap. */
function nonZeros(backend: HeapBackend, kernels: SparseKernels, t: tf.TensorInfo): number {
  const size = t.shape.reduce((a, b) => a * b, 1);
  const simd = size - (size % 4);
  let count = kernels.compress.nonZeros(heapAddress(backend, t), 4 * simd);
  if (simd < size) {
    const tail = (backend.typedArrayFromHeap(t) as Float32Array).subarray(simd);
    for (const v of tail) if (v !== 0) count++;
  }
  return count;
}

/**
 * out [rows, width] = x [rows, cols] src [cols, width] (+ bias, relu) with x's zeros skipped:
 * x compressed by rows on the heap, then the sums of the rows of src it selects.
 */
function sparseProduct(backend: HeapBackend, kernels: SparseKernels, x: tf.TensorInfo, src: tf.TensorInfo, bias: tf.TensorInfo | undefined, relu: boolean): tf.TensorInfo {
  const [rows, cols] = x.shape as [number, number];
  const width = src.shape[1]!;
  const out = backend.makeOutput([rows, width], 'float32');
  const entries = rows * cols + 1;
  const start = backend.makeOutput([rows + 1], 'int32');
  const index = backend.makeOutput([entries], 'int32');
  const value = backend.makeOutput([entries], 'float32');
  const at = (t: tf.TensorInfo): number => heapAddress(backend, t);
  const rowBytes = 4 * width;
  const packed = kernels.compress.compressRows(at(x), rows, cols, rowBytes, at(start), at(index), at(value));
  const gather = (packed & 1) === 1 ? kernels.gather.scaled : kernels.gather.unit;
  gather(at(out), rows, at(start), at(index), at(value), at(src), rowBytes, bias ? at(bias) : 0, relu ? 1 : 0);
  for (const t of [start, index, value]) backend.disposeData(t.dataId);
  return out;
}

function forwardKernel(params: KernelParams): tf.TensorInfo {
  const backend = params.backend as unknown as HeapBackend;
  const { x, w, b } = params.inputs as { x: tf.TensorInfo; w: tf.TensorInfo; b: tf.TensorInfo };
  const activation = params.attrs?.['activation'] as Activation;
  const out = sparseProduct(backend, kernelsOf(backend)!, x, w, b, activation === 'relu');
  if (activation === 'relu' || activation === 'linear') return out;
  const unary = UNARY_KERNEL[activation];
  const y = tf.getKernel(unary, 'wasm')!.kernelFunc({ inputs: { x: out }, backend: params.backend, attrs: {} }) as tf.TensorInfo;
  backend.disposeData(out.dataId);
  return y;
}

/** x^T dz for x [n, k] and dz [n, m]: [k, m], the sparse product of x^T (x transposed on the heap). */
function weightGradKernel(params: KernelParams): tf.TensorInfo {
  const backend = params.backend as unknown as HeapBackend;
  const { x, dz } = params.inputs as { x: tf.TensorInfo; dz: tf.TensorInfo };
  const kernelBackend = params.backend as tf.KernelBackend;
  const xT =
    transposeOnHeap(kernelBackend, x) ??
    (tf.getKernel('Transpose', 'wasm')!.kernelFunc({ inputs: { x }, backend: params.backend, attrs: { perm: [1, 0] } }) as tf.TensorInfo);
  const out = sparseProduct(backend, kernelsOf(backend)!, xT, dz, undefined, false);
  backend.disposeData(xT.dataId);
  return out;
}

function forwardGrad(dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap): Record<string, () => tf.Tensor> {
  const dy = (Array.isArray(dyIn) ? dyIn[0]! : dyIn) as tf.Tensor2D;
  const [x, w, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const { dz, db } = preActivationAndBiasGrad(dy, y, attrs['activation'] as Activation);
  return {
    x: () => wasmInputGrad(dz, w, transpose2d),
    w: () => tf.engine().runKernel(WEIGHT_GRAD, { x, dz }) as tf.Tensor,
    b: () => db,
  };
}
