// Synthetic data from a model's generative process; reading the inputs from a CSV file is
// io/simulation-inputs.ts (Node only).
import { Rng } from '../runtime/random.js';
import { simulate as simulateProgram, type Simulated } from '../trained/simulate.js';
import type { TrainedModel } from './trained.js';

export type { Simulated } from '../trained/simulate.js';
export { idxImageData, simulatedCsv, simulatedIdx } from '../trained/simulate.js';

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
