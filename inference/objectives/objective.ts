// An objective is a value: it estimates a bound on log p(x) on a minibatch and builds the
// surrogate whose gradient is its chosen gradient estimator. `Svi` receives one and knows
// nothing else about it; objectives.ts registers them by name.
import type { tf, Tensor } from '../../runtime/tf.js';
import type { CompiledProgram } from '../../lang/compiler/index.js';
import type { ParamStore, SavedParam } from '../../runtime/params.js';
import type { BatchRun, Minibatch } from '../run.js';

export interface ObjectiveValue {
  /** The data set objective estimate (ELBO or another bound), averaged over particles. Scalar. */
  value: Tensor;
  /** Same value; its gradient is the estimator's. Scalar. */
  surrogate: Tensor;
  /** Per data point and particle local terms, for diagnostics. [P, M] */
  local: Tensor;
  /** Per particle data set estimate for the ELBO [P]; the bound itself [1] for multi-sample bounds. */
  total: Tensor;
}

export interface Objective {
  /** Its registry name ('elbo', 'iwae', 'renyi'). */
  readonly name: string;
  /** One line for a run's header, e.g. 'IWAE bound (K = 5)'. */
  describe(particles: number): string;
  /** The estimate on one minibatch (N = run.datasetSize); runs in the caller's tidy scope. */
  estimate(program: CompiledProgram, batch: Minibatch, run: BatchRun): ObjectiveValue;
  /** Variables it trains besides the program's (the nets of input-dependent baselines). */
  variables(): tf.Variable[];
  /** Its learnable state for a checkpoint, and back. */
  snapshot(): SavedParam[];
  restore(saved: readonly SavedParam[], origin: string): void;
  /** The stores its variables live in, to name optimizer state by parameter. */
  stores(): ParamStore[];
  dispose(): void;
}
