// Divergence names its cause: the first non-finite site of the failed step (traced again with
// the parameters before it), located in the source, with advice that fits what went wrong.
import { beforeAll, describe, expect, it } from 'vitest';
import { arrayData, fit, loadModel, TrainingDiverged, useBackend, UserError } from '../api/index.js';
import { describeSummary, summarize } from '../inference/divergence.js';
import { tf } from '../runtime/tf.js';

const xs = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(i)]);

beforeAll(async () => {
  await useBackend('auto');
});

async function divergence(source: string, x: number[][] = xs): Promise<TrainingDiverged> {
  const model = loadModel(source, { file: 'm.ppl' });
  try {
    await fit(model, arrayData({ x }, { testFraction: 0.25 }), { epochs: 1, batchSize: 10, seed: 'div' });
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect(e).toBeInstanceOf(TrainingDiverged);
    return e as TrainingDiverged;
  }
  throw new Error('training did not diverge');
}

describe('divergence diagnosis', () => {
  it('sqrt of a negative latent: names the model site and its argument, and advises on the domain, not the learning rate', async () => {
    const e = await divergence('data x : real[2]\nlatent z : real[2]\nparam m : real[2]\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(z, sqrt(z))\n}\nguide {\n  z ~ Normal(m, 1)\n}\n');
    expect(e.message).toMatch(/became NaN at epoch 1, step 1; the first non-finite site is model site x \(m\.ppl:6:3\): argument scale of Normal has \d+ NaN of 20 values \(the others in \[/);
    expect(e.message).toContain('sqrt or log of a negative number');
    expect(e.message).not.toContain('`lr`');
    expect(e.diagnosis?.kind).toBe('argument');
  });

  it('a scale that underflows to 0: names the log-density, its values, and advises a floor', async () => {
    const e = await divergence('data x : real[2]\nlatent z : real[2]\nparam m : real[2]\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(0, exp(-100000 * z * z))\n}\nguide {\n  z ~ Normal(m, 1)\n}\n');
    expect(e.diagnosis?.kind).toBe('log-density');
    expect(e.message).toMatch(/the first non-finite site is model site x \(m\.ppl:6:3\): its Normal log-density has /);
    expect(e.message).toContain('softplus(s) + 1e-3');
  });

  it('a learning rate too large for a finite model: says so', async () => {
    const model = loadModel('data x : real[2]\nlatent z : real[2]\nparam m : real[2]\nparam s : positive[2]\nmodel {\n  z ~ Normal(0, 1)\n  x ~ Normal(z, 0.001)\n}\nguide {\n  z ~ Normal(m, s)\n}\n', { file: 'm.ppl' });
    const r = await fit(model, arrayData({ x: xs }, { testFraction: 0.25 }), { epochs: 30, batchSize: 10, seed: 'div', lr: 1e6 }).then(
      () => undefined,
      (err: unknown) => err as TrainingDiverged,
    );
    // Adam's steps are about lr in size: the guide's scale collapses to 0 after the first step.
    expect(r).toBeInstanceOf(TrainingDiverged);
    expect(r!.message).toMatch(/step [2-9]\d*; the first non-finite site is guide site z \(m\.ppl:10:3\)/);
    expect(r!.message).toMatch(/a smaller `lr` \(now 1000000\) may also help/);
  });

  it('summaries count NaN and infinities and give the range of the rest', () => {
    const s = summarize(tf.tensor([1, NaN, -2, Infinity, 3]));
    expect(describeSummary(s)).toBe('1 NaN and 1 Infinity of 5 values (the others in [-2, 3])');
    expect(describeSummary(summarize(tf.tensor([0.5, 2])))).toBe('2 finite values in [0.500, 2]');
  });
});
