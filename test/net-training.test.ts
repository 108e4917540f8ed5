// Convolutional and recurrent nets in training runs: their weights are saved in checkpoints
// and restored (a run resumed from a checkpoint ends where the uninterrupted run ends), and a
// GRU guide over a sequence learns a posterior known in closed form.
// Seeds: 'conv-ckpt', 'gru-guide'; tolerances stated per test.
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayData, fit, loadModel, restoreModel, useBackend, type Checkpoint } from '../api/index.js';
import { Rng } from '../runtime/random.js';
import { tf } from '../runtime/tf.js';

beforeAll(async () => {
  await useBackend('auto');
});

const CONV = `
data   x : binary[8, 8]
latent z : real[2]
net enc : conv2d([8, 8] -> 4 k3 s2 -> 8, tanh) -> { loc: 2, scale: 2 positive }
net dec : conv_transpose2d(2 -> [2, 2, 4] -> 4 k4 s2 -> 1 k4 s2, tanh)
model {
  z ~ Normal(0, 1)
  x ~ Bernoulli(logits = dec(z))
}
guide {
  let q = enc(x)
  z ~ Normal(q.loc, q.scale)
}
`;

function images(n: number, rng: Rng): number[][][] {
  return Array.from({ length: n }, () => {
    const bar = Math.floor(rng.uniform() * 8);
    return Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => (c === bar || rng.uniform() < 0.05 ? 1 : 0)));
  });
}

describe('conv nets in checkpoints', () => {
  it('every conv weight is in the checkpoint, and resuming from epoch 1 ends with the uninterrupted run\'s weights (seed conv-ckpt)', async () => {
    const model = loadModel(CONV, { file: 'conv.ppl' });
    const rng = new Rng('conv-ckpt');
    const data = arrayData({ x: images(40, rng) }, { test: { x: images(10, rng) } });
    const opts = { epochs: 2, batchSize: 10, lr: 0.01, seed: 'conv-ckpt' } as const;
    const due: Checkpoint[] = [];
    const whole = await fit(model, data, { ...opts, checkpointEvery: 1, onCheckpoint: (c) => void due.push(c) });
    const names = due[0]!.params.map((p) => p.name);
    for (const n of ['enc.conv0.weight', 'enc.conv0.bias', 'enc.dense0.weight', 'enc.heads.weight', 'dec.dense0.weight', 'dec.deconv0.weight', 'dec.deconv1.bias']) expect(names).toContain(n);
    const resumed = await fit(model, data, { ...opts, resume: due[0]! });
    const final = (c: Checkpoint | undefined): Record<string, number[]> => Object.fromEntries(c!.params.map((p) => [p.name, Array.from(p.values)]));
    expect(final(resumed.checkpoint)).toEqual(final(whole.checkpoint));
    const restored = restoreModel(model, whole.checkpoint!);
    const w = 'dec.deconv0.weight';
    expect(Array.from(restored.program.params.variable(w).dataSync())).toEqual(Array.from(whole.trained.program.params.variable(w).dataSync()));
    restored.dispose();
    whole.trained.dispose();
    resumed.trained.dispose();
  });
});

// Each sequence: m ~ Normal(0, 1), x_t ~ Normal(m, 1) for t = 1..T; the posterior of m is
// Normal(sum(x) / (T + 1), 1 / sqrt(T + 1)).
const T = 6;
const GRU_GUIDE = `
data   x : real[${T}, 1]
latent m : real[1]
net rnn : gru(1 -> 16 last) -> { loc: 1, scale: 1 positive }
model {
  m ~ Normal(0, 1)
  x ~ Normal(m, 1)
}
guide {
  let q = rnn(x)
  m ~ Normal(q.loc, q.scale)
}
`;

describe('a GRU guide over a sequence', () => {
  it('learns the exact posterior of a sequence\'s mean: guide means within 0.15 (RMS) and sds within 15% of the closed form on held-out sequences (seed gru-guide, 120 epochs of 400)', async () => {
    const rng = new Rng('gru-guide');
    const draw = (n: number): number[][][] =>
      Array.from({ length: n }, () => {
        const m = 1.5 * Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
        return Array.from({ length: T }, () => [m + Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform())]);
      });
    const train = draw(400);
    const test = draw(50);
    const model = loadModel(GRU_GUIDE, { file: 'gru.ppl' });
    const r = await fit(model, arrayData({ x: train }, { test: { x: test } }), { epochs: 120, batchSize: 50, lr: 0.01, seed: 'gru-guide' });
    const net = r.trained.program.nets.get('rnn')!;
    const q = tf.tidy(() => {
      const out = net.apply(tf.tensor(test.flat(2), [1, test.length, T, 1])) as Record<string, tf.Tensor>;
      return { loc: Array.from(out['loc']!.dataSync()), scale: Array.from(out['scale']!.dataSync()) };
    });
    const exactLoc = test.map((s) => s.reduce((a, v) => a + v[0]!, 0) / (T + 1));
    const exactSd = 1 / Math.sqrt(T + 1);
    const rms = Math.sqrt(exactLoc.reduce((a, v, i) => a + (v - q.loc[i]!) ** 2, 0) / exactLoc.length);
    const sdError = Math.max(...q.scale.map((s) => Math.abs(s - exactSd) / exactSd));
    console.log(`GRU guide: RMS error of the posterior means ${rms.toFixed(3)}, worst sd error ${(100 * sdError).toFixed(1)}% (exact sd ${exactSd.toFixed(3)})`);
    expect(rms).toBeLessThan(0.15);
    expect(sdError).toBeLessThan(0.15);
    r.trained.dispose();
  });
});
