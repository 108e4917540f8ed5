// "Did you mean" suggestions by edit distance.

/** Optimal-string-alignment distance: a swap of two adjacent letters counts as one edit, a change of case as half. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const x = a[i - 1]!;
      const y = b[j - 1]!;
      const cost = x === y ? 0 : x.toLowerCase() === y.toLowerCase() ? 0.5 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x === b[j - 2] && a[i - 2] === y) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate within a distance that grows with the name's length. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  // One-letter names are all one edit apart: only a change of case counts as a typo there.
  const limit = name.length <= 1 ? 0.5 : Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const dist = editDistance(name, c);
    if (dist <= limit && dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

/** `; did you mean X?` or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c === undefined ? '' : `; did you mean ${c}?`;
}

/** `; did you mean X?` when a candidate is close, else `otherwise` (e.g. the list of valid names). */
export function suggestOr(name: string, candidates: Iterable<string>, otherwise: string): string {
  const c = closest(name, candidates);
  return c === undefined ? otherwise : `; did you mean ${c}?`;
}
