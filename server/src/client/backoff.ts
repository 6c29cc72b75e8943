/** Reconnect policy: exponential backoff with jitter. */
export interface BackoffOptions {
  /** First delay, ms. @default 100 */
  readonly initialDelayMs?: number;
  /** Largest delay, ms. @default 5_000 */
  readonly maxDelayMs?: number;
  /** Growth per failed attempt. @default 2 */
  readonly factor?: number;
  /** Random spread, as a fraction of the delay (0.2: ±20%), so clients do not reconnect in lockstep. @default 0.2 */
  readonly jitter?: number;
  /** Attempts before giving up (the connection then closes). @default Infinity */
  readonly maxAttempts?: number;
}

/**
 * The delay before reconnect attempt `attempt` (0-based).
 * @example
 * backoffDelayMs(3, { jitter: 0 }); // -> 800
 */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const base = Math.min(
    options.maxDelayMs ?? 5_000,
    (options.initialDelayMs ?? 100) * (options.factor ?? 2) ** attempt,
  );
  const jitter = options.jitter ?? 0.2;
  return Math.max(0, base * (1 + jitter * (2 * random() - 1)));
}
