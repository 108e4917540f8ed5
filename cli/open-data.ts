// Open the data a command trains on and bind it to a model's data declarations, printing domain
// warnings and a one-line description: shared by train, grads and compare (the trained-model
// commands go through cli/trained.ts, which also reads the data flags a checkpoint was trained with).
import { flagText } from './flag-errors.js';
import { bindSplit, openData, type Binarize, type BoundSplit, type Model } from '../api/index.js';

export interface DataSetupFlags {
  data: string;
  binarize: Binarize;
  threshold: number;
  trainSize?: number;
  testSize?: number;
}

/** `print` takes the description line (default: stdout); warnings always go to stderr. */
export async function openBoundData(model: Model, flags: DataSetupFlags, print: (line: string) => void = (line) => process.stdout.write(line)): Promise<BoundSplit> {
  const split = await openData(flags.data, { binarize: flags.binarize, threshold: flags.threshold, trainSize: flags.trainSize, testSize: flags.testSize });
  const bound = bindSplit(model, split);
  for (const w of bound.warnings) process.stderr.write(`warning: ${flagText(w)}\n`);
  print(`data: ${flagText(split.description)}\n`);
  return bound;
}
