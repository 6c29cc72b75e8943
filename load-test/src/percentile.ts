import type { LatencySummary } from './histogram';

/**
 * The nearest-rank percentile of a list of values: the smallest value such that at least
 * `q * n` values are at or below it. Exact, for short lists (per-tick server durations).
 * @returns 0 for an empty list.
 * @throws RangeError if q is outside 0..1.
 * @example
 * percentile([5, 1, 3], 0.5); // -> 3
 */
export function percentile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within 0..1, got ${q}`);
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * Count, p50, p99, max and mean of a list of values (exact).
 * @example
 * summarize([1, 2, 3, 4]); // -> { count: 4, p50Ms: 2, p99Ms: 4, maxMs: 4, meanMs: 2.5 }
 */
export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 };
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * n) - 1)]!;
  return { count: n, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[n - 1]!, meanMs: sum / n };
}
