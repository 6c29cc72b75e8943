/**
 * A mergeable latency histogram with log-linear buckets (the HdrHistogram layout): values are
 * recorded in microseconds, exact below 128 µs and within 1/128 (0.8 %) above, up to about 35
 * minutes. Workers record into their own histogram and ship its counts to the driver once a
 * second; the driver merges them, so percentiles cover every sample, not a sample of samples.
 */

/** Sub-buckets per power of two: the relative precision is 1 / SUB_BUCKETS. */
const SUB_BUCKETS = 128;
const HALF = SUB_BUCKETS / 2;
/** Largest recordable value in µs (2^31 - 1, about 35.8 minutes); larger values are clamped. */
const MAX_US = 0x7fffffff;
/** Bucket count: 128 exact buckets, then 64 per power of two up to 2^31. */
export const HISTOGRAM_BUCKETS = (31 - 6) * HALF + SUB_BUCKETS;

/** The serialisable form of a histogram: what a worker posts to the driver. */
export interface HistogramData {
  /** Sparse counts: bucket index, count, bucket index, count... */
  readonly buckets: readonly number[];
  readonly count: number;
  readonly sumMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Bucket index of a value in µs. */
function bucketOf(us: number): number {
  if (us < SUB_BUCKETS) return us;
  const msb = 31 - Math.clz32(us);
  const shift = msb - 6;
  return shift * HALF + (us >>> shift);
}

/** Midpoint of a bucket in µs (exact for the first 128). */
function bucketValue(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const shift = Math.floor(index / HALF) - 1;
  const mantissa = index - shift * HALF;
  const lower = mantissa * 2 ** shift;
  return lower + (2 ** shift - 1) / 2;
}

/**
 * Latency histogram in milliseconds.
 * @example
 * const h = createLatencyHistogram();
 * h.record(12.5);
 * h.percentile(0.99); // -> 12.5
 */
export class LatencyHistogram {
  readonly #counts = new Float64Array(HISTOGRAM_BUCKETS);
  #count = 0;
  #sumMs = 0;
  #minMs = Infinity;
  #maxMs = 0;

  /** Records one value in ms. Negative values count as 0 (clock skew between processes). */
  record(ms: number): void {
    if (!(ms > 0)) ms = 0;
    const us = Math.min(MAX_US, Math.round(ms * 1000));
    this.#counts[bucketOf(us)]!++;
    this.#count++;
    this.#sumMs += ms;
    if (ms < this.#minMs) this.#minMs = ms;
    if (ms > this.#maxMs) this.#maxMs = ms;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#count;
  }

  /** Largest recorded value, exact (0 when empty). */
  get maxMs(): number {
    return this.#maxMs;
  }

  /** Smallest recorded value, exact (0 when empty). */
  get minMs(): number {
    return this.#count === 0 ? 0 : this.#minMs;
  }

  /** Mean, exact (0 when empty). */
  get meanMs(): number {
    return this.#count === 0 ? 0 : this.#sumMs / this.#count;
  }

  /**
   * The value at quantile `q` (0..1) by nearest rank, within 0.8 %, clamped to the exact min and max.
   * @returns 0 when empty.
   * @throws RangeError if q is outside 0..1.
   */
  percentile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be within 0..1, got ${q}`);
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    const counts = this.#counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= rank) return Math.min(this.#maxMs, Math.max(this.minMs, bucketValue(i) / 1000));
    }
    return this.#maxMs;
  }

  /** Adds another histogram's values to this one. */
  merge(other: LatencyHistogram | HistogramData): void {
    const data = other instanceof LatencyHistogram ? other.toData() : other;
    if (data.count === 0) return;
    const b = data.buckets;
    for (let i = 0; i < b.length; i += 2) this.#counts[b[i]!]! += b[i + 1]!;
    this.#count += data.count;
    this.#sumMs += data.sumMs;
    if (data.minMs < this.#minMs) this.#minMs = data.minMs;
    if (data.maxMs > this.#maxMs) this.#maxMs = data.maxMs;
  }

  /** The sparse serialisable form (structured-clone and JSON safe). */
  toData(): HistogramData {
    const buckets: number[] = [];
    const counts = this.#counts;
    for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) buckets.push(i, counts[i]!);
    return { buckets, count: this.#count, sumMs: this.#sumMs, minMs: this.minMs, maxMs: this.#maxMs };
  }

  /** Empties the histogram. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sumMs = 0;
    this.#minMs = Infinity;
    this.#maxMs = 0;
  }

  /** p50, p99, max and mean, the figures every report quotes. */
  summary(): LatencySummary {
    return {
      count: this.#count,
      p50Ms: this.percentile(0.5),
      p99Ms: this.percentile(0.99),
      maxMs: this.#maxMs,
      meanMs: this.meanMs,
    };
  }
}

/** The figures reported for a latency distribution. */
export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/**
 * Creates an empty latency histogram, or one holding the given data.
 * @example
 * const total = createLatencyHistogram();
 * for (const data of workerReports) total.merge(data);
 */
export function createLatencyHistogram(data?: HistogramData): LatencyHistogram {
  const h = new LatencyHistogram();
  if (data !== undefined) h.merge(data);
  return h;
}
