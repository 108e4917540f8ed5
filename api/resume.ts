// May a run continue from this checkpoint? Only the same source, with the options that decide
// the data, the minibatches and the optimizer's state unchanged: then a resumed run draws
// exactly what an uninterrupted one would have. The other options may change; what changed is
// returned so that the caller says so (the checkpoint written next records the new values).
import { OptionError } from '../runtime/errors.js';
import type { Checkpoint, OptionValue } from '../inference/checkpoint.js';
import { DEFAULT_TRAIN_OPTIONS, FIXED_ON_RESUME, resolveTrainOptions, type TrainOptions } from '../inference/train-options.js';
import type { Model } from './model.js';

/** Checkpoints written before the option was renamed recorded `baseline`. */
function recorded(ckpt: Checkpoint, option: keyof TrainOptions): OptionValue | undefined {
  return ckpt.flags[option] ?? (option === 'baselines' ? ckpt.flags['baseline'] : undefined);
}

/** Options that are unset unless given, and whose absence means something: all the points. */
const UNSET_MEANS_ALL: readonly (keyof TrainOptions)[] = ['trainSize', 'testSize'];

const show = (v: unknown): string => (v === undefined ? 'unset' : Array.isArray(v) ? (v.length ? v.join(',') : 'none') : String(v));

/** An option that may change on resume, with its recorded and its new value. */
export interface ResumeChange {
  option: keyof TrainOptions;
  was: string;
  now: string;
}

/** Options that change nothing a checkpoint holds, so they may differ on resume (said, not refused). */
const MAY_CHANGE: readonly (keyof TrainOptions)[] = ['lr', 'particles', 'kl', 'estimator', 'objective', 'alpha', 'baselineDecay', 'nvilNormalize'];

/**
 * Throws an OptionError naming the first reason `checkpoint` cannot be resumed with `options`;
 * otherwise returns the options that differ from the recorded ones but may (epochs aside).
 */
export function checkResume(model: Model, checkpoint: Checkpoint, options: Partial<TrainOptions> = {}): ResumeChange[] {
  if (checkpoint.model.sha256 !== model.sha256) {
    throw new OptionError('resume', `the checkpoint was trained from a different version of ${model.file} (source hash differs); train afresh`);
  }
  // The run's length may change on resume; resolved options carry both epochs and steps.
  const { epochs: _epochs, steps: _steps, ...fixed } = options;
  const now = resolveTrainOptions(fixed);
  for (const k of FIXED_ON_RESUME) {
    const saved = recorded(checkpoint, k);
    const wanted = now[k];
    const differs = saved !== undefined && wanted !== undefined ? show(saved) !== show(wanted) : UNSET_MEANS_ALL.includes(k) && saved !== wanted;
    if (differs) {
      const was = saved === undefined && UNSET_MEANS_ALL.includes(k) ? 'unset (all points)' : show(saved);
      throw new OptionError(k, `must be ${was}, as when the checkpoint to resume was trained (got ${show(wanted)})`);
    }
  }
  const changes: ResumeChange[] = [];
  for (const k of MAY_CHANGE) {
    const saved = recorded(checkpoint, k) ?? (DEFAULT_TRAIN_OPTIONS as Partial<TrainOptions>)[k];
    const wanted = now[k];
    if (show(saved) !== show(wanted)) changes.push({ option: k, was: show(saved), now: show(wanted) });
  }
  return changes;
}
