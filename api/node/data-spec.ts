// Data named by a spec string (Node only: it reads files): `mnist`, `mnist:DIR`, `csv:PATH`,
// `idx:PATH`, `frey:PATH` (docs/data.md). The one module of the library that opens data.
import { openData as openSpec, type OpenDataOptions } from '../../io/read-data.js';
import type { DataSplit } from '../../runtime/data/dataset.js';
import { DEFAULT_TRAIN_OPTIONS } from '../../inference/train-options.js';

export type DataSpecOptions = Partial<OpenDataOptions>;

/** The train/test split a spec names; binarization defaults to the training default ('dynamic'). */
export async function openData(spec: string, options: DataSpecOptions = {}): Promise<DataSplit> {
  return openSpec(spec, { ...options, binarize: options.binarize ?? DEFAULT_TRAIN_OPTIONS.binarize });
}
