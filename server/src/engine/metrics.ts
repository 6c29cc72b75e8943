/** Percentile summary of recent ticks. */
export interface TickStats {
  /** Ticks run since start. */
  readonly ticks: number;
  /** Ticks that took longer than `tickMs`. */
  readonly overruns: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Mean reducer calls per tick over the window. */
  readonly callsPerTick: number;
  /** Mean rows changed per tick over the window. */
  readonly rowsChangedPerTick: number;
  /** Total calls run since start. */
  readonly totalCalls: number;
  /** Total calls that failed (rolled back). */
  readonly failedCalls: number;
}

/**
 * Tick duration histogram over a sliding window of recent ticks, plus counters.
 * Recording is O(1); percentiles are computed on demand (for /metrics and benchmarks).
 */
export class TickMetrics {
  readonly #window: number;
  readonly #durations: Float64Array;
  readonly #calls: Uint32Array;
  readonly #rows: Uint32Array;
  #ticks = 0;
  #overruns = 0;
  #totalCalls = 0;
  #failedCalls = 0;
  #maxMs = 0;

  /** @param windowTicks number of recent ticks kept. @default 1200 (one minute at 20 Hz) */
  constructor(windowTicks = 1200) {
    this.#window = windowTicks;
    this.#durations = new Float64Array(windowTicks);
    this.#calls = new Uint32Array(windowTicks);
    this.#rows = new Uint32Array(windowTicks);
  }

  record(durationMs: number, calls: number, failed: number, rowsChanged: number, overrun: boolean): void {
    const i = this.#ticks % this.#window;
    this.#durations[i] = durationMs;
    this.#calls[i] = calls;
    this.#rows[i] = rowsChanged;
    this.#ticks++;
    this.#totalCalls += calls;
    this.#failedCalls += failed;
    if (overrun) this.#overruns++;
    if (durationMs > this.#maxMs) this.#maxMs = durationMs;
  }

  /** Durations of the ticks in the window, oldest first. */
  recentDurations(): number[] {
    const n = Math.min(this.#ticks, this.#window);
    const out: number[] = [];
    for (let k = this.#ticks - n; k < this.#ticks; k++) out.push(this.#durations[k % this.#window]!);
    return out;
  }

  snapshot(): TickStats {
    const n = Math.min(this.#ticks, this.#window);
    const sorted = Array.from(this.#durations.subarray(0, n)).sort((a, b) => a - b);
    const pick = (q: number) => (n === 0 ? 0 : sorted[Math.min(n - 1, Math.floor(q * n))]!);
    let calls = 0;
    let rows = 0;
    for (let i = 0; i < n; i++) {
      calls += this.#calls[i]!;
      rows += this.#rows[i]!;
    }
    return {
      ticks: this.#ticks,
      overruns: this.#overruns,
      p50Ms: pick(0.5),
      p99Ms: pick(0.99),
      maxMs: this.#maxMs,
      callsPerTick: n === 0 ? 0 : calls / n,
      rowsChangedPerTick: n === 0 ? 0 : rows / n,
      totalCalls: this.#totalCalls,
      failedCalls: this.#failedCalls,
    };
  }
}
