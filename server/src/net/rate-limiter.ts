/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. One per connection for reducer calls.
 * The clock is injectable so tests never depend on timing.
 */
export class RateLimiter {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: () => number;
  #tokens: number;
  #last: number;

  /**
   * @param perSecond refill rate. @param burst bucket size.
   * @param clock milliseconds. @default performance.now
   */
  constructor(perSecond: number, burst: number, clock: () => number = () => performance.now()) {
    this.#perMs = perSecond / 1000;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#last = clock();
  }

  /** Takes one token; returns false (and takes nothing) when the bucket is empty. */
  take(): boolean {
    const now = this.#clock();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
