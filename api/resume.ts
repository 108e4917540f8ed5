// May a run continue from this checkpoint? Only the same source, with the options that decide
// the data, the minibatches and the optimizer's state unchanged: then a resumed run draws
// exactly what an uninterrupted one would have.
import { OptionError } from '../runtime/errors.js';
import type { Checkpoint, OptionValue } from '../inference/checkpoint.js';
import { FIXED_ON_RESUME, resolveTrainOptions, type TrainOptions } from '../inference/train-options.js';
import type { Model } from './model.js';

/** Checkpoints written before the option was renamed recorded `baseline`. */
function recorded(ckpt: Checkpoint, option: (typeof FIXED_ON_RESUME)[number]): OptionValue | undefined {
  return ckpt.flags[option] ?? (option === 'baselines' ? ckpt.flags['baseline'] : undefined);
}

/** Throws an OptionError naming the first reason `checkpoint` cannot be resumed with `options`. */
export function checkResume(model: Model, checkpoint: Checkpoint, options: Partial<TrainOptions> = {}): void {
  if (checkpoint.model.sha256 !== model.sha256) {
    throw new OptionError('resume', `the checkpoint was trained from a different version of ${model.file} (source hash differs); train afresh`);
  }
  // The run's length may change on resume; resolved options carry both epochs and steps.
  const { epochs: _epochs, steps: _steps, ...fixed } = options;
  const now = resolveTrainOptions(fixed);
  for (const k of FIXED_ON_RESUME) {
    const saved = recorded(checkpoint, k);
    const wanted = now[k];
    if (saved !== undefined && wanted !== undefined && String(saved) !== String(wanted)) {
      throw new OptionError(k, `must be ${String(saved)}, as when the checkpoint to resume was trained (got ${String(wanted)})`);
    }
  }
}
