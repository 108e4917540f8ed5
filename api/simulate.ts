// Synthetic data from a model's generative process (Node only for now: inference/simulate.ts
// also reads input tables from CSV files, so it imports the file-reading data layer).
import { Rng } from '../runtime/random.js';
import { simulate as simulateProgram, type Simulated } from '../inference/simulate.js';
import type { TrainedModel } from './trained.js';

export type { Simulated } from '../inference/simulate.js';
export { idxImageData, inputsFromCsv, simulatedCsv, simulatedIdx } from '../inference/simulate.js';

export interface SimulateOptions {
  /** Values of the model's inputs (data never `~`-ed), row-major [n, ...shape]; real inputs not given are drawn standard normal. */
  inputs?: ReadonlyMap<string, Float32Array>;
  /** Global latents drawn once from their priors, or held at their guide means. Default 'prior'. */
  globals?: 'prior' | 'guide-mean';
  seed?: string;
}

/**
 * n data points from the generative process of `model`, with its current parameters (trained,
 * or initial: see untrainedModel): local latents from their priors, data from the likelihood.
 */
export function simulate(model: TrainedModel, n: number, options: SimulateOptions = {}): Simulated {
  const seed = options.seed ?? model.seed;
  const globals = options.globals === 'guide-mean' ? model.globals : undefined;
  return simulateProgram(model.program, n, new Rng(`${seed}/simulate`), { inputs: options.inputs, globals });
}
