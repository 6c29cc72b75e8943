/**
 * ROC analysis of detector scores: the curve, its area, the true-positive rate at a fixed
 * false-positive rate, and the threshold that keeps false positives under a target.
 * Convention: a higher score means "more likely a bot"; a score >= threshold is flagged.
 */

/** One point of an ROC curve. */
export interface RocPoint {
  readonly fpr: number;
  readonly tpr: number;
  /** Scores >= this are flagged at this point. */
  readonly threshold: number;
}

/**
 * The ROC curve of positive (bot) and negative (human) scores, from (0,0) to (1,1), one point per
 * distinct score (ties move both rates at once, as they must).
 * @example
 * rocCurve([0.9, 0.8], [0.1, 0.85]); // -> [{fpr:0,tpr:0,...}, {fpr:0,tpr:0.5}, {fpr:0.5,tpr:0.5}, {fpr:0.5,tpr:1}, {fpr:1,tpr:1}]
 */
export function rocCurve(positives: readonly number[], negatives: readonly number[]): RocPoint[] {
  const all = [...positives.map((s) => [s, 1] as const), ...negatives.map((s) => [s, 0] as const)].sort(
    (a, b) => b[0] - a[0],
  );
  const P = positives.length;
  const N = negatives.length;
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < all.length;) {
    const s = all[i]![0];
    while (i < all.length && all[i]![0] === s) {
      if (all[i]![1] === 1) tp++;
      else fp++;
      i++;
    }
    points.push({ fpr: N > 0 ? fp / N : 0, tpr: P > 0 ? tp / P : 0, threshold: s });
  }
  return points;
}

/**
 * Area under the ROC curve: the probability that a random bot scores above a random human (ties
 * count half). NaN if either side is empty.
 * @example
 * rocAuc([0.9, 0.8], [0.1, 0.85]); // -> 0.75
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  // Rank-sum (Mann-Whitney U) with midranks for ties: O(n log n).
  const all = [...positives.map((s) => [s, 1] as const), ...negatives.map((s) => [s, 0] as const)].sort(
    (a, b) => a[0] - b[0],
  );
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]![0] === all[i]![0]) j++;
    const midrank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k]![1] === 1) rankSum += midrank;
    i = j;
  }
  const P = positives.length;
  const N = negatives.length;
  return (rankSum - (P * (P + 1)) / 2) / (P * N);
}

/**
 * The highest true-positive rate reachable with a false-positive rate at most `maxFpr`
 * (thresholds taken from the scores, so no interpolation flatters the figure).
 */
export function tprAtFpr(positives: readonly number[], negatives: readonly number[], maxFpr: number): number {
  let best = 0;
  for (const p of rocCurve(positives, negatives)) if (p.fpr <= maxFpr + 1e-12 && p.tpr > best) best = p.tpr;
  return best;
}

/**
 * The lowest threshold at which at most `maxFpr` of `negatives` score >= it: the operating point
 * for a false-positive budget. Above every negative when the budget allows none.
 */
export function thresholdForFpr(negatives: readonly number[], maxFpr: number): number {
  if (negatives.length === 0) return 0.5;
  const sorted = [...negatives].sort((a, b) => b - a);
  const allowed = Math.floor(maxFpr * sorted.length + 1e-9);
  // Flag strictly above the (allowed+1)-th highest human score.
  const guard = sorted[Math.min(allowed, sorted.length - 1)]!;
  return nextUp(guard);
}

/** Share of scores >= threshold. */
export function flaggedRate(scores: readonly number[], threshold: number): number {
  if (scores.length === 0) return Number.NaN;
  let k = 0;
  for (const s of scores) if (s >= threshold) k++;
  return k / scores.length;
}

function nextUp(x: number): number {
  if (x >= 1) return 1 + Number.EPSILON;
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  if (x === 0) return Number.MIN_VALUE;
  bits[0] = x > 0 ? bits[0]! + 1n : bits[0]! - 1n;
  return buf[0]!;
}
