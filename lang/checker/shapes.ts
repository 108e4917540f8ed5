// Event shapes: numpy broadcasting and shape formatting.
import type { Shape } from '../checked.js';
import { formatShape } from '../builtins.js';

export { formatShape };

/** numpy broadcasting (aligned from the right); undefined when the shapes are incompatible. */
export function broadcast(a: Shape, b: Shape): Shape | undefined {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Does `from` broadcast to exactly `to` (no axis of `to` grows)? */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  const b = broadcast(from, to);
  return b !== undefined && sameShape(b, to);
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
