// Checking and printing single data values, shared by the sets that check their values exactly
// against a declaration's support (CSV tables, in-memory arrays).
import type { Support } from '../support.js';

/** Why `value` is outside `s`, or undefined when it is inside. */
export function outside(value: number, s: Support): string | undefined {
  switch (s.kind) {
    case 'real':
      return Number.isFinite(value) ? undefined : 'values must be finite';
    case 'positive':
      return value > 0 ? undefined : 'values must be > 0';
    case 'unit':
      return value > 0 && value < 1 ? undefined : 'values must lie strictly between 0 and 1';
    case 'interval':
      return value > s.low && value < s.high ? undefined : `values must lie strictly between ${s.low} and ${s.high}`;
    case 'simplex':
      return value > 0 && value < 1 ? undefined : 'entries must lie strictly between 0 and 1';
    case 'binary':
      return value === 0 || value === 1 ? undefined : 'values must be 0 or 1';
    case 'int':
      return Number.isInteger(value) && value >= s.low && value <= s.high ? undefined : `values must be integers from ${s.low} to ${s.high}`;
    case 'count':
      return Number.isInteger(value) && value >= 0 ? undefined : 'values must be integers >= 0';
    case 'corr_cholesky':
      return value >= -1 && value <= 1 ? undefined : 'entries of a correlation Cholesky factor must lie in [-1, 1]';
  }
}

/** The shortest decimal that reads back as the same float32 (so a CSV round trip is exact). */
export function formatFloat32(x: number): string {
  if (Number.isInteger(x)) return String(x);
  for (let p = 1; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(Number(x.toPrecision(9)));
}
