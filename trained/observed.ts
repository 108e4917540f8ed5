// Which data a program models (observes through a `~` in the model) and which it only reads as
// inputs, and how a modelled data point is laid out as a picture when it is one.
import { UserError } from '../runtime/errors.js';
import type { LoweredData, LoweredProgram } from '../lang/lower/program.js';

/** Data declarations with a `~` in the model: what the model generates. */
export function modelledData(program: LoweredProgram): LoweredData[] {
  return program.data.filter((d) => d.modelled);
}

/** Data declarations the program reads but never models (covariates, inputs). */
export function inputData(program: LoweredProgram): LoweredData[] {
  return program.data.filter((d) => !d.modelled);
}

/** The one modelled data declaration, or `name` among them; a UserError naming `what` otherwise. */
export function primaryData(program: LoweredProgram, what: string, name?: string): LoweredData {
  const modelled = modelledData(program);
  if (name !== undefined) {
    const d = modelled.find((m) => m.name === name);
    if (!d) throw new UserError(`${program.file}: ${what}: no modelled data named '${name}' (modelled: ${modelled.map((m) => m.name).join(', ') || 'none'})`);
    return d;
  }
  if (modelled.length === 1) return modelled[0]!;
  if (modelled.length === 0) throw new UserError(`${program.file}: ${what}: the model observes no data (no 'data' variable is ~-ed in the model block)`);
  throw new UserError(`${program.file}: ${what}: the model observes several data variables (${modelled.map((m) => m.name).join(', ')}); this needs a model with one`);
}

export function valuesPerPoint(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Rows and columns of a picture. */
export interface ImageLayout {
  rows: number;
  cols: number;
}

/**
 * The picture a data point of this shape is: a declared [R, C] as is; a vector as the picture
 * its data came from (`picture`, from an image source or a checkpoint) when the sizes agree.
 * Anything else is a plain vector (undefined).
 */
export function imageLayout(shape: readonly number[], picture?: ImageLayout): ImageLayout | undefined {
  if (shape.length === 2) return { rows: shape[0]!, cols: shape[1]! };
  if (picture && picture.rows * picture.cols === valuesPerPoint(shape)) return { rows: picture.rows, cols: picture.cols };
  return undefined;
}
