// Matrix transposes for the compiled step's dense layers on the wasm backend: a WebAssembly SIMD
// kernel in 4 x 4 blocks (runtime/wasm-transpose.ts) where both dimensions are multiples of 4,
// tfjs' Transpose elsewhere. The hand-written reference step (bench/vae-baseline.ts) keeps
// tfjs' kernel, so that the reference stays what it was.
import { tf } from './tf.js';
import { heapAddress, onHeapOf, type HeapBackend } from './wasm-heap.js';
import { wasmTransposeOn } from './wasm-transpose.js';

const KERNEL_NAME = 'PplTranspose2D';

const simdTranspose = onHeapOf(wasmTransposeOn);

function fits(t: tf.TensorInfo): boolean {
  return t.shape.length === 2 && t.dtype === 'float32' && t.shape[0]! % 4 === 0 && t.shape[1]! % 4 === 0;
}

/**
 * The transpose of a 2-D float32 tensor's data on the wasm heap, as a new TensorInfo the caller
 * owns; undefined where the SIMD kernel does not apply (use the backend's Transpose then).
 */
export function transposeOnHeap(backend: tf.KernelBackend, t: tf.TensorInfo): tf.TensorInfo | undefined {
  if (!fits(t)) return undefined;
  const fn = simdTranspose(backend);
  if (fn === null) return undefined;
  const heap = backend as unknown as HeapBackend;
  const [rows, cols] = t.shape as [number, number];
  const out = heap.makeOutput([cols, rows], 'float32');
  fn(heapAddress(heap, t), heapAddress(heap, out), rows, cols);
  return out;
}

/** t^T for a 2-D tensor, differentiable (its gradient is the transpose of dy). */
export function transpose2d(t: tf.Tensor2D): tf.Tensor2D {
  if (tf.getBackend() !== 'wasm' || !fits(t) || simdTranspose(tf.backend()) === null) return tf.transpose(t);
  if (tf.getKernel(KERNEL_NAME, 'wasm') == null) {
    tf.registerKernel({
      kernelName: KERNEL_NAME,
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) => transposeOnHeap(backend as tf.KernelBackend, inputs['x']!)!,
    });
  }
  if (tf.getGradient(KERNEL_NAME) == null) {
    tf.registerGradient({ kernelName: KERNEL_NAME, gradFunc: (dy) => ({ x: () => transpose2d(dy as tf.Tensor2D) }) });
  }
  return tf.engine().runKernel(KERNEL_NAME, { x: t }) as tf.Tensor2D;
}
