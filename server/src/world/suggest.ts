/**
 * "Did you mean" for content errors: the known id (or field name) nearest to a misspelt one, by
 * Damerau-Levenshtein distance (optimal string alignment: an insertion, a deletion, a substitution
 * or a swap of two neighbours each cost 1), offered only when it is close.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment).
 * @example
 * editDistance('fibre', 'fiber'); // -> 1
 */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rows: the one before the previous is needed for transpositions.
  let before = new Array<number>(m + 1).fill(0);
  let previous = Array.from({ length: m + 1 }, (_, j) => j);
  let current = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    current[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[m]!;
}

/**
 * The largest distance still offered as a suggestion for a word of this length: one edit up to
 * 4 characters, two up to 8, three beyond (a shorter word has fewer letters to spare).
 */
export function suggestionLimit(length: number): number {
  return length <= 4 ? 1 : length <= 8 ? 2 : 3;
}

/**
 * The candidate nearest to `word` (letter case ignored), if it is within
 * {@link suggestionLimit}; ties go to the first in sorted order, so the answer is stable.
 * @example
 * nearest('fibre', ['fiber', 'flint', 'log']); // -> 'fiber'
 * nearest('plonk', ['stick', 'stone']); // -> undefined
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = suggestionLimit(word.length);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of [...candidates].sort()) {
    if (c === word) continue;
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance && d <= limit && d < Math.max(word.length, c.length)) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean 'x'?` for the nearest candidate, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = nearest(word, candidates);
  return hit === undefined ? '' : `; did you mean '${hit}'?`;
}
