// The Node flavours of the entry points, for the root entry `ppl-vi`: a model may be a file, data
// may be a spec string (`mnist`, `csv:PATH`, ...), checkpoints are read from and written to
// files. Everything else is api/engine.ts.
import { currentBackend, initBackend } from '../../runtime/backend.js';
import type { Checkpoint } from '../../inference/checkpoint.js';
import type { Model } from '../model.js';
import { fit as fitData, type FitOptions, type FitResult } from '../fit.js';
import { checkResume } from '../resume.js';
import type { TrainingData } from '../data.js';
import { openData } from './data-spec.js';
import { readCheckpoint } from '../../io/checkpoint-file.js';
import { restoreModel, type RestoreOptions, type TrainedModel } from '../trained.js';

export { readModelFile } from '../../io/model-file.js';
export { checkModel, loadModel, type ModelSource } from './model-source.js';
export { openData, type DataSpecOptions } from './data-spec.js';
export { readCheckpoint, saveCheckpoint } from '../../io/checkpoint-file.js';
export { FileWriteError, writeFileSafely, removeStaleTemps, type SafeWriteOptions, type WriteOps } from '../../io/safe-write.js';
export { lockRunFolder, type RunLock } from '../../io/run-lock.js';
export { inputsFromCsv } from '../../io/simulation-inputs.js';
export { installFrey, type InstallFreyOptions, type InstalledFrey } from '../../io/frey-install.js';
export { installMnist, MNIST_FILES, type InstallMnistOptions, type InstalledMnist } from '../../io/mnist-install.js';


/** The fastest backend that loads (tfjs-node, else wasm, else cpu), unless one was chosen with useBackend. */
async function ensureBackend(): Promise<void> {
  if (!currentBackend()) await initBackend('auto');
}

/**
 * fit, where the data may also be a spec string: it is opened with the options binarize,
 * threshold, trainSize and testSize, and recorded in checkpoints as the option `data`.
 */
export async function fit(model: Model, data: TrainingData | string, options: FitOptions = {}): Promise<FitResult> {
  await ensureBackend();
  if (typeof data !== 'string') return fitData(model, data, options);
  const withSpec: FitOptions = { ...options, data };
  // Refuse a mismatched checkpoint before reading what may be a large data set.
  if (withSpec.resume) checkResume(model, withSpec.resume, withSpec);
  const split = await openData(data, { binarize: options.binarize, threshold: options.threshold, trainSize: options.trainSize, testSize: options.testSize });
  return fitData(model, split, withSpec);
}

/** A trained model from a model and a checkpoint object or file (errors name the file). */
export async function loadTrained(model: Model, checkpoint: string | Checkpoint, options: RestoreOptions = {}): Promise<TrainedModel> {
  await ensureBackend();
  if (typeof checkpoint !== 'string') return restoreModel(model, checkpoint, options);
  return restoreModel(model, readCheckpoint(checkpoint), { ...options, origin: options.origin ?? checkpoint });
}
