// The compiled nets' wasm formulations against the plain ones: a dense layer over mostly
// zero x (runtime/sparse-dense.ts), and the SIMD 2-D transpose (runtime/fast-transpose.ts) that
// the weights-left layers use. Tolerance: relative error below 1e-5 (max |got - plain| /
// max |plain|, floored at 1), float32; the transpose is exact.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { relativeError } from './helpers.js';
import { denseForProgram, denseNaive, ACTIVATIONS, type Activation } from '../runtime/dense.js';
import { MAX_SPARSE_DENSITY, sparseInputDense } from '../runtime/sparse-dense.js';
import { transpose2d } from '../runtime/fast-transpose.js';
import { Rng } from '../runtime/random.js';

const activations = Object.keys(ACTIVATIONS) as Activation[];

/** x [n, k] with about `density` non-zeros: ones (binary pixels) or values in (-2, 2); zeros of either sign. */
function sparseX(n: number, k: number, density: number, unit: boolean, rng: Rng): tf.Tensor2D {
  const v = new Float32Array(n * k);
  for (let i = 0; i < v.length; i++) {
    if (rng.uniform() < density) v[i] = unit ? 1 : 4 * rng.uniform() - 2;
    else v[i] = rng.uniform() < 0.5 ? 0 : -0;
  }
  return tf.tensor2d(v, [n, k]);
}

/** The layer's output and the gradients w.r.t. x, w, b of sum(r * output). */
function valueAndGrads(f: typeof denseNaive, x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, r: tf.Tensor, act: Activation) {
  const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(r, f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, act))))([x, w, b]);
  return { value: f(x, w, b, act), grads };
}

describe('a dense layer over mostly zero x on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  // [batch, in, out]: out 8 is one block of single vectors, 36 an eight-vector block and a
  // single vector, 400 the VAE encoder's first layer
  const SHAPES: [number, number, number][] = [
    [5, 12, 8],
    [16, 40, 36],
    [100, 784, 400],
  ];

  for (const unit of [true, false]) {
    it(`gives the plain layer's value and gradients (x, w, b), every activation, ${unit ? 'binary x' : 'real-valued x'}`, () => {
      const rng = new Rng(`sparse-dense/${unit}`);
      for (const [n, k, m] of SHAPES) {
        for (const act of activations) {
          tf.tidy(() => {
            const x = sparseX(n, k, 0.2, unit, rng);
            const w = tf.randomNormal([k, m], 0, 1 / Math.sqrt(k), 'float32', 1) as tf.Tensor2D;
            const b = tf.randomNormal([m], 0, 0.5, 'float32', 2) as tf.Tensor1D;
            const r = tf.randomNormal([n, m], 0, 1, 'float32', 3);
            const sparse = (xx: tf.Tensor2D, ww: tf.Tensor2D, bb: tf.Tensor1D, a: Activation) => {
              const y = sparseInputDense(xx, ww, bb, a);
              expect(y).toBeDefined();
              return y!;
            };
            const got = valueAndGrads(sparse, x, w, b, r, act);
            const ref = valueAndGrads(denseNaive, x, w, b, r, act);
            expect(relativeError(got.value, ref.value)).toBeLessThan(1e-5);
            got.grads.forEach((g, i) => expect(relativeError(g, ref.grads[i]!)).toBeLessThan(1e-5));
          });
        }
      }
    });
  }

  it('is what denseForProgram takes where x is mostly zeros, and only there', async () => {
    const rng = new Rng('sparse-dense/where');
    const w = tf.randomNormal([40, 36], 0, 0.2, 'float32', 4) as tf.Tensor2D;
    const b = tf.zeros([36]) as tf.Tensor1D;
    const sparse = sparseX(16, 40, 0.2, true, rng);
    const dense = sparseX(16, 40, MAX_SPARSE_DENSITY + 0.3, true, rng);
    const kernels = async (f: () => tf.Tensor): Promise<string[]> => (await tf.profile(f)).kernels.map((k) => k.name);
    expect(sparseInputDense(dense, w, b, 'relu')).toBeUndefined();
    const narrow = [tf.zeros([40, 6]) as tf.Tensor2D, tf.zeros([6]) as tf.Tensor1D] as const;
    expect(sparseInputDense(sparse, narrow[0], narrow[1], 'relu')).toBeUndefined(); // width not a multiple of 4
    expect(await kernels(() => denseForProgram(sparse, w, b, 'relu'))).toContain('PplSparseDense');
    expect(await kernels(() => denseForProgram(dense, w, b, 'relu'))).not.toContain('PplSparseDense');
    tf.dispose([w, b, sparse, dense, ...narrow]);
  });

  it('leaks no tensor and no heap memory over 30 optimizer steps', () => {
    const rng = new Rng('sparse-dense/leak');
    const x = sparseX(32, 784, 0.2, true, rng);
    const w = tf.variable(tf.randomNormal([784, 400], 0, 0.05, 'float32', 5));
    const b = tf.variable(tf.zeros([400]));
    const opt = tf.train.adam(1e-3);
    const step = () => opt.minimize(() => tf.mean(denseForProgram(x, w as tf.Tensor as tf.Tensor2D, b as tf.Tensor as tf.Tensor1D, 'relu')) as tf.Scalar, false);
    step();
    const before = tf.memory();
    for (let i = 0; i < 30; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    opt.dispose();
    tf.dispose([x, w, b]);
  });
});

describe('the SIMD transpose on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it("equals tfjs' transpose exactly, and its gradient is the transposed dy", () => {
    for (const [r, c] of [[4, 4], [8, 12], [400, 784], [6, 5]] as [number, number][]) {
      tf.tidy(() => {
        const t = tf.randomNormal([r, c], 0, 1, 'float32', r * c) as tf.Tensor2D;
        expect(Array.from(transpose2d(t).dataSync())).toEqual(Array.from(tf.transpose(t).dataSync()));
        const dy = tf.randomNormal([c, r], 0, 1, 'float32', 7);
        const g = tf.grad((u: tf.Tensor) => tf.sum(tf.mul(dy, transpose2d(u as tf.Tensor2D))))(t);
        expect(Array.from(g.dataSync())).toEqual(Array.from(tf.transpose(dy).dataSync()));
      });
    }
  });

  it('the weights-left layers that use it give the plain layer', () => {
    // [4, 64] x [64, 48]: weights-left (64 * 48 > 4 * (64 + 48)), every dimension a multiple of 4
    for (const act of activations) {
      tf.tidy(() => {
        const x = tf.randomNormal([4, 64], 0, 1, 'float32', 8) as tf.Tensor2D;
        const w = tf.randomNormal([64, 48], 0, 0.125, 'float32', 9) as tf.Tensor2D;
        const b = tf.randomNormal([48], 0, 0.5, 'float32', 10) as tf.Tensor1D;
        const r = tf.randomNormal([4, 48], 0, 1, 'float32', 11);
        const got = valueAndGrads((xx, ww, bb, a) => denseForProgram(xx, ww, bb, a), x, w, b, r, act);
        const ref = valueAndGrads(denseNaive, x, w, b, r, act);
        expect(relativeError(got.value, ref.value)).toBeLessThan(1e-5);
        got.grads.forEach((g, i) => expect(relativeError(g, ref.grads[i]!)).toBeLessThan(1e-5));
      });
    }
  });
});
