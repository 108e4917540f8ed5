// Exact enumeration of discrete latents: every joint value of a finite-support site, laid out
// along an enumeration axis that the model folds into its particle axis.
import type { Support } from './support.js';

/** Enumerating more joint values than this is refused (the cost is linear in it). */
export const MAX_ENUMERATION = 1024;

/** The values one element can take, or undefined for an infinite or continuous support. */
export function supportValues(s: Support): number[] | undefined {
  if (s.kind === 'binary') return [0, 1];
  if (s.kind === 'int' && Number.isFinite(s.low) && Number.isFinite(s.high)) {
    return Array.from({ length: s.high - s.low + 1 }, (_, i) => s.low + i);
  }
  return undefined;
}

/** How many values one element can take (Infinity for an infinite or continuous support), without listing them. */
export function supportCount(s: Support): number {
  if (s.kind === 'binary') return 2;
  if (s.kind === 'int' && Number.isFinite(s.low) && Number.isFinite(s.high)) return s.high - s.low + 1;
  return Infinity;
}

/**
 * Number of joint values of a site of this support and event shape (Infinity if not finite).
 * Counted, never listed: the checker asks before refusing a table of 10^8 values.
 */
export function enumerationSize(s: Support, shape: readonly number[]): number {
  return supportCount(s) ** shape.reduce((a, b) => a * b, 1);
}

/**
 * All joint values, [E * size] row-major: row e holds the site's elements for joint value e,
 * element j being values[floor(e / |values|^j) mod |values|].
 */
export function enumerationTable(values: readonly number[], shape: readonly number[]): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const e = values.length ** size;
  const out = new Float32Array(e * size);
  for (let row = 0; row < e; row++) {
    let rest = row;
    for (let j = 0; j < size; j++) {
      out[row * size + j] = values[rest % values.length]!;
      rest = Math.floor(rest / values.length);
    }
  }
  return out;
}
