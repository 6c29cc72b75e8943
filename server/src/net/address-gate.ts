/**
 * Per-address admission of WebSocket connections: how many one address holds open, and how fast it
 * may open new ones. It runs in the HTTP upgrade handler, so a refused attempt costs one short HTTP
 * response: no WebSocket, no session, no timer.
 */

/** Why an attempt was refused: an error code of `protocol/errors.ts`. */
export const ADMISSION_REFUSAL = {
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  CONNECT_RATE_LIMITED: 'CONNECT_RATE_LIMITED',
} as const;
/** One of {@link ADMISSION_REFUSAL}. */
export type AdmissionRefusal = (typeof ADMISSION_REFUSAL)[keyof typeof ADMISSION_REFUSAL];

/** The outcome of {@link AddressGate.admit}. */
export type Admission =
  | { readonly ok: true; readonly key: string }
  | {
      readonly ok: false;
      readonly code: AdmissionRefusal;
      readonly message: string;
      readonly retryAfterS: number;
    };

/** Options for {@link AddressGate}. */
export interface AddressGateOptions {
  /** Open connections per address; `Infinity` turns the limit off. */
  readonly maxConnectionsPerAddress: number;
  /** Token bucket refill per address, attempts per second; `Infinity` turns the rate limit off. */
  readonly connectsPerSecondPerAddress: number;
  /** Token bucket size per address; `Infinity` turns the rate limit off. */
  readonly connectBurstPerAddress: number;
  /** Milliseconds. @default performance.now */
  readonly clock?: () => number;
}

interface Entry {
  open: number;
  tokens: number;
  lastMs: number;
}

/**
 * The key an address is limited by. IPv4 (also IPv4-mapped IPv6, as a dual-stack listener reports
 * it) by the whole address; IPv6 by its /64, because one host commonly holds a whole /64 and would
 * otherwise get 2^64 separate limits.
 * @example
 * addressKey('::ffff:203.0.113.7'); // -> '203.0.113.7'
 * addressKey('2001:db8:1:2::99');   // -> '2001:db8:1:2::/64'
 */
export function addressKey(address: string): string {
  const bare = address.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped !== null) return mapped[1]!;
  if (!bare.includes(':')) return bare;
  const [head = '', tail] = bare.split('::', 2);
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail takes two groups; only the first four groups matter here.
  const rightGroups = right.length + (right.at(-1)?.includes('.') === true ? 1 : 0);
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - rightGroups)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (g === '' ? '0' : g.replace(/^0+(?=.)/, '')))
    .join(':')}::/64`;
}

/**
 * Counts open connections and connection attempts per address (see {@link addressKey}). Entries
 * that hold no connection and whose bucket has refilled say nothing and are pruned, at most once
 * per refill window, so the map holds only addresses with open connections or a recent attempt.
 */
export class AddressGate {
  readonly #max: number;
  readonly #perMs: number;
  readonly #burst: number;
  readonly #rateLimited: boolean;
  readonly #clock: () => number;
  /** Time an empty bucket takes to fill, ms: an entry untouched for this long is prunable. */
  readonly #refillMs: number;
  readonly #entries = new Map<string, Entry>();
  #lastPruneMs: number;

  constructor(options: AddressGateOptions) {
    this.#max = options.maxConnectionsPerAddress;
    this.#burst = options.connectBurstPerAddress;
    this.#perMs = options.connectsPerSecondPerAddress / 1000;
    this.#rateLimited = Number.isFinite(this.#burst) && Number.isFinite(this.#perMs);
    this.#clock = options.clock ?? (() => performance.now());
    this.#refillMs =
      this.#rateLimited && this.#perMs > 0 ? Math.max(1_000, this.#burst / this.#perMs) : 1_000;
    this.#lastPruneMs = this.#clock();
  }

  /** Addresses tracked now (open connections or a recent attempt). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Takes one attempt's token and, if the address is under its limits, counts a connection for it:
   * call {@link release} with the returned key when that connection ends.
   */
  admit(address: string): Admission {
    const now = this.#clock();
    if (now - this.#lastPruneMs >= this.#refillMs) this.#prune(now);
    const key = addressKey(address);
    let entry = this.#entries.get(key);
    if (entry === undefined) this.#entries.set(key, (entry = { open: 0, tokens: this.#burst, lastMs: now }));
    if (this.#rateLimited) {
      entry.tokens = Math.min(this.#burst, entry.tokens + (now - entry.lastMs) * this.#perMs);
      entry.lastMs = now;
      if (entry.tokens < 1) {
        const retryAfterS =
          this.#perMs > 0 ? Math.max(1, Math.ceil((1 - entry.tokens) / this.#perMs / 1000)) : 3600;
        return {
          ok: false,
          code: ADMISSION_REFUSAL.CONNECT_RATE_LIMITED,
          message: `${key} made more than ${this.#burst} connection attempts in a burst (connectBurstPerAddress), refilled at ${this.#perMs * 1000} per second (connectsPerSecondPerAddress)`,
          retryAfterS,
        };
      }
      entry.tokens -= 1;
    }
    if (entry.open >= this.#max)
      return {
        ok: false,
        code: ADMISSION_REFUSAL.TOO_MANY_CONNECTIONS,
        message: `${key} holds maxConnectionsPerAddress (${this.#max}) connections`,
        retryAfterS: 1,
      };
    entry.open++;
    return { ok: true, key };
  }

  /** A connection admitted under `key` ended. */
  release(key: string): void {
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.open > 0) entry.open--;
  }

  #prune(now: number): void {
    this.#lastPruneMs = now;
    for (const [key, e] of this.#entries)
      if (e.open === 0 && (!this.#rateLimited || e.tokens + (now - e.lastMs) * this.#perMs >= this.#burst))
        this.#entries.delete(key);
  }
}
