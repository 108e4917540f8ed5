// Static limits on what a program may ask to allocate, checked before any tensor exists: the
// parameters a program declares (checker rule `limits`) and, once the training options are known,
// the activations of a step (particles x batch x the widest value of one data point). Both are
// measured against one stated memory budget, so `mlp(D -> 1e9 -> 3)` or `--particles 1e9` is a
// located message instead of minutes of swapping and a crash.
import { netFamily } from './nets/registry.js';
import { OptionError } from '../runtime/errors.js';
import { shapeSize } from '../runtime/data/dataset.js';
import type { CheckedProgram } from './checked.js';

export { shapeSize };

/** The memory a training run may plan for: 4 GiB. Above it, the checker and fit refuse. */
export const MEMORY_BUDGET_BYTES = 4 * 2 ** 30;
/** float32. */
export const BYTES_PER_VALUE = 4;
/**
 * Copies of every parameter a training step keeps: the value, its gradient, and the optimizer's
 * two moments (Adam).
 */
export const COPIES_PER_PARAMETER = 4;
/**
 * Copies of every activation a step keeps: forward values, their gradients, and temporaries of
 * the distributions' log-densities (a generous round figure).
 */
export const COPIES_PER_ACTIVATION = 4;

/** The most parameters a program may have: the budget over the copies training keeps. */
export const MAX_PARAMETERS = Math.floor(MEMORY_BUDGET_BYTES / (BYTES_PER_VALUE * COPIES_PER_PARAMETER));



/** A byte count for messages: 1.5 GB, 12 MB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unbounded';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? Math.round(v) : v.toPrecision(3)} ${units[u]}`;
}

/** The widest value one data point carries through a step: a data or latent value, or a layer of a net. */
export function widestPerPoint(checked: CheckedProgram): { width: number; what: string } {
  let best = { width: 1, what: 'a scalar' };
  const consider = (width: number, what: string): void => {
    if (width > best.width) best = { width, what };
  };
  for (const d of checked.data) consider(shapeSize(d.shape), `data ${d.name}`);
  for (const l of checked.latents) consider(shapeSize(l.shape), `latent ${l.name}`);
  for (const n of checked.nets) {
    for (const w of netFamily(n.family).widths(n.spec)) consider(w.width, `${w.what} of net ${n.name}`);
    for (const h of n.heads ?? []) consider(h.size, `head '${h.name}' of net ${n.name}`);
  }
  return best;
}

/**
 * Refuses training options whose step would need more than the memory budget: particles x batch
 * size x the widest per-point value x the copies a step keeps. Thrown as an OptionError naming
 * `particles` (or `batchSize` when one particle already does not fit).
 */
export function checkStepMemory(checked: CheckedProgram, particles: number, batchSize: number): void {
  const widest = widestPerPoint(checked);
  const bytes = particles * batchSize * widest.width * BYTES_PER_VALUE * COPIES_PER_ACTIVATION;
  if (bytes <= MEMORY_BUDGET_BYTES) return;
  const option = batchSize * widest.width * BYTES_PER_VALUE * COPIES_PER_ACTIVATION > MEMORY_BUDGET_BYTES && particles === 1 ? 'batchSize' : 'particles';
  const fits = Math.max(1, Math.floor(MEMORY_BUDGET_BYTES / (batchSize * widest.width * BYTES_PER_VALUE * COPIES_PER_ACTIVATION)));
  throw new OptionError(
    option,
    `is too large: ${particles} particle(s) x ${batchSize} points per batch x ${widest.width} values of ${widest.what} need about ${formatBytes(bytes)} of activations per step (${BYTES_PER_VALUE} bytes x ${COPIES_PER_ACTIVATION} copies each), ` +
      `more than the ${formatBytes(MEMORY_BUDGET_BYTES)} budget; ${option === 'particles' ? `at most ${fits} particle(s) fit with this batch size` : 'use a smaller batch'}`,
  );
}
