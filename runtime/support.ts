// Supports (the set a random variable lives in) and domains (what a declaration says a value
// is). They are the same vocabulary: `latent s : positive[3]` declares support `positive`.

export type Support =
  | { kind: 'real' }
  | { kind: 'positive' }
  | { kind: 'unit' }
  | { kind: 'binary' }
  | { kind: 'int'; low: number; high: number };

export type SupportKind = Support['kind'];

export const REAL: Support = { kind: 'real' };
export const POSITIVE: Support = { kind: 'positive' };
export const UNIT: Support = { kind: 'unit' };
export const BINARY: Support = { kind: 'binary' };

export function describeSupport(s: Support): string {
  switch (s.kind) {
    case 'real':
      return 'real';
    case 'positive':
      return 'positive';
    case 'unit':
      return 'unit (0, 1)';
    case 'binary':
      return 'binary {0, 1}';
    case 'int':
      return `int(${s.low}, ${s.high})`;
  }
}

export function isDiscrete(s: Support): boolean {
  return s.kind === 'binary' || s.kind === 'int';
}

/** Does support `a` contain every value of support `b`? */
export function covers(a: Support, b: Support): boolean {
  switch (a.kind) {
    case 'real':
      return b.kind === 'real' || b.kind === 'positive' || b.kind === 'unit';
    case 'positive':
      return b.kind === 'positive';
    case 'unit':
      return b.kind === 'unit';
    case 'binary':
      return b.kind === 'binary' || (b.kind === 'int' && b.low >= 0 && b.high <= 1);
    case 'int':
      if (b.kind === 'binary') return a.low <= 0 && a.high >= 1;
      return b.kind === 'int' && a.low <= b.low && a.high >= b.high;
  }
}

/** Same set of values (used for "the guide's support must be the latent's"). */
export function sameSupport(a: Support, b: Support): boolean {
  return covers(a, b) && covers(b, a);
}
