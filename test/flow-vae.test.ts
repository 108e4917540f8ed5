// The IAF VAE (models/vae_iaf.ppl) against the same model with the mean-field automatic guide:
// trained the same way (seed '1', 4,000 embedded digits, 15 epochs of minibatches of 100, default
// lr 1e-3, dynamic binarization), the flow guide's held-out ELBO must be higher and its gap to the
// importance-sampled log p(x) (K = 50, the same 1,000 test digits, paired per digit) smaller.
// Both fail if the log-determinant is dropped or its sign flipped (the flow then collapses q or
// the bound is no longer a bound), or if the flow does nothing (equal guides, equal numbers).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fit, loadModel, openData } from '../api/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const iafSource = fs.readFileSync(path.join(ROOT, 'models', 'vae_iaf.ppl'), 'utf8');

describe('IAF VAE (models/vae_iaf.ppl)', () => {
  it('beats the mean-field guide at equal epochs: higher test ELBO, smaller gap to the IS log-likelihood (seed 1, 15 epochs of 4,000 digits)', async () => {
    const split = await openData('mnist', { trainSize: 4000, testSize: 1000 });
    const run = async (source: string, file: string) => {
      const { trained } = await fit(loadModel(source, { file }), 'mnist', { trainSize: 4000, testSize: 1000, epochs: 15, seed: '1', evaluateTest: false });
      const ev = await trained.evaluate(split.test, { k: 50, batchSize: 200, seed: 'flow' });
      trained.dispose();
      return ev;
    };
    const flow = await run(iafSource, 'vae_iaf.ppl');
    const meanField = await run(iafSource.replace('z ~ auto(iaf, flows = 2)', 'z ~ auto'), 'vae_mf.ppl');
    const show = (e: typeof flow): string => `ELBO ${e.elboMean.mean.toFixed(2)}, log p(x) ${e.logLikelihood.mean.toFixed(2)}, gap ${e.gap.mean.toFixed(2)} +- ${e.gap.stderr.toFixed(2)}`;
    console.log(`IAF VAE: flow ${show(flow)}; mean-field ${show(meanField)}`);
    expect(flow.elboMean.mean).toBeGreaterThan(meanField.elboMean.mean);
    expect(flow.gap.mean).toBeLessThan(meanField.gap.mean);
  }, 600_000);
});
