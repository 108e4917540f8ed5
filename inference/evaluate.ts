// Held-out evaluation: the ELBO per data point over a whole data set.
import { tf } from '../runtime/tf.js';
import type { Dataset } from '../runtime/data/dataset.js';
import { Rng } from '../runtime/random.js';
import type { CompiledProgram } from '../lang/compiler/index.js';
import { guideThenModel } from './run.js';
import { estimateElbo, type KlMode } from './elbo.js';
import { disposeMinibatch, toMinibatch, type Bindings } from './minibatch.js';

export interface EvalOptions {
  batchSize: number;
  /** N of the training set: global terms are charged 1/N per data point, as in training. */
  trainSize: number;
  particles?: number;
  kl: KlMode;
  seed: string;
}

/**
 * The average over data points of the single-point ELBO estimate
 * log p(x_i, z_i) - log q(z_i | x_i) (with analytic KL where the engine uses it), plus the global
 * terms divided by the training set size. Particles are averaged (this is not the IWAE bound).
 */
export async function evaluateElbo(program: CompiledProgram, dataset: Dataset, bindings: Bindings, opts: EvalOptions): Promise<number> {
  const rng = new Rng(opts.seed);
  let localSum = 0;
  let globalSum = 0;
  let batches = 0;
  let count = 0;
  for await (const batch of dataset.batches(opts.batchSize, { rng, shuffle: false })) {
    const mb = toMinibatch(batch, program.lowered, bindings);
    const [l, g] = tf.tidy(() => {
      const particles = opts.particles ?? 1;
      const { guide, model } = guideThenModel(program, mb, { particles, rng, datasetSize: opts.trainSize });
      const est = estimateElbo(guide, model, particles, { kl: opts.kl });
      return [tf.sum(tf.mean(est.local, 0)), tf.mean(est.global)];
    });
    localSum += l!.dataSync()[0]!;
    globalSum += g!.dataSync()[0]!;
    l!.dispose();
    g!.dispose();
    disposeMinibatch(mb);
    count += batch.size;
    batches++;
  }
  if (count === 0) return NaN;
  return localSum / count + globalSum / batches / opts.trainSize;
}
