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
