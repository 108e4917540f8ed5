// Shared test helpers: compile a .ppl source string, build minibatches by hand.
import { checkSource } from '../lang/checker/index.js';
import { formatDiagnostics } from '../lang/diagnostics.js';
import { UserError } from '../runtime/errors.js';
import { expect } from 'vitest';
import { compileProgram, type CompiledProgram, type EstimatorMode } from '../lang/compiler/index.js';
import type { CheckedProgram } from '../lang/checked.js';
import { tf } from '../runtime/tf.js';
import { Svi, type Minibatch } from '../inference/svi.js';
import type { KlMode } from '../inference/elbo.js';
import type { BaselineKind } from '../inference/objectives/baselines.js';
import { makeObjective, type ObjectiveName } from '../inference/objectives/registry.js';
import { estimators } from '../runtime/effects/handlers.js';
import { asFlagError } from '../cli/flag-errors.js';

export function checkOk(source: string, file = 'test.ppl'): CheckedProgram {
  const r = checkSource(file, source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || !r.checked) throw new Error(`expected a clean check:\n${formatDiagnostics(file, source, r.diagnostics)}`);
  return r.checked;
}

export function compileOk(source: string, seed = 'test', estimator: EstimatorMode = 'auto'): CompiledProgram {
  return compileProgram(checkOk(source), { seed, estimator });
}

/** A minibatch from rows of per-point values: data[name] = rows (each a flat array). */
export function minibatch(fields: Record<string, { rows: number[][]; shape: number[] }>): Minibatch {
  const data = new Map<string, tf.Tensor>();
  let size = 0;
  for (const [name, { rows, shape }] of Object.entries(fields)) {
    size = rows.length;
    data.set(name, tf.tensor(rows.flat(), [1, rows.length, ...shape], 'float32'));
  }
  return { data, size };
}

/**
 * fn as the command line sees it: an error it throws comes back as the CLI prints it (an engine
 * message names options by API name, `trainSize`; the CLI by flag, --train-size).
 */
export function asCli(fn: () => Promise<unknown> | unknown): () => Promise<unknown> {
  return async () => {
    try {
      return await fn();
    } catch (e) {
      throw asFlagError(e);
    }
  };
}

/** An error thrown by fn must be a UserError whose message contains every fragment. */
export async function expectUserError(fn: () => Promise<unknown> | unknown, ...fragments: string[]): Promise<string> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(UserError);
  const msg = (caught as UserError).message;
  for (const f of fragments) expect(msg).toContain(f);
  return msg;
}

export interface SviSetup {
  particles: number;
  kl?: KlMode;
  objective?: ObjectiveName;
  baselines?: BaselineKind[];
  normalize?: boolean;
  /** The Rényi bound's alpha. */
  alpha?: number;
  seed?: string;
  /** Estimator mode applied by a handler around every run. */
  mode?: EstimatorMode;
}

/** An Svi on `program` with the registry's objective built from `setup`. */
export function makeSvi(program: CompiledProgram, optimizer: tf.Optimizer, setup: SviSetup): Svi {
  const objective = makeObjective(setup.objective ?? 'elbo', program, {
    ...(setup.kl ? { kl: setup.kl } : {}),
    ...(setup.baselines ? { baselines: setup.baselines } : {}),
    ...(setup.normalize !== undefined ? { normalize: setup.normalize } : {}),
    ...(setup.seed !== undefined ? { seed: setup.seed } : {}),
    ...(setup.alpha !== undefined ? { alpha: setup.alpha } : {}),
  });
  return new Svi(program, optimizer, objective, setup.particles, setup.mode ? [estimators(setup.mode)] : []);
}

/**
 * The VAE of models/vae.ppl (binarized MNIST, Kingma & Welling 2014) with `latent` latent
 * dimensions (D) and `hidden` hidden units (H).
 */
export function vaeSource(latent: number, hidden: number): string {
  return `// Variational autoencoder for binarized MNIST (Kingma & Welling 2014)
const D = ${latent}
const H = ${hidden}

data   x : binary[784]
latent z : real[D]

net decoder : mlp(D -> H -> 784, relu)
net encoder : mlp(784 -> H, relu) -> { loc: D, scale: D positive }

model {
  z ~ Normal(0, 1)
  x ~ Bernoulli(logits = decoder(z))
}

guide {
  let q = encoder(x)
  z ~ Normal(q.loc, q.scale)
}
`;
}

/** The flagship VAE at the sizes of models/vae.ppl: D = 20, H = 400. */
export const VAE = vaeSource(20, 400);

/**
 * The linear-Gaussian model: z ~ N(0, I) and x ~ N(z, sigma^2 I) in `dim` dimensions, so
 * log p(x) = sum_d log N(x_d; 0, 1 + sigma^2), the exact posterior and the ELBO of any Gaussian
 * guide are known in closed form. The guide is N(a x + b, s), or N(a x, s) without `shift`; a
 * starts at 0.3, b at 0 and s at `guideScale`.
 */
export function linearGaussianSource({ sigma = 0.5, dim = 4, shift = true, guideScale = 0.7 } = {}): string {
  return `
const S = ${sigma}
data   x : real[${dim}]
latent z : real[${dim}]
param a : real = 0.3
${shift ? `param b : real[${dim}] = 0\n` : ''}param s : positive = ${guideScale}

model {
  z ~ Normal(0, 1)
  x ~ Normal(z, S)
}

guide {
  z ~ Normal(a * x${shift ? ' + b' : ''}, s)
}
`;
}

/** max |a - ref| / max |ref|, the scale floored at `floor` (0: purely relative); the shapes must agree. */
export function relativeError(a: tf.Tensor, ref: tf.Tensor, floor = 1): number {
  expect(a.shape).toEqual(ref.shape);
  const av = a.dataSync();
  const rv = ref.dataSync();
  let maxRef = floor;
  let maxErr = 0;
  for (let i = 0; i < rv.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(rv[i]!));
    maxErr = Math.max(maxErr, Math.abs(av[i]! - rv[i]!));
  }
  return maxRef === 0 ? maxErr : maxErr / maxRef;
}
