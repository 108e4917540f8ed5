// The compiled models/vae.ppl training step as a speed candidate: the same path `ppl train`
// takes (checker, compiler, trace, ELBO, Svi.step with Adam), on the bench's batches.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tf } from '../runtime/tf.js';
import { Rng } from '../runtime/random.js';
import { checkSource } from '../lang/checker/index.js';
import { compileProgram } from '../lang/compiler/index.js';
import { Svi, type Minibatch } from '../inference/svi.js';
import { makeOptimizer } from '../inference/optimizers.js';
import { makeObjective } from '../inference/objectives/registry.js';
import { repoRoot } from './repo.js';
import type { SpeedCandidate } from './candidate.js';

/** N for the minibatch scale; any constant works for timing (MNIST's training set size). */
const DATASET_SIZE = 60_000;

export function compiledVaeCandidate(name: string, batches: readonly tf.Tensor2D[], seed: string, model = 'vae.ppl'): SpeedCandidate {
  const file = path.join(repoRoot(), 'models', model);
  const { checked } = checkSource(file, fs.readFileSync(file, 'utf8'));
  if (!checked) throw new Error(`${file} does not check`);
  const program = compileProgram(checked, { seed });
  const svi = new Svi(program, makeOptimizer('adam', 1e-3), makeObjective('elbo', program, { kl: 'analytic', seed }), 1);
  const dataName = checked.data[0]!.name;
  const minibatches: Minibatch[] = batches.map((b) => ({ data: new Map([[dataName, tf.expandDims(b, 0)]]), size: b.shape[0] }));
  const rng = new Rng(`${seed}/noise`);
  let i = 0;
  return {
    name,
    step: () => svi.step(minibatches[i++ % minibatches.length]!, DATASET_SIZE, rng),
    dispose: () => {
      for (const m of minibatches) tf.dispose([...m.data.values()]);
      program.dispose();
    },
  };
}
