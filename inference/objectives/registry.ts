// The objectives by name: one entry each. A new objective is a file implementing Objective plus
// one entry here; Svi, the training loop, the library and the CLI read this table.
import type { CompiledProgram } from '../../lang/compiler/index.js';
import { OptionError } from '../../runtime/errors.js';
import type { KlMode } from '../elbo.js';
import type { BaselineKind } from './baselines.js';
import type { Objective } from './objective.js';
import { ElboObjective } from './elbo.js';
import { IwaeObjective } from './multi-sample.js';
import { RenyiObjective } from './renyi.js';

export interface ObjectiveOptions {
  kl: KlMode;
  baselines: readonly BaselineKind[];
  /** Decay of the baselines' moving averages. */
  decay: number;
  /** NVIL variance normalization. */
  normalize: boolean;
  /** Hidden units of generated NVIL baseline nets. */
  nvilHidden: number;
  /** The Rényi bound's alpha. */
  alpha: number;
  seed: string;
}

export const DEFAULT_OBJECTIVE_OPTIONS: ObjectiveOptions = {
  kl: 'analytic',
  baselines: [],
  decay: 0.9,
  normalize: false,
  nvilHidden: 100,
  alpha: 0.5,
  seed: '0',
};

export interface ObjectiveEntry {
  name: string;
  summary: string;
  create(program: CompiledProgram, options: ObjectiveOptions): Objective;
}

function noBaselines(options: ObjectiveOptions, why: string): void {
  if (options.baselines.length > 0) throw new OptionError('baselines', `\`baselines\` ${options.baselines.join(',')}: ${why}; drop \`baselines\``);
}

export const OBJECTIVES: readonly ObjectiveEntry[] = [
  {
    name: 'elbo',
    summary: 'the evidence lower bound, KL in closed form where possible; score-function sites with optional baselines',
    create: (program, o) => new ElboObjective(program, o),
  },
  {
    name: 'iwae',
    summary: 'the K-sample importance weighted bound (Burda et al. 2016), K = particles; VIMCO for score-function sites',
    create: (_program, o) => {
      noBaselines(o, "the IWAE objective uses VIMCO's own per-sample baselines for score-function sites");
      return new IwaeObjective();
    },
  },
  {
    name: 'renyi',
    summary: 'the Rényi alpha bound (Li & Turner 2016), K = particles: alpha 0 is IWAE, alpha 1 the ELBO; pathwise sites only',
    create: (_program, o) => {
      noBaselines(o, 'the Rényi bound trains pathwise sites only, which need no baselines');
      if (!Number.isFinite(o.alpha) || o.alpha < 0) throw new OptionError('alpha', `must be a number >= 0, got ${o.alpha}`);
      return new RenyiObjective(o.alpha);
    },
  },
];

export type ObjectiveName = 'elbo' | 'iwae' | 'renyi';
export const OBJECTIVE_NAMES: readonly string[] = OBJECTIVES.map((o) => o.name);

export function objectiveEntry(name: string): ObjectiveEntry {
  const entry = OBJECTIVES.find((o) => o.name === name);
  if (!entry) throw new OptionError('objective', `\`objective\` '${name}' is unknown (choose from ${OBJECTIVE_NAMES.join(', ')})`);
  return entry;
}

/** The objective `name` for `program`, its options completed with the defaults. */
export function makeObjective(name: string, program: CompiledProgram, options: Partial<ObjectiveOptions> = {}): Objective {
  return objectiveEntry(name).create(program, { ...DEFAULT_OBJECTIVE_OPTIONS, ...options });
}
