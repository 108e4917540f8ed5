// The fused ops of the compiled step give the plain ops' values and gradients: the Normal-Normal
// KL (one op with a written-out gradient) against the same formula with tfjs autodiff, and a
// whole compiled VAE step's gradients (every parameter) against the plain formulation's.
// Tolerance: relative error below 1e-5 (max |fused - plain| / max |plain|), float32.
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Normal, klNormalNormal, klNormalNormalPlain } from '../runtime/distributions/normal.js';
import { useFusedOps } from '../runtime/fusion.js';
import { Rng } from '../runtime/random.js';
import { Svi } from '../inference/svi.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { makeObjective } from '../inference/objectives/registry.js';
import { compileOk, minibatch, relativeError } from './helpers.js';

const relErr = (a: tf.Tensor, ref: tf.Tensor): number => relativeError(a, ref, 0);

const CASES: [string, number[], number[]][] = [
  ['same shapes', [3, 5, 4], [3, 5, 4]],
  ['a broadcast prior (the VAE: N(0, 1) for [1, M, D])', [1, 7, 20], [1, 1, 1]],
  ['a prior broadcast over the batch', [2, 6, 3], [1, 1, 3]],
];

for (const backend of ['wasm', 'cpu']) {
  describe(`fused Normal-Normal KL on ${backend}`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
    });
    for (const [what, qShape, pShape] of CASES) {
      it(`equals the plain formula in value and gradient: ${what}`, () => {
        tf.tidy(() => {
          const mq = tf.randomNormal(qShape, 0, 1, 'float32', 1);
          const sq = tf.exp(tf.randomNormal(qShape, 0, 0.5, 'float32', 2));
          const mp = tf.randomNormal(pShape, 0, 1, 'float32', 3);
          const sp = tf.exp(tf.randomNormal(pShape, 0, 0.5, 'float32', 4));
          const w = tf.randomNormal(qShape, 0, 1, 'float32', 5);
          const f = (kl: (q: Normal, p: Normal) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(w, kl(new Normal(a, b), new Normal(c, d))));
          const fused = tf.valueAndGrads(f(klNormalNormal))([mq, sq, mp, sp]);
          const plain = tf.valueAndGrads(f(klNormalNormalPlain))([mq, sq, mp, sp]);
          expect(fused.value.dataSync()[0]).toBe(plain.value.dataSync()[0]);
          for (let i = 0; i < 4; i++) expect(relErr(fused.grads[i]!, plain.grads[i]!)).toBeLessThan(1e-5);
        });
      });
    }
  });
}

describe('a whole compiled VAE step on wasm', () => {
  it("gives the plain path's gradients for every parameter (seed fused, one minibatch of 16)", async () => {
    await tf.setBackend('wasm');
    const program = compileOk(fs.readFileSync(path.join(__dirname, '..', 'models', 'vae.ppl'), 'utf8'), 'fused');
    const svi = new Svi(program, makeOptimizer('adam', 1e-3), makeObjective('elbo', program, { kl: 'analytic' }), 1);
    // at 16 rows the 784x400 and 400x784 layers take the weights-left route
    const rows = Array.from({ length: 16 }, (_, i) => Array.from({ length: 784 }, (_, j) => ((i * 7 + j * 13) % 5 === 0 ? 1 : 0)));
    const batch = minibatch({ x: { rows, shape: [784] } });
    const grads = (on: boolean) => {
      useFusedOps(on);
      try {
        return tf.variableGrads(() => svi.loss(batch, 60000, new Rng('fused/noise')), svi.variables());
      } finally {
        useFusedOps(true);
      }
    };
    const fused = grads(true);
    const plain = grads(false);
    expect(fused.value.dataSync()[0]).toBeCloseTo(plain.value.dataSync()[0]!, 3);
    const names = Object.keys(plain.grads);
    expect(names).toHaveLength(8);
    for (const name of names) expect(relErr(fused.grads[name]!, plain.grads[name]!), name).toBeLessThan(1e-5);
    // and the two paths did differ (rounding): the switch works
    expect(names.some((name) => relErr(fused.grads[name]!, plain.grads[name]!) > 0)).toBe(true);
    tf.dispose([fused.value, plain.value, ...Object.values(fused.grads), ...Object.values(plain.grads)]);
    svi.dispose();
    program.dispose();
  });
});
