/**
 * Interpolation of remote entities between server ticks: each entity keeps its last few positions
 * stamped with the server's logical time, and the renderer samples them a little in the past
 * (`delayMs`), so motion is smooth even though positions arrive 20 times a second.
 */

/** Options of {@link PositionBuffer}. */
export interface PositionBufferOptions {
  /** Positions kept per entity. @default 8 */
  readonly capacity?: number;
  /**
   * How far past the newest sample the buffer may extrapolate when updates are late, ms; beyond
   * that the entity holds still rather than sliding off on a guess.
   * @default 100
   */
  readonly maxExtrapolateMs?: number;
}

/** A sampled position. */
export interface Point {
  x: number;
  y: number;
}

/**
 * A fixed ring of timestamped positions for one entity. Allocation-free after construction:
 * `push` and `sample` run per entity per frame.
 *
 * @example
 * const b = new PositionBuffer();
 * b.push(0, 0, 0); b.push(50, 10, 0);
 * b.sample(25, out); // out -> { x: 5, y: 0 }
 */
export class PositionBuffer {
  readonly #t: Float64Array;
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #cap: number;
  readonly #maxExtrapolateMs: number;
  /** Index of the newest sample. */
  #head = -1;
  #size = 0;
  /** Whether the newest sample is a standstill: then nothing is extrapolated past it. */
  #stoppedAtHead = false;

  constructor(options: PositionBufferOptions = {}) {
    this.#cap = options.capacity ?? 8;
    if (!(this.#cap >= 2)) throw new RangeError(`capacity must be >= 2, got ${this.#cap}`);
    this.#maxExtrapolateMs = options.maxExtrapolateMs ?? 100;
    this.#t = new Float64Array(this.#cap);
    this.#x = new Float64Array(this.#cap);
    this.#y = new Float64Array(this.#cap);
  }

  /** Number of samples held. */
  get size(): number {
    return this.#size;
  }

  /** Time of the newest sample (NaN when empty). */
  get newestTime(): number {
    return this.#size === 0 ? NaN : this.#t[this.#head]!;
  }

  /**
   * Adds a position at server time `timeMs`. A sample older than the newest is ignored; one at the
   * same time replaces it (two updates in one tick). `stopped`: the entity stands there (its row
   * says it stopped), so a later sample time holds it there instead of extrapolating the last
   * step's motion past where it stopped (a walk whose last step is also its stop would be drawn
   * a step too far, for as long as it stands).
   */
  push(timeMs: number, x: number, y: number, stopped = false): void {
    if (this.#size > 0) {
      const last = this.#t[this.#head]!;
      if (timeMs < last) return;
      if (timeMs === last) {
        this.#x[this.#head] = x;
        this.#y[this.#head] = y;
        this.#stoppedAtHead = stopped;
        return;
      }
    }
    this.#stoppedAtHead = stopped;
    this.#head = (this.#head + 1) % this.#cap;
    this.#t[this.#head] = timeMs;
    this.#x[this.#head] = x;
    this.#y[this.#head] = y;
    if (this.#size < this.#cap) this.#size++;
  }

  /** Forgets everything and holds one position (a teleport, or an entity re-entering the view). */
  reset(timeMs: number, x: number, y: number, stopped = false): void {
    this.#size = 0;
    this.#head = -1;
    this.push(timeMs, x, y, stopped);
  }

  /**
   * Writes the position at `timeMs` into `out`: interpolated between the samples around it,
   * clamped to the oldest, extrapolated at most `maxExtrapolateMs` past the newest.
   * @returns false when the buffer is empty (out untouched)
   */
  sample(timeMs: number, out: Point): boolean {
    const n = this.#size;
    if (n === 0) return false;
    const cap = this.#cap;
    let i = this.#head;
    const tNew = this.#t[i]!;
    if (timeMs >= tNew || n === 1) {
      if (n === 1 || timeMs <= tNew || this.#stoppedAtHead) {
        out.x = this.#x[i]!;
        out.y = this.#y[i]!;
        return true;
      }
      const p = (i - 1 + cap) % cap;
      const dt = tNew - this.#t[p]!;
      const ahead = Math.min(timeMs - tNew, this.#maxExtrapolateMs);
      const f = dt > 0 ? ahead / dt : 0;
      out.x = this.#x[i]! + (this.#x[i]! - this.#x[p]!) * f;
      out.y = this.#y[i]! + (this.#y[i]! - this.#y[p]!) * f;
      return true;
    }
    for (let k = 1; k < n; k++) {
      const p = (i - 1 + cap) % cap;
      const t0 = this.#t[p]!;
      if (timeMs >= t0) {
        const t1 = this.#t[i]!;
        const f = (timeMs - t0) / (t1 - t0);
        out.x = this.#x[p]! + (this.#x[i]! - this.#x[p]!) * f;
        out.y = this.#y[p]! + (this.#y[i]! - this.#y[p]!) * f;
        return true;
      }
      i = p;
    }
    out.x = this.#x[i]!;
    out.y = this.#y[i]!;
    return true;
  }
}

/**
 * Maps the local clock to the server's logical clock from tick arrivals. Arrivals are late by a
 * varying network delay, so the offset follows the earliest recent arrival (the least delayed)
 * and drifts back slowly, rather than averaging jitter in.
 */
export class ServerClock {
  readonly #tickMs: () => number;
  #offset = NaN;

  /** `tickMs` is read at each observation: the client may refine its estimate of the server's tick period. */
  constructor(tickMs: number | (() => number)) {
    this.#tickMs = typeof tickMs === 'number' ? () => tickMs : tickMs;
  }

  /** Records that tick `tick` arrived at local time `localMs`. */
  observe(tick: number, localMs: number): void {
    const offset = tick * this.#tickMs() - localMs;
    if (Number.isNaN(this.#offset) || offset > this.#offset) this.#offset = offset;
    else this.#offset += (offset - this.#offset) * 0.02; // later than the best: drift toward it slowly
  }

  /** Whether any tick was observed. */
  get synced(): boolean {
    return !Number.isNaN(this.#offset);
  }

  /** Server logical time now, ms (estimate). */
  now(localMs: number): number {
    return Number.isNaN(this.#offset) ? 0 : localMs + this.#offset;
  }
}
