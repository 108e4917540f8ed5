// The Checkpoint of a training run as it stands: what fit hands to onCheckpoint and returns.
// Values are copied, so a checkpoint kept in memory does not change as training goes on.
import { tf } from '../runtime/tf.js';
import { currentBackend } from '../runtime/backend.js';
import type { Checkpoint } from '../inference/checkpoint.js';
import type { Trainer } from '../inference/train.js';
import type { TrainOptions } from '../inference/train-options.js';
import type { Model } from './model.js';
import type { Picture } from '../runtime/data/dataset.js';

/** The options as a checkpoint records them (unset ones left out). */
export function optionRecord(options: TrainOptions): Checkpoint['flags'] {
  const out: Checkpoint['flags'] = {};
  for (const [k, v] of Object.entries(options) as [string, Checkpoint['flags'][string] | undefined][]) if (v !== undefined) out[k] = v;
  // A run of `steps` is not one of `epochs`: the default epochs recorded beside it would mislead.
  if (options.steps !== undefined) delete out['epochs'];
  return out;
}

/** The pictures among the data the trainer binds: a checkpoint keeps them for drawing samples. */
function picturesOf(trainer: Trainer): Pick<Checkpoint, 'pictures'> {
  const pictures: Record<string, Picture> = {};
  for (const [decl, field] of trainer.bindings) {
    const picture = trainer.data.train.fields.find((f) => f.name === field)?.picture;
    if (picture) pictures[decl] = { ...picture };
  }
  return Object.keys(pictures).length ? { pictures } : {};
}

function inEpochOf(trainer: Trainer): Pick<Checkpoint, 'inEpoch'> {
  const inEpoch = trainer.position();
  return inEpoch ? { inEpoch } : {};
}

export async function buildCheckpoint(model: Model, options: TrainOptions, trainer: Trainer): Promise<Checkpoint> {
  const optimizer = await trainer.optimizerState();
  return {
    model: { file: model.file, sha256: model.sha256 },
    flags: optionRecord(options),
    backend: currentBackend()?.name ?? tf.getBackend(),
    epoch: trainer.epoch,
    step: trainer.step,
    history: trainer.history.map((r) => ({ ...r })),
    ...inEpochOf(trainer),
    params: trainer.snapshot().map((p) => ({ ...p, shape: [...p.shape], values: p.values.slice() })),
    optimizer,
    ...picturesOf(trainer),
    savedAt: new Date().toISOString(),
  };
}
