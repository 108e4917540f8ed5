import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { relativeError } from './helpers.js';
import { ACTIVATIONS as DENSE_ACTIVATIONS, dense, denseForProgram, denseFused, denseNaive, denseStrategyFor, denseWith, programDenseStrategy, type Activation } from '../runtime/dense.js';

type DenseFn = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, a: Activation) => tf.Tensor2D;

const ACTIVATIONS = Object.keys(DENSE_ACTIVATIONS) as Activation[];
// [batch, in, out]; on wasm the first takes the dz transpose(w) route for dL/dx, the others
// the transpose(w transpose(dz)) route; the second has batch size 1.
const SHAPES: [number, number, number][] = [
  [5, 7, 3],
  [1, 33, 20],
  [16, 33, 20],
  // large weights against the batch: denseForProgram takes the weights-left route on wasm
  [3, 60, 50],
];

let seed = 1;
function randn(shape: number[], scale = 1): tf.Tensor {
  return tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed++), scale);
}

/** max |a - ref| <= tol * max |ref| (floored at 1), i.e. relative to the tensor's scale. */
function expectClose(a: tf.Tensor, ref: tf.Tensor, tol = 1e-4): void {
  expect(relativeError(a, ref)).toBeLessThanOrEqual(tol);
}

/** Value and gradients w.r.t. x, w, b of sum(r * f(x, w, b)). */
function valueAndGrads(f: DenseFn, x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, r: tf.Tensor, act: Activation) {
  const y = f(x, w, b, act);
  const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(tf.mul(r, f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, act))),
  )([x, w, b]);
  return { y, grads };
}

function compareTo(f: DenseFn): void {
  for (const act of ACTIVATIONS) {
    for (const [n, k, m] of SHAPES) {
      tf.tidy(() => {
        const x = randn([n, k]) as tf.Tensor2D;
        const w = randn([k, m], 1 / Math.sqrt(k)) as tf.Tensor2D;
        const b = randn([m], 0.5) as tf.Tensor1D;
        const r = randn([n, m]);
        const got = valueAndGrads(f, x, w, b, r, act);
        const ref = valueAndGrads(denseNaive, x, w, b, r, act);
        expectClose(got.y, ref.y);
        for (let i = 0; i < 3; i++) expectClose(got.grads[i]!, ref.grads[i]!);
      });
    }
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`dense on ${backend}`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
    });

    it('uses the custom kernel', () => {
      expect(denseStrategyFor(tf.getBackend())).toBe('kernel');
    });

    it('value and gradients equal the naive formulation, every activation', () => {
      compareTo(dense);
    });

    it('the weights-left formulation (compiled nets, large weights on wasm) equals the naive one, and denseForProgram picks it only there', () => {
      compareTo((x, w, b, a) => denseWith('kernel-weights-left', x, w, b, a));
      compareTo(denseForProgram);
      const vae = (n: number) => programDenseStrategy(backend, n, 784, 400);
      expect([vae(100), vae(128), vae(256), vae(1024), programDenseStrategy(backend, 100, 400, 40)]).toEqual(
        backend === 'wasm' ? ['kernel-weights-left', 'kernel-weights-left', 'kernel-weights-left', 'kernel', 'kernel'] : ['kernel', 'kernel', 'kernel', 'kernel', 'kernel'],
      );
    });

    it('tfjs-node formulation (fused matmul) equals the naive one', () => {
      compareTo(denseFused);
    });

    it('gradients w.r.t. variables only (x is data) match, inside variableGrads', () => {
      tf.tidy(() => {
        const x = randn([8, 12]) as tf.Tensor2D;
        const w = tf.variable(randn([12, 6], 0.3)) as tf.Variable<tf.Rank.R2>;
        const b = tf.variable(randn([6], 0.3)) as tf.Variable<tf.Rank.R1>;
        const r = randn([8, 6]);
        for (const act of ACTIVATIONS) {
          const loss = (f: DenseFn) => () => tf.sum(tf.mul(r, f(x, w, b, act))) as tf.Scalar;
          const got = tf.variableGrads(loss(dense), [w, b]);
          const ref = tf.variableGrads(loss(denseNaive), [w, b]);
          expectClose(got.value, ref.value);
          expectClose(got.grads[w.name]!, ref.grads[w.name]!);
          expectClose(got.grads[b.name]!, ref.grads[b.name]!);
        }
        w.dispose();
        b.dispose();
      });
    });

    it('accepts a bias that is a reshape or a slice', () => {
      tf.tidy(() => {
        const x = randn([4, 6]) as tf.Tensor2D;
        const w = randn([6, 5]) as tf.Tensor2D;
        const b2 = randn([2, 5]);
        for (const b of [tf.reshape(tf.slice(b2, [0, 0], [1, 5]), [5]), tf.reshape(tf.slice(b2, [1, 0], [1, 5]), [5])]) {
          for (const act of ['relu', 'tanh'] as const) {
            expectClose(dense(x, w, b as tf.Tensor1D, act), denseNaive(x, w, b as tf.Tensor1D, act));
          }
        }
      });
    });

    it('leaks no tensors over 50 optimizer steps', () => {
      const w1 = tf.variable(randn([10, 8], 0.3));
      const b1 = tf.variable(randn([8], 0.3));
      const w2 = tf.variable(randn([8, 4], 0.3));
      const b2 = tf.variable(randn([4], 0.3));
      const x = randn([6, 10]) as tf.Tensor2D;
      const opt = tf.train.adam(1e-2);
      const step = (): void => {
        const cost = opt.minimize(
          () => {
            const h = dense(x, w1 as tf.Tensor as tf.Tensor2D, b1 as tf.Tensor as tf.Tensor1D, 'relu');
            const o = dense(h, w2 as tf.Tensor as tf.Tensor2D, b2 as tf.Tensor as tf.Tensor1D, 'softplus');
            return tf.mean(o) as tf.Scalar;
          },
          true,
        );
        cost?.dispose();
      };
      for (let i = 0; i < 3; i++) step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 50; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
      tf.dispose([w1, b1, w2, b2, x]);
    });
  });
}

afterAll(async () => {
  await tf.setBackend('cpu');
});
