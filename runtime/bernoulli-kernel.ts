// The Bernoulli log-density in logits as one kernel on the wasm backend (runtime/wasm-bernoulli.ts),
// with its gradient (x - sigmoid(l)) dy as a second: the compiled step's fused formulation of
// bernoulliLogProb (runtime/distributions/bernoulli.ts), which takes seven tfjs kernels and
// their intermediate tensors. Same formula, same floor; values and gradients agree to float32
// rounding (exp and log1p are polynomials here, library calls in tfjs).
import { tf, type Tensor } from './tf.js';
import { heapAddress, onHeapOf, type HeapBackend } from './wasm-heap.js';
import { wasmBernoulliOn } from './wasm-bernoulli.js';

const LOG_PROB = 'PplBernoulliLogProb';
const GRAD = 'PplBernoulliLogProbGrad';

const kernelsOf = onHeapOf(wasmBernoulliOn);

/**
 * log p(x | logits) elementwise, as bernoulliLogProb computes it, in one wasm kernel; undefined
 * where it does not apply (another backend, no WebAssembly SIMD, shapes that broadcast to more
 * elements than either has, or a size that is not a multiple of 4).
 */
export function bernoulliLogProbKernel(logits: Tensor, x: Tensor): Tensor | undefined {
  if (tf.getBackend() !== 'wasm' || logits.dtype !== 'float32' || x.dtype !== 'float32') return undefined;
  if (logits.size !== x.size || logits.size % 4 !== 0 || logits.size === 0) return undefined;
  let outShape: number[];
  try {
    outShape = tf.backend_util.assertAndGetBroadcastShape(logits.shape, x.shape);
  } catch {
    return undefined; // the plain path reports shapes that do not broadcast
  }
  if (outShape.reduce((a, b) => a * b, 1) !== logits.size || kernelsOf(tf.backend()) === null) return undefined;
  registerOnce();
  return tf.engine().runKernel(LOG_PROB, { l: logits, x }, { outShape }) as Tensor;
}

function registerOnce(): void {
  if (tf.getKernel(LOG_PROB, 'wasm') != null) return;
  tf.registerKernel({
    kernelName: LOG_PROB,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as HeapBackend;
      const { l, x } = inputs as { l: tf.TensorInfo; x: tf.TensorInfo };
      const out = heap.makeOutput(attrs!['outShape'] as number[], 'float32');
      const at = (t: tf.TensorInfo): number => heapAddress(heap, t);
      const size = l.shape.reduce((a, b) => a * b, 1);
      kernelsOf(backend)!.logProb(at(l), at(x), at(out), 4 * size);
      return out;
    },
  });
  tf.registerKernel({
    kernelName: GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const heap = backend as unknown as HeapBackend;
      const { l, x, dy } = inputs as { l: tf.TensorInfo; x: tf.TensorInfo; dy: tf.TensorInfo };
      const out = heap.makeOutput([...l.shape], 'float32');
      const at = (t: tf.TensorInfo): number => heapAddress(heap, t);
      const size = l.shape.reduce((a, b) => a * b, 1);
      kernelsOf(backend)!.grad(at(l), at(x), at(dy), at(out), 4 * size);
      return out;
    },
  });
  tf.registerGradient({
    kernelName: LOG_PROB,
    inputsToSave: ['l', 'x'],
    gradFunc: (dy, saved) => {
      const [l, x] = saved as [Tensor, Tensor];
      return {
        l: () => tf.engine().runKernel(GRAD, { l, x, dy: dy as Tensor }) as Tensor,
        // x is data or a discrete draw: no gradient flows to it
        x: () => tf.zerosLike(x),
      };
    },
  });
}
