// Open the data a command trains on and bind it to a program's data declarations: shared by
// train, grads and compare (the trained-model commands go through cli/trained.ts, which also
// reads the data flags a checkpoint was trained with).
import type { CheckedProgram } from '../lang/checked.js';
import { bindFields, domainWarnings, type Binarize, type DataSplit } from '../runtime/data/index.js';
import { openData } from '../io/index.js';
import { flagText } from './flag-errors.js';

export interface DataSetupFlags {
  data: string;
  binarize: Binarize;
  threshold: number;
  trainSize?: number;
  testSize?: number;
}

/** Open `--data`, bind its fields to the program's data, print domain warnings and a one-line description. */
export async function openBoundData(checked: CheckedProgram, flags: DataSetupFlags): Promise<{ split: DataSplit; bindings: Map<string, string> }> {
  const split = await openData(flags.data, { binarize: flags.binarize, threshold: flags.threshold, trainSize: flags.trainSize, testSize: flags.testSize });
  const bindings = bindFields(checked.data, split.train);
  for (const w of domainWarnings(checked.data, split.train, bindings)) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(`data: ${flagText(split.description)}\n`);
  return { split, bindings };
}
