// Several initializations, keep the best: a cheap guard against the local optima of models
// such as mixtures, where one unlucky start merges two clusters for good (the restarts of
// Pyro's GMM tutorial). Each try compiles the program with its own init seed and scores it by
// its ELBO on the first training points; the highest is kept, the others are disposed.
import type { CompiledProgram } from '../lang/compiler/index.js';
import type { Dataset } from '../runtime/data/dataset.js';
import type { KlMode } from './elbo.js';
import { evaluateElbo } from './evaluate.js';
import { headDataset } from '../runtime/data/head.js';
import type { Bindings } from './minibatch.js';

export interface InitTry {
  seed: string;
  /** ELBO per data point of the first training points at this initialization (NaN if it diverged). */
  elbo: number;
}

export interface InitChoice {
  program: CompiledProgram;
  tries: InitTry[];
  chosen: number;
  /** How many training points scored each try. */
  points: number;
}

export interface InitOptions {
  tries: number;
  seed: string;
  kl: KlMode;
  trainSize: number;
  /** Training points scored per try. */
  points?: number;
  /** Particles of each score. */
  particles?: number;
}

/** The seed of try i: try 0 is the run's own seed, so one try is the plain initialization. */
export function initTrySeed(seed: string, i: number): string {
  return i === 0 ? seed : `${seed}/init-try-${i}`;
}

export async function bestInitialization(
  compile: (seed: string) => CompiledProgram,
  train: Dataset,
  bindings: Bindings,
  opts: InitOptions,
): Promise<InitChoice> {
  const points = Math.min(opts.points ?? 1000, train.size);
  const head = await headDataset(train, points);
  const tries: InitTry[] = [];
  let best: { program: CompiledProgram; index: number } | undefined;
  for (let i = 0; i < opts.tries; i++) {
    const seed = initTrySeed(opts.seed, i);
    const program = compile(seed);
    // The same evaluation seed for every try, so the scores differ only by the initialization.
    const elbo = await evaluateElbo(program, head, bindings, { batchSize: points, trainSize: opts.trainSize, particles: opts.particles ?? 10, kl: opts.kl, seed: `${opts.seed}/init-eval` });
    tries.push({ seed, elbo });
    // The first try is kept until a finite, higher score replaces it (a NaN never wins).
    const bestElbo = best ? tries[best.index]!.elbo : NaN;
    if (!best || (Number.isFinite(elbo) && !(elbo <= bestElbo))) {
      best?.program.dispose();
      best = { program, index: i };
    } else program.dispose();
  }
  if (!best) throw new Error('internal: no initialization');
  return { program: best.program, tries, chosen: best.index, points };
}
