/**
 * Every limit the network layer enforces, with its default. Each one has a test that exceeds it
 * (server/test/net/limits.integration.test.ts) and a row in server/src/net/README.md.
 */
export interface NetLimits {
  /** Largest frame a client may send, bytes; larger frames close the connection with 1009. @default 65_536 */
  readonly maxFrameBytes: number;
  /** Sustained reducer calls per second per connection (token bucket refill). @default 60 */
  readonly callsPerSecond: number;
  /** Calls a connection may make in a burst (token bucket size). @default 120 */
  readonly callBurst: number;
  /** Calls sent and not yet answered, per connection. @default 512 */
  readonly maxPendingCalls: number;
  /**
   * Largest return value sent in a RESULT, bytes (its kind bytes and its encoded value). A call
   * whose value is larger still committed, and its caller gets `RETURN_TOO_LARGE` instead of the
   * value (the log keeps the value, `tickspace log` shows it). @default 65_536
   */
  readonly maxReturnBytes: number;
  /** Messages in one BATCH frame; a larger batch is refused whole (one refused frame). @default 1024 */
  readonly maxBatchMessages: number;
  /** Refused frames (malformed, unknown reducer, bad arguments, bad query) before the connection is closed with 1008. @default 64 */
  readonly maxBadFrames: number;
  /**
   * Rate-limited requests before the connection is closed with 1008: calls, and subscriptions
   * refused by `subscribeBurst`, `subscribeRowBurst` or `maxFrameCorkBytes`. @default 256
   */
  readonly maxRateLimitedCalls: number;
  /** Sustained SUBSCRIBE + UNSUBSCRIBE messages per second per connection (token bucket refill). @default 20 */
  readonly subscribesPerSecond: number;
  /**
   * SUBSCRIBE + UNSUBSCRIBE messages a connection may send in a burst (token bucket size); a
   * SUBSCRIBE beyond it is refused with `RATE_LIMITED`. An UNSUBSCRIBE is never refused (the SDK
   * forgets a query whatever the answer): it takes its token anyway, from later SUBSCRIBEs.
   * Twice `maxSubscriptions`, so a reconnect can resubscribe a full set. @default 128
   */
  readonly subscribeBurst: number;
  /** Sustained subscription cost per second per connection, in rows and grid cells (refill of `subscribeRowBurst`). @default 5_000 */
  readonly subscribeRowsPerSecond: number;
  /**
   * Subscription cost a connection may spend in a burst, in rows and grid cells: a whole-table
   * query costs the table's rows, an index query the rows holding its value, a spatial one its
   * cells plus the rows in them (UNSUBSCRIBE: the rows it removes, never refused). A SUBSCRIBE the
   * bucket cannot pay is refused with `RATE_LIMITED` before any row is encoded; one costing more
   * than the whole bucket is admitted when the bucket is full, and leaves it in debt. The Frontier
   * browser client's first subscriptions cost about 1,400. @default 20_000
   */
  readonly subscribeRowBurst: number;
  /**
   * Bytes the answers to one client frame may queue. Past it, the frame's remaining SUBSCRIBEs are
   * refused with `RATE_LIMITED` (the client may send them again); its other messages are handled
   * (their answers are small, or come with the tick). @default 2_097_152
   */
  readonly maxFrameCorkBytes: number;
  /** Subscriptions one connection may hold. @default 64 */
  readonly maxSubscriptions: number;
  /** Grid cells one spatial query may cover. @default 4096 */
  readonly maxQueryCells: number;
  /** Largest outer-band interval (`lod.every`, ticks) a query may declare. @default 20 */
  readonly maxLodEvery: number;
  /**
   * CPU budget of the visibility rules one stretch of subscription work runs (a tick's fan-out, a
   * subscribe), ms: a rule running when it is spent is stopped and hides its table's rows until
   * a restart; such a `SUBSCRIBE` is answered `BUDGET_EXCEEDED` (see SubscriptionOptions). 0: none.
   * @default 1000
   */
  readonly visibilityBudgetMs: number;
  /** Concurrent connections, handshaking ones included; more are closed with 1013. @default 10_000 */
  readonly maxClients: number;
  /** Time to send CONNECT after opening, ms. @default 10_000 */
  readonly handshakeTimeoutMs: number;
  /** Send-buffer size at which a client's tick updates start being coalesced, bytes. @default 1_048_576 */
  readonly highWatermarkBytes: number;
  /** Send-buffer size under which a coalescing client gets its net change, bytes. @default 262_144 */
  readonly lowWatermarkBytes: number;
  /** Ticks a client may stay over the high watermark before it is closed with 4003. @default 200 */
  readonly maxCongestedTicks: number;
  /**
   * Bytes held for a client (send buffer and answers being built) at which it is closed at once with
   * 4003; checked before each send and after each message of a BATCH. @default 16_777_216
   */
  readonly maxBufferedBytes: number;

  // ---- connection exhaustion: per-address admission and idle sessions ----
  /**
   * Open WebSocket connections from one address (an IPv6 client counts by its /64); more are refused
   * with HTTP 429 `TOO_MANY_CONNECTIONS` before the upgrade. Players behind one NAT share an address;
   * 64 still makes one host need 157 addresses to fill `maxClients`. `Infinity` turns it off.
   * @default 64
   */
  readonly maxConnectionsPerAddress: number;
  /** Sustained WebSocket connection attempts per second per address (token bucket refill). @default 4 */
  readonly connectsPerSecondPerAddress: number;
  /**
   * Connection attempts one address may make in a burst (token bucket size); more are refused with
   * HTTP 429 `CONNECT_RATE_LIMITED` and a `Retry-After`. As large as `maxConnectionsPerAddress`, so
   * a full NAT reconnects at once after a restart. `Infinity` turns the rate limit off.
   * @default 64
   */
  readonly connectBurstPerAddress: number;
  /**
   * A session that sends no frame for this long is closed with 4006 `IDLE_TIMEOUT` (within 1.25 times
   * it). The SDK sends PING after `heartbeat.intervalMs` (10 s) of silence, so only dead links and
   * clients that do not speak the protocol are closed. In-process connections are exempt. `Infinity`
   * turns it off.
   * @default 60_000
   */
  readonly idleTimeoutMs: number;
}

/** The defaults of {@link NetLimits}. */
export const DEFAULT_LIMITS: NetLimits = {
  maxFrameBytes: 65_536,
  callsPerSecond: 60,
  callBurst: 120,
  maxPendingCalls: 512,
  maxReturnBytes: 65_536,
  maxBatchMessages: 1024,
  maxBadFrames: 64,
  maxRateLimitedCalls: 256,
  subscribesPerSecond: 20,
  subscribeBurst: 128,
  subscribeRowsPerSecond: 5_000,
  subscribeRowBurst: 20_000,
  maxFrameCorkBytes: 2_097_152,
  maxSubscriptions: 64,
  maxQueryCells: 4096,
  maxLodEvery: 20,
  visibilityBudgetMs: 1000,
  maxClients: 10_000,
  handshakeTimeoutMs: 10_000,
  highWatermarkBytes: 1_048_576,
  lowWatermarkBytes: 262_144,
  maxCongestedTicks: 200,
  maxBufferedBytes: 16_777_216,
  maxConnectionsPerAddress: 64,
  connectsPerSecondPerAddress: 4,
  connectBurstPerAddress: 64,
  idleTimeoutMs: 60_000,
};

/**
 * Fills in defaults and checks the limits are consistent.
 * @throws RangeError for a negative, non-numeric or inconsistent limit.
 */
export function resolveLimits(overrides: Partial<NetLimits> = {}): NetLimits {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits))
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0)
      throw new RangeError(`limit ${name} must be a number >= 0, got ${String(value)}`);
  if (limits.lowWatermarkBytes > limits.highWatermarkBytes)
    throw new RangeError(
      `lowWatermarkBytes (${limits.lowWatermarkBytes}) must not exceed highWatermarkBytes (${limits.highWatermarkBytes})`,
    );
  if (limits.highWatermarkBytes > limits.maxBufferedBytes)
    throw new RangeError(
      `highWatermarkBytes (${limits.highWatermarkBytes}) must not exceed maxBufferedBytes (${limits.maxBufferedBytes})`,
    );
  if (limits.idleTimeoutMs === 0)
    throw new RangeError('limit idleTimeoutMs must be > 0 (Infinity turns the idle timeout off)');
  return limits;
}
