// The fused Adam gives tf.train.adam's parameters bit for bit (wasm, cpu), keeps the tensor
// count flat, and its state restores into either optimizer.
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../runtime/tf.js';
import { FusedAdam } from '../inference/optimizers.js';
import { fusedAdamAvailable } from '../runtime/adam-kernel.js';

let uid = 0;
function variables(): tf.Variable[] {
  uid++;
  return [
    tf.variable(tf.randomNormal([33, 20], 0, 1, 'float32', 1), true, `adamtest${uid}.w`),
    tf.variable(tf.randomNormal([20], 0, 0.1, 'float32', 2), true, `adamtest${uid}.b`),
    // 7 elements: the SIMD loop does 4, the rest is the scalar tail
    tf.variable(tf.randomNormal([7], 0, 1, 'float32', 3), true, `adamtest${uid}.c`),
  ];
}

/** A loss with gradients of very different scales (tiny to large), so every branch of the arithmetic is exercised. */
function loss(vars: tf.Variable[], step: number): tf.Scalar {
  const [w, b, c] = vars as [tf.Variable, tf.Variable, tf.Variable];
  const x = tf.randomNormal([7, 33], 0, 1, 'float32', 100 + step);
  const y = tf.add(tf.matMul(x, w), b);
  const tail = tf.sum(tf.mul(tf.sin(c), tf.range(1, 8)));
  return tf.add(tf.add(tf.sum(tf.square(tf.sin(y))), tf.mul(1e-4, tf.sum(tf.abs(w)))), tail) as tf.Scalar;
}

function train(opt: tf.Optimizer, vars: tf.Variable[], from: number, steps: number): void {
  for (let s = from; s < from + steps; s++) opt.minimize(() => loss(vars, s), true, vars)?.dispose();
}

function bits(vars: tf.Variable[]): number[] {
  return vars.flatMap((v) => Array.from(new Uint32Array((v.dataSync() as Float32Array).slice().buffer)));
}

for (const backend of ['wasm', 'cpu']) {
  describe(`FusedAdam on ${backend}`, () => {
    it('gives tf.train.adam\'s parameters bit for bit over many steps', async () => {
      await tf.setBackend(backend);
      const a = variables();
      const b = variables();
      const ref = tf.train.adam(3e-2, 0.9, 0.999, 1e-8);
      const fused = new FusedAdam(3e-2, 0.9, 0.999, 1e-8);
      train(ref, a, 0, 30);
      const before = tf.memory().numTensors;
      train(fused, b, 0, 30);
      expect(fusedAdamAvailable()).toBe(true);
      // Two moments per variable, made on the first step; nothing else stays.
      expect(tf.memory().numTensors - before).toBe(6);
      train(fused, b, 30, 10);
      expect(tf.memory().numTensors - before).toBe(6);
      train(ref, a, 30, 10);
      expect(bits(b)).toEqual(bits(a));
      ref.dispose();
      fused.dispose();
      tf.dispose([...a, ...b]);
    });

    it('restores tf.train.adam\'s state and continues identically', async () => {
      await tf.setBackend(backend);
      const a = variables();
      const b = variables();
      const ref = tf.train.adam(1e-2, 0.9, 0.999, 1e-8);
      train(ref, a, 0, 5);
      for (let i = 0; i < a.length; i++) b[i]!.assign(a[i]!);
      // The slots are named by variable; map a's names onto b's.
      const saved = (await ref.getWeights()).map((w) => ({ name: w.name.replace(/^adamtest\d+/, b[0]!.name.split('.')[0]!), tensor: w.tensor }));
      const fused = new FusedAdam(1e-2, 0.9, 0.999, 1e-8);
      await fused.setWeights(saved);
      expect(fused.iterations).toBe(5);
      const refAgain = tf.train.adam(1e-2, 0.9, 0.999, 1e-8);
      await refAgain.setWeights(await ref.getWeights());
      train(refAgain, a, 5, 5);
      train(fused, b, 5, 5);
      expect(bits(b)).toEqual(bits(a));
      const names = (await fused.getWeights()).map((w) => w.name);
      expect(names).toEqual(['iter', `${b[0]!.name}/m`, `${b[1]!.name}/m`, `${b[2]!.name}/m`, `${b[0]!.name}/v`, `${b[1]!.name}/v`, `${b[2]!.name}/v`]);
      for (const o of [ref, refAgain, fused]) o.dispose();
      tf.dispose([...a, ...b]);
    });
  });
}

afterAll(async () => {
  await tf.setBackend('cpu');
});
