// How numbers read in messages and descriptions: counts with thousands separators (8,004), the
// same on every machine whatever its locale.
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
