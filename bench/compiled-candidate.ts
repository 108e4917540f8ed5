// The compiled models/vae.ppl training step as a speed candidate: the same path `ppl train`
// takes (checker, compiler, trace, objective, Svi.step with Adam), on the bench's batches.
// Variants: the ELBO with the KL in closed form (what `ppl train models/vae.ppl` does), the
// score-function VAE with an NVIL baseline (--estimator score --baseline nvil), and IWAE with
// K = 5 (--objective iwae --particles 5).
//
// compiledCandidateAt loads the engine from any checkout's build (DIR/dist), so two versions
// of the engine can be timed side by side in one process.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tf } from '../runtime/tf.js';
import type { SpeedCandidate } from './candidate.js';
import type { Minibatch } from '../inference/svi.js';
import type * as CheckerModule from '../lang/checker/index.js';
import type * as CompilerModule from '../lang/compiler/index.js';
import type * as SviModule from '../inference/svi.js';
import type * as OptimizersModule from '../inference/optimizers.js';
import type * as RegistryModule from '../inference/objectives/registry.js';
import type * as RandomModule from '../runtime/random.js';

/** N for the minibatch scale; any constant works for timing (MNIST's training set size). */
const DATASET_SIZE = 60_000;

export const COMPILED_VARIANTS = {
  elbo: { objective: 'elbo', estimator: 'auto', baselines: [] as string[], particles: 1, what: 'ELBO, closed-form KL' },
  nvil: { objective: 'elbo', estimator: 'score', baselines: ['nvil'], particles: 1, what: 'score function + NVIL baseline' },
  iwae5: { objective: 'iwae', estimator: 'auto', baselines: [] as string[], particles: 5, what: 'IWAE, K = 5' },
} as const;

export type CompiledVariant = keyof typeof COMPILED_VARIANTS;

/** This build's dist folder. */
export function ownDist(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

async function load<T>(dist: string, file: string): Promise<T> {
  return (await import(pathToFileURL(path.join(dist, file)).href)) as T;
}

/** The compiled vae.ppl step of the build in `dist` (a checkout's dist folder). */
export async function compiledCandidateAt(dist: string, name: string, batches: readonly tf.Tensor2D[], seed: string, variant: CompiledVariant = 'elbo'): Promise<SpeedCandidate> {
  const v = COMPILED_VARIANTS[variant];
  const { checkSource } = await load<typeof CheckerModule>(dist, 'lang/checker/index.js');
  const { compileProgram } = await load<typeof CompilerModule>(dist, 'lang/compiler/index.js');
  const { Svi } = await load<typeof SviModule>(dist, 'inference/svi.js');
  const { makeOptimizer } = await load<typeof OptimizersModule>(dist, 'inference/optimizers.js');
  const { makeObjective } = await load<typeof RegistryModule>(dist, 'inference/objectives/registry.js');
  const { Rng } = await load<typeof RandomModule>(dist, 'runtime/random.js');
  const file = path.join(dist, '..', 'models', 'vae.ppl');
  const { checked } = checkSource(file, fs.readFileSync(file, 'utf8'));
  if (!checked) throw new Error(`${file} does not check`);
  const program = compileProgram(checked, { seed, estimator: v.estimator });
  const objective = makeObjective(v.objective, program, { kl: 'analytic', seed, baselines: v.baselines as never[] });
  const svi = new Svi(program, makeOptimizer('adam', 1e-3), objective, v.particles);
  const dataName = checked.data[0]!.name;
  const minibatches: Minibatch[] = batches.map((b) => ({ data: new Map([[dataName, tf.expandDims(b, 0)]]), size: b.shape[0] }));
  const rng = new Rng(`${seed}/noise`);
  let i = 0;
  return {
    name,
    step: () => svi.step(minibatches[i++ % minibatches.length]!, DATASET_SIZE, rng),
    dispose: () => {
      for (const m of minibatches) tf.dispose([...m.data.values()]);
      svi.dispose();
      program.dispose();
    },
  };
}

/** The compiled ELBO step of this build (kept for other checkouts' benches, which call it by this name). */
export async function compiledVaeCandidate(name: string, batches: readonly tf.Tensor2D[], seed: string): Promise<SpeedCandidate> {
  return compiledCandidateAt(ownDist(), name, batches, seed, 'elbo');
}
