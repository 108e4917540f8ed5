// "Did you mean" suggestions by edit distance.

/** Optimal-string-alignment distance: a swap of two adjacent letters counts as one edit, a change of case as half. */
export function editDistance(a: string, b: string): number {
  // Three rows of the table (the swap looks two rows back), not the whole table.
  let before = new Float64Array(b.length + 1);
  let prev = Float64Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Float64Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const x = a[i - 1]!;
      const y = b[j - 1]!;
      const cost = x === y ? 0 : x.toLowerCase() === y.toLowerCase() ? 0.5 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && x === b[j - 2] && a[i - 2] === y) v = Math.min(v, before[j - 2]! + 1);
      row[j] = v;
    }
    [before, prev, row] = [prev, row, before];
  }
  return prev[b.length]!;
}

/**
 * Work left for suggestions in this check, in cells of the edit-distance table. A file with
 * 10,000 undefined names among 10,000 lets would otherwise compare every pair (minutes); once
 * the budget is spent, no more suggestions are made, and checking stays linear in the errors.
 */
let budget = Infinity;
/** About a quarter of a second of comparisons. */
export const SUGGESTION_BUDGET = 5_000_000;

/** Run `check` with a fresh suggestion budget. */
export function withSuggestionBudget<T>(check: () => T, cells = SUGGESTION_BUDGET): T {
  const saved = budget;
  budget = cells;
  try {
    return check();
  } finally {
    budget = saved;
  }
}

/** The closest candidate within a distance that grows with the name's length. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  // One-letter names are all one edit apart: only a change of case counts as a typo there.
  const limit = name.length <= 1 ? 0.5 : Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    // Every inserted or deleted letter costs 1: names of very different lengths are no typos.
    if (Math.abs(c.length - name.length) > limit) continue;
    budget -= (name.length + 1) * (c.length + 1) + 20;
    if (budget < 0) return undefined;
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
