// A checkpoint's parameters in a plain format other tools read without this library: JSON with
// each parameter as nested arrays of its declared shape, in the constrained space the model uses
// (a positive scale is positive), beside the unconstrained values the optimizer works on where
// they differ. docs/checkpoint-format.md describes both this and the checkpoint itself.
import { tf } from '../runtime/tf.js';
import { bijection, describeConstraint } from '../runtime/constraints.js';
import type { Checkpoint } from '../inference/checkpoint.js';

export type NestedArray = number | NestedArray[];

export interface ExportedParameter {
  shape: number[];
  /** `real`, `positive`, `unit`, `simplex` or `interval(a, b)`. */
  constraint: string;
  /** The value the model uses, nested arrays of `shape`. */
  value: NestedArray;
  /** The optimizer's unconstrained value (absent for `real`, where it is the same). */
  unconstrained?: NestedArray;
}

export interface ExportedParameters {
  format: 'ppl-parameters';
  version: 1;
  model: { file: string; sha256: string };
  epoch: number;
  step: number;
  parameters: Record<string, ExportedParameter>;
}

/** Flat row-major values as nested arrays of `shape` ([] is a scalar). */
export function nested(values: ArrayLike<number>, shape: readonly number[]): NestedArray {
  const build = (offset: number, axis: number): NestedArray => {
    if (axis === shape.length) return values[offset]!;
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[axis]! }, (_, i) => build(offset + i * stride, axis + 1));
  };
  return build(0, 0);
}

/** Every parameter of `checkpoint` (the program's and the baselines'), constrained and as saved. */
export function exportParameters(checkpoint: Checkpoint): ExportedParameters {
  const parameters: Record<string, ExportedParameter> = {};
  for (const p of checkpoint.params) {
    const value = tf.tidy(() => bijection(p.constraint).forward(tf.tensor(p.values, p.shape, 'float32')));
    const shape = [...value.shape];
    const constrained = value.dataSync();
    value.dispose();
    const real = p.constraint === 'real';
    parameters[p.name] = {
      shape,
      constraint: describeConstraint(p.constraint),
      value: nested(Array.from(constrained), shape),
      ...(real ? {} : { unconstrained: nested(Array.from(p.values), p.shape) }),
    };
  }
  return { format: 'ppl-parameters', version: 1, model: checkpoint.model, epoch: checkpoint.epoch, step: checkpoint.step, parameters };
}
