import type { SubscriptionCharge } from '../engine/tooling';
import { describeQuery, TickspaceError, type Query } from '../protocol';
import type { NetLimits } from './limits';
import { RateLimiter } from './rate-limiter';

/**
 * What one session's SUBSCRIBE and UNSUBSCRIBE messages may cost, in the order the costs are
 * checked: the answers the client frame already queued (maxFrameCorkBytes), the message rate
 * (subscribesPerSecond, subscribeBurst), then the rows and grid cells a query walks and sends
 * (subscribeRowsPerSecond, subscribeRowBurst), charged by the subscription engine before it
 * encodes a row.
 */
export class SubscribeAdmission {
  readonly #limits: NetLimits;
  /** SUBSCRIBE + UNSUBSCRIBE messages. */
  readonly #messages: RateLimiter;
  /** Rows and grid cells subscriptions walk and send. */
  readonly #rows: RateLimiter;

  /** `clock` is milliseconds, for the rate limiters. */
  constructor(limits: NetLimits, clock: () => number) {
    this.#limits = limits;
    this.#messages = new RateLimiter(limits.subscribesPerSecond, limits.subscribeBurst, clock);
    this.#rows = new RateLimiter(limits.subscribeRowsPerSecond, limits.subscribeRowBurst, clock);
  }

  /**
   * Admits a SUBSCRIBE (taking a message token) or says why it is rate-limited.
   * `corkedBytes` is what the answers to the client frame being handled already hold.
   */
  admit(query: Query, corkedBytes: number): string | undefined {
    const limits = this.#limits;
    if (corkedBytes > limits.maxFrameCorkBytes)
      return `SUBSCRIBE ${describeQuery(query)}: the answers to this frame already hold ${corkedBytes} bytes, more than maxFrameCorkBytes (${limits.maxFrameCorkBytes}); send it again`;
    if (!this.#messages.take())
      return `SUBSCRIBE ${describeQuery(query)}: more than ${limits.subscribesPerSecond} subscription requests per second (subscribeBurst ${limits.subscribeBurst})`;
    return undefined;
  }

  /**
   * Takes what a query walks and sends from the row budget.
   * @throws TickspaceError RATE_LIMITED when the budget does not hold `cost`
   */
  charge(query: Query, cost: number): void {
    if (this.#rows.take(cost)) return;
    const l = this.#limits;
    throw new TickspaceError(
      'RATE_LIMITED',
      `SUBSCRIBE ${describeQuery(query)}: costs ${cost} rows and grid cells, the budget holds ${Math.floor(this.#rows.tokens)} ` +
        `(subscribeRowBurst ${l.subscribeRowBurst}, refilled at subscribeRowsPerSecond ${l.subscribeRowsPerSecond})`,
      { details: { cost } },
    );
  }

  /**
   * Charges an UNSUBSCRIBE's message; the returned charge takes what it walks. Never refused for
   * cost: the SDK forgets the query whatever the answer, and the work is bounded by the SUBSCRIBE
   * that made the query. Its cost is paid by later SUBSCRIBEs.
   */
  unsubscribe(): SubscriptionCharge {
    this.#messages.charge(1);
    return this.#chargeUnsubscribe;
  }

  readonly #chargeUnsubscribe: SubscriptionCharge = (cost) => this.#rows.charge(cost.rows + cost.cells);
}
