// Data as the library takes it: a data set whose fields are bound to a model's `data`
// declarations. This is the one module of the library that calls the data layer's binding
// (bindFields, domainWarnings); opening a data spec is api/data-spec.ts (Node only).
import { bindFields, domainWarnings } from '../runtime/data/bind.js';
import type { Dataset, DataSplit } from '../runtime/data/dataset.js';
import type { Bindings } from '../inference/minibatch.js';
import type { Model } from './model.js';

export type { Batch, Dataset, DataSplit, FieldInfo } from '../runtime/data/dataset.js';
export type { Bindings } from '../inference/minibatch.js';

/** A data set and how a model's data declarations find their fields in it. */
export interface BoundData {
  dataset: Dataset;
  /** Declared data name -> field name. */
  bindings: Bindings;
  /** Declarations whose declared domain does not contain their field's values (not errors). */
  warnings: string[];
}

/** What the trained-model functions take: a data set (bound on the spot) or one bound already. */
export type DataInput = Dataset | BoundData;

/**
 * Bind every data declaration of `model` to a field of `dataset` (by name, else by size when
 * unambiguous); a UserError says which declaration finds no field.
 */
export function bindData(model: Model, dataset: Dataset): BoundData {
  const bindings = bindFields(model.checked.data, dataset);
  return { dataset, bindings, warnings: domainWarnings(model.checked.data, dataset, bindings) };
}

export function isBound(data: DataInput): data is BoundData {
  return 'bindings' in data && 'dataset' in data;
}

export function asBound(model: Model, data: DataInput): BoundData {
  return isBound(data) ? data : bindData(model, data);
}

/** The train and test sets of a split, both bound like its training set. */
export interface BoundSplit {
  split: DataSplit;
  bindings: Bindings;
  warnings: string[];
}

export function bindSplit(model: Model, split: DataSplit): BoundSplit {
  const { bindings, warnings } = bindData(model, split.train);
  return { split, bindings, warnings: [...(split.warnings ?? []), ...warnings] };
}

/** What fit accepts as training data (and, in Node, a data spec string: api/node.ts). */
export type TrainingData = DataSplit | BoundSplit;

export function isBoundSplit(data: TrainingData): data is BoundSplit {
  return 'split' in data && 'bindings' in data;
}

/**
 * The one place fit turns its data argument into a bound split. Plain arrays in memory plug in
 * here: once the data layer's arrayData (columns -> DataSplit) exists, TrainingData gains the
 * columns form and this function converts it with arrayData before binding.
 */
export function trainingSplit(model: Model, data: TrainingData): BoundSplit {
  return isBoundSplit(data) ? data : bindSplit(model, data);
}
