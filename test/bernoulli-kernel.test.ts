// The compiled step's Bernoulli log-density kernel on wasm (runtime/bernoulli-kernel.ts) against
// the plain formulation (bernoulliLogProb, tfjs ops): values and gradients with relative error
// below 1e-5 (max |kernel - plain| / max |plain|, floored at 1) over logits from -200 to 200,
// including the floor at -80; NaN stays NaN; shapes it does not take fall back.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { relativeError } from './helpers.js';
import { bernoulliLogProb, Bernoulli } from '../runtime/distributions/bernoulli.js';
import { bernoulliLogProbKernel } from '../runtime/bernoulli-kernel.js';
import { useFusedOps } from '../runtime/fusion.js';

describe('the Bernoulli log-density kernel on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const [what, lo, hi] of [
    ['logits in [-20, 20]', -20, 20],
    ['logits in [-200, 200] (the floor at -80, exp underflow)', -200, 200],
    ['logits near 0', -1e-3, 1e-3],
  ] as const) {
    it(`gives the plain value and gradient: ${what}`, () => {
      tf.tidy(() => {
        const l = tf.randomUniform([1, 64, 100], lo, hi, 'float32', 1);
        const x = tf.cast(tf.less(tf.randomUniform([64, 100], 0, 1, 'float32', 2), 0.3), 'float32');
        const dy = tf.randomNormal([1, 64, 100], 0, 1, 'float32', 3);
        const f = (lp: (l: tf.Tensor, x: tf.Tensor) => tf.Tensor) => (ll: tf.Tensor) => tf.sum(tf.mul(dy, lp(ll, x)));
        const kernel = (ll: tf.Tensor, xx: tf.Tensor) => {
          const y = bernoulliLogProbKernel(ll, xx);
          expect(y).toBeDefined();
          return y!;
        };
        expect(relativeError(kernel(l, x), bernoulliLogProb(l, x))).toBeLessThan(1e-5);
        expect(relativeError(tf.grad(f(kernel))(l), tf.grad(f(bernoulliLogProb))(l))).toBeLessThan(1e-5);
      });
    });
  }

  it('keeps NaN, and falls back where it does not apply', () => {
    tf.tidy(() => {
      const y = bernoulliLogProbKernel(tf.tensor1d([0, NaN, 3, -3]), tf.tensor1d([1, 1, 0, 1]))!.dataSync();
      expect(Number.isNaN(y[1]!)).toBe(true);
      expect(y[0]).toBeCloseTo(-Math.LN2, 6);
      expect(bernoulliLogProbKernel(tf.zeros([3]), tf.zeros([3]))).toBeUndefined(); // size not a multiple of 4
      expect(bernoulliLogProbKernel(tf.zeros([4, 1]), tf.zeros([1, 4]))).toBeUndefined(); // broadcasts to 16
    });
  });

  it('is what a Bernoulli distribution uses with the fused ops on, and the plain path without', async () => {
    const d = new Bernoulli({ logits: tf.randomNormal([8, 4], 0, 2, 'float32', 4) });
    const x = tf.ones([8, 4]);
    const names = async () => (await tf.profile(() => d.logProb(x))).kernels.map((k) => k.name);
    expect(await names()).toContain('PplBernoulliLogProb');
    useFusedOps(false);
    try {
      expect(await names()).not.toContain('PplBernoulliLogProb');
    } finally {
      useFusedOps(true);
    }
    tf.dispose([d.logits, x]);
  });
});
