/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. One per connection for reducer calls,
 * one for subscription requests, one for the rows subscriptions walk and send.
 *
 * A request may cost more than one token. One that costs more than the whole bucket is admitted
 * once the bucket is full and leaves it in debt, so it is possible but paid for (nothing else is
 * admitted until the debt is refilled); forced charges ({@link charge}) may leave debt too.
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

  /** Tokens in the bucket now (negative while in debt). */
  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  #refill(): void {
    const now = this.#clock();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
  }

  /**
   * Takes `cost` tokens; returns false (and takes nothing) when the bucket holds fewer than
   * `min(cost, burst)` (at least one).
   */
  take(cost = 1): boolean {
    this.#refill();
    if (this.#tokens < Math.max(1, Math.min(cost, this.#burst))) return false;
    this.#tokens -= cost;
    return true;
  }

  /** Takes `cost` tokens whatever the bucket holds: for work that is done anyway, paid by later requests. */
  charge(cost: number): void {
    this.#refill();
    this.#tokens -= cost;
  }
}
