// When a dense layer should skip x's zeros (runtime/sparse-dense.ts): one layer's forward
// and backward pass (w and b gradients, as for data), the sparse formulation against the dense
// one the compiled nets use otherwise, side by side, interleaved, median over rounds, at several
// shares of non-zeros. MAX_SPARSE_DENSITY is set below the crossover.
//
//   npm run build && node dist/bench/sparse-dense.js [--batch 100] [--in 784] [--out 400] [--rounds 5]
import { pathToFileURL } from 'node:url';
import { tf } from '../runtime/tf.js';
import { initBackend } from '../runtime/backend.js';
import { denseForProgram } from '../runtime/dense.js';
import { MAX_SPARSE_DENSITY, sparseInputDense } from '../runtime/sparse-dense.js';
import { Rng } from '../runtime/random.js';
import { median } from './speed.js';

type Layer = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

function stepMs(layer: Layer, x: tf.Tensor2D, w: tf.Variable, b: tf.Variable): number {
  const t0 = performance.now();
  const { value, grads } = tf.variableGrads(() => tf.sum(layer(x, w as tf.Tensor as tf.Tensor2D, b as tf.Tensor as tf.Tensor1D)) as tf.Scalar, [w, b]);
  value.dataSync();
  const ms = performance.now() - t0;
  tf.dispose([value, ...Object.values(grads)]);
  return ms;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (flag: string, dflt: number): number => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : dflt;
  };
  const [n, k, m, rounds] = [opt('--batch', 100), opt('--in', 784), opt('--out', 400), opt('--rounds', 5)];
  await initBackend('wasm');
  const rng = new Rng('sparse-dense-bench');
  const w = tf.variable(tf.randomNormal([k, m], 0, 1 / Math.sqrt(k), 'float32', 1));
  const b = tf.variable(tf.zeros([m]));
  const sparse: Layer = (x, ww, bb) => sparseInputDense(x, ww, bb, 'relu', 1)!;
  const dense: Layer = (x, ww, bb) => denseForProgram(x, ww, bb, 'relu', 0);
  console.log(`wasm, relu layer [${n}, ${k}] x [${k}, ${m}], forward and backward; MAX_SPARSE_DENSITY = ${MAX_SPARSE_DENSITY}`);
  console.log('non-zeros  dense ms  sparse ms  sparse/dense');
  for (const density of [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7]) {
    const v = new Float32Array(n * k).map(() => (rng.uniform() < density ? 1 : 0));
    const x = tf.tensor2d(v, [n, k]);
    for (let i = 0; i < 3; i++) [stepMs(sparse, x, w, b), stepMs(dense, x, w, b)];
    const ratios: number[] = [];
    const ds: number[] = [];
    const ss: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const d: number[] = [];
      const s: number[] = [];
      for (let i = 0; i < 10; i++) {
        s.push(stepMs(sparse, x, w, b));
        d.push(stepMs(dense, x, w, b));
      }
      ds.push(median(d));
      ss.push(median(s));
      ratios.push(median(s) / median(d));
    }
    console.log(`${density.toFixed(2).padStart(9)}  ${median(ds).toFixed(2).padStart(8)}  ${median(ss).toFixed(2).padStart(9)}  ${median(ratios).toFixed(2).padStart(12)}`);
    x.dispose();
  }
  tf.dispose([w, b]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
