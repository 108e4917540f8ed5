// Which entries of each data point are hidden for inpainting. Built-in masks for pictures
// (a half, a centred square), random entries for anything, or an explicit 0/1 pattern.
import { OptionError } from '../runtime/errors.js';
import type { Rng } from '../runtime/random.js';
import type { ImageLayout } from './observed.js';

export type MaskSpec =
  | { kind: 'top' | 'bottom' | 'left' | 'right' }
  | { kind: 'square'; size: number }
  | { kind: 'random'; fraction: number }
  /** 1 = hidden, one entry per value of a data point (the same mask for every point). */
  | { kind: 'pattern'; hidden: Uint8Array; origin: string };

export const MASK_SPEC_FORMS =
  "top, bottom, left, right (that half hidden), square:K (a centred KxK square hidden), random:F (a fraction F of the entries of each point hidden at random), or a file: a PNG whose white pixels, or a CSV of 0/1 whose 1s, mark the hidden entries";

/** The built-in forms; a file name is returned as { file } for the caller to read. */
export function parseMaskSpec(spec: string): MaskSpec | { kind: 'file'; path: string } {
  if (spec === 'top' || spec === 'bottom' || spec === 'left' || spec === 'right') return { kind: spec };
  const m = /^(square|random):(.*)$/.exec(spec);
  if (m) {
    const v = Number(m[2]);
    if (m[1] === 'square') {
      if (!Number.isInteger(v) || v < 1) throw new OptionError('mask', `\`mask\` ${spec}: the square's side must be a positive whole number of pixels`);
      return { kind: 'square', size: v };
    }
    if (!Number.isFinite(v) || v <= 0 || v >= 1) throw new OptionError('mask', `\`mask\` ${spec}: the fraction must be a number strictly between 0 and 1`);
    return { kind: 'random', fraction: v };
  }
  if (/\.(png|csv)$/i.test(spec)) return { kind: 'file', path: spec };
  throw new OptionError('mask', `unknown \`mask\` '${spec}'; accepted: ${MASK_SPEC_FORMS}`);
}

function describe(spec: MaskSpec): string {
  switch (spec.kind) {
    case 'square':
      return `square:${spec.size}`;
    case 'random':
      return `random:${spec.fraction}`;
    case 'pattern':
      return spec.origin;
    default:
      return spec.kind;
  }
}

/**
 * Hidden-entry masks for `count` points of `size` values each: [count * size], 1 = hidden.
 * Picture masks need `layout`; random masks draw a fresh pattern per point from `rng`.
 */
export function buildHiddenMask(spec: MaskSpec, size: number, count: number, layout: ImageLayout | undefined, rng: Rng): Uint8Array {
  const one = new Uint8Array(size);
  switch (spec.kind) {
    case 'random': {
      const out = new Uint8Array(count * size);
      const k = Math.max(1, Math.round(spec.fraction * size));
      for (let i = 0; i < count; i++) {
        const perm = rng.permutation(size);
        for (let j = 0; j < k; j++) out[i * size + perm[j]!] = 1;
      }
      return out;
    }
    case 'pattern':
      if (spec.hidden.length !== size) {
        throw new OptionError('mask', `\`mask\` ${spec.origin}: has ${spec.hidden.length} entries, a data point has ${size}`);
      }
      one.set(spec.hidden);
      break;
    default: {
      if (!layout) throw new OptionError('mask', `\`mask\` ${describe(spec)} needs pictures; a data point here is a vector of ${size} values (use random:F or a CSV mask)`);
      const { rows, cols } = layout;
      let hidden: (r: number, c: number) => boolean;
      if (spec.kind === 'top') hidden = (r) => r < rows / 2;
      else if (spec.kind === 'bottom') hidden = (r) => r >= rows / 2;
      else if (spec.kind === 'left') hidden = (_r, c) => c < cols / 2;
      else if (spec.kind === 'right') hidden = (_r, c) => c >= cols / 2;
      else if (spec.kind === 'square') {
        const k = spec.size;
        if (k > Math.min(rows, cols)) throw new OptionError('mask', `\`mask\` square:${k}: larger than the ${rows}x${cols} picture`);
        const r0 = Math.floor((rows - k) / 2);
        const c0 = Math.floor((cols - k) / 2);
        hidden = (r, c) => r >= r0 && r < r0 + k && c >= c0 && c < c0 + k;
      } else throw new Error('internal: unknown mask kind');
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) one[r * cols + c] = hidden(r, c) ? 1 : 0;
    }
  }
  let any = false;
  for (const v of one) any ||= v === 1;
  if (!any) throw new OptionError('mask', `\`mask\` ${describe(spec)} hides nothing`);
  const out = new Uint8Array(count * size);
  for (let i = 0; i < count; i++) out.set(one, i * size);
  return out;
}
