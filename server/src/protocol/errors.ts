/**
 * Error codes shared by the engine, the server and the client SDK.
 *
 * Every error Tickspace raises carries one of these stable codes; the README lists them all.
 */
export const ERROR_CODES = {
  /** A value does not match its column or argument type. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  /** A reducer name or id that the module does not declare. */
  UNKNOWN_REDUCER: 'UNKNOWN_REDUCER',
  /** A table name or id that the module does not declare. */
  UNKNOWN_TABLE: 'UNKNOWN_TABLE',
  /** An index name that the table does not declare. */
  UNKNOWN_INDEX: 'UNKNOWN_INDEX',
  /** Insert of a primary key that already exists. */
  DUPLICATE_KEY: 'DUPLICATE_KEY',
  /** Insert or update that would repeat a value of a unique column. */
  UNIQUE_VIOLATION: 'UNIQUE_VIOLATION',
  /** Update or lookup of a row that does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** A table write outside a reducer call. */
  READ_ONLY: 'READ_ONLY',
  /** A reducer rejected the caller (the reducer supplies its own code; this is the fallback). */
  REDUCER_REJECTED: 'REDUCER_REJECTED',
  /** A server fault inside a reducer; details are logged on the server, never sent. */
  INTERNAL: 'INTERNAL',
  /**
   * A reducer returned a value that does not fit its declared `returns` (a server fault: logged,
   * the call rolled back, the caller gets INTERNAL).
   */
  INVALID_RETURN: 'INVALID_RETURN',
  /** A call committed, but its return value is larger than the server's `maxReturnBytes`: the caller gets this instead of the value. */
  RETURN_TOO_LARGE: 'RETURN_TOO_LARGE',
  /** A module declaration is inconsistent (bad schema, duplicate reducer...). */
  INVALID_SCHEMA: 'INVALID_SCHEMA',
  /** A binary frame could not be decoded. */
  MALFORMED_FRAME: 'MALFORMED_FRAME',
  /** A frame is larger than `maxFrameBytes`. */
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  /** A client exceeded its call rate. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A client exceeded `maxSubscriptions`. */
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  /** A token could not be verified. */
  INVALID_TOKEN: 'INVALID_TOKEN',
  /** An admin operation without the admin token. */
  FORBIDDEN: 'FORBIDDEN',
  /** A query asks for something the table cannot answer (no spatial index, private table...). */
  INVALID_QUERY: 'INVALID_QUERY',
  /** The commit log or a snapshot is corrupt. */
  CORRUPT_LOG: 'CORRUPT_LOG',
  /** A data directory is missing or belongs to something else. */
  BAD_DATA_DIR: 'BAD_DATA_DIR',
  /** Replay produced different changes or hashes than the log. */
  REPLAY_DIVERGED: 'REPLAY_DIVERGED',
  /** A tick that is not in the retained history. */
  TICK_OUT_OF_RANGE: 'TICK_OUT_OF_RANGE',
  /** A tick older than the history the retention policy kept (older segments and snapshots were removed). */
  HISTORY_PRUNED: 'HISTORY_PRUNED',
  /** Writing or syncing the commit log failed (disk full, I/O error): the log stops accepting ticks. */
  LOG_FAILED: 'LOG_FAILED',
  /** Another live process owns the data directory (its LOCK file names the pid). */
  DATA_DIR_LOCKED: 'DATA_DIR_LOCKED',
  /** The module's schema differs from the data directory's by a change no migration covers (the message lists every difference and what would make it work). */
  SCHEMA_MISMATCH: 'SCHEMA_MISMATCH',
  /** A schema migration could not run: its function threw, or a converted row does not fit the new table. Nothing was written. */
  MIGRATION_FAILED: 'MIGRATION_FAILED',
  /** A content file is invalid. */
  INVALID_CONTENT: 'INVALID_CONTENT',
  /** The connection is closed or closing. */
  DISCONNECTED: 'DISCONNECTED',
  /** A request timed out. */
  TIMEOUT: 'TIMEOUT',
  /** A frame broke the protocol (e.g. a message before CONNECT, a text frame). */
  PROTOCOL_ERROR: 'PROTOCOL_ERROR',
  /** CONNECT named a protocol version the server does not speak. */
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  /** No CONNECT within `handshakeTimeoutMs`. */
  HANDSHAKE_TIMEOUT: 'HANDSHAKE_TIMEOUT',
  /** The server already holds `maxClients` sessions. */
  SERVER_FULL: 'SERVER_FULL',
  /** An address holds `maxConnectionsPerAddress` connections: the upgrade is refused with HTTP 429. */
  TOO_MANY_CONNECTIONS: 'TOO_MANY_CONNECTIONS',
  /** An address exceeded `connectsPerSecondPerAddress` / `connectBurstPerAddress`: the upgrade is refused with HTTP 429. */
  CONNECT_RATE_LIMITED: 'CONNECT_RATE_LIMITED',
  /** The client sent no frame for `idleTimeoutMs`: the server closed the session (4006). */
  IDLE_TIMEOUT: 'IDLE_TIMEOUT',
  /** A PING brought no frame from the server within the SDK's heartbeat `timeoutMs`: the SDK dropped the link (4007) and reconnects. */
  HEARTBEAT_TIMEOUT: 'HEARTBEAT_TIMEOUT',
  /** A client stayed over the backpressure limit (a reader too slow for its updates). */
  SLOW_CONSUMER: 'SLOW_CONSUMER',
  /** Another connection took over this identity. */
  SESSION_REPLACED: 'SESSION_REPLACED',
  /** Too many refused frames or rate-limited calls: the connection is closed. */
  ABUSE: 'ABUSE',
  /** The server is shutting down. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** A reducer ran past the tick's CPU budget (`tickBudgetMs`), or init past `initBudgetMs`, and was aborted; its writes were rolled back. Logged as the call's outcome, so replay reproduces it. Also a publish refused because its migration's module code ran past `migrationBudgetMs`. */
  BUDGET_EXCEEDED: 'BUDGET_EXCEEDED',
  /** A sandboxed reducer used what the sandbox withholds (Math.random, Date.now, new Date(), timers, host globals); the message names what to use (ctx.rng, ctx.now, ctx.schedule). */
  SANDBOX_VIOLATION: 'SANDBOX_VIOLATION',
  /** An optional server feature (an admin handler) is not configured. */
  NOT_IMPLEMENTED: 'NOT_IMPLEMENTED',
  /** A fabric KV compare-and-set lost: the key exists (create) or moved past the revision given (update). */
  KV_CONFLICT: 'KV_CONFLICT',
  /** The fabric (the message broker) did not answer or refused: the publish, ack or KV call may be retried. */
  FABRIC_UNAVAILABLE: 'FABRIC_UNAVAILABLE',
  /** A handoff message failed validation (shape, field, size): it was not applied and nothing was written. */
  INVALID_HANDOFF: 'INVALID_HANDOFF',
  /** A ghost message (a neighbour region's border rows) failed validation (shape, field, size): nothing of it was applied. */
  INVALID_GHOST: 'INVALID_GHOST',
  /** A reducer wrote a ghost: a read-only copy of a row another region owns. The call rolled back; the owner writes it. */
  GHOST_READ_ONLY: 'GHOST_READ_ONLY',
} as const;

/** One of the stable error codes in {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** Options for {@link TickspaceError}. */
export interface TickspaceErrorOptions {
  /** Structured context: table, column, key, reducer, tick, byte offset... */
  details?: Record<string, unknown>;
  /** The error this one wraps. */
  cause?: unknown;
}

/**
 * The one error type of Tickspace: a stable `code`, a message that says what, where and why,
 * a `details` object and an optional `cause`.
 *
 * @example
 * throw new TickspaceError('NOT_FOUND', "table 'player': no row with key 7", { details: { table: 'player', key: 7 } });
 */
export class TickspaceError<C extends string = ErrorCode> extends Error {
  /** Stable machine-readable code: one of {@link ERROR_CODES} for Tickspace's own errors, a module's own code for a {@link ReducerError}. */
  readonly code: C;
  /** Structured context. */
  readonly details: Record<string, unknown>;

  // NoInfer: `new TickspaceError('TYPO', ...)` must not infer a code type of its own.
  constructor(code: NoInfer<C>, message: string, options: TickspaceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TickspaceError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/**
 * A caller fault raised by a reducer: the call rolls back and the caller receives `code` and `message`.
 * Any other throw inside a reducer is a server fault and reaches the caller only as `INTERNAL`.
 * Its code is the module's own: type it with the module's code table to have typos caught
 * (`new ReducerError<FrontierErrorCode>('NO_TOOL', ...)`).
 *
 * @example
 * if (stock < 1) throw new ReducerError('OUT_OF_STOCK', 'the chest holds no planks');
 */
export class ReducerError<C extends string = string> extends TickspaceError<C> {
  constructor(code: C, message: string, options: TickspaceErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ReducerError';
  }
}

/** An error code as a client sees it: Tickspace's own, or a code a module's reducer raised. */
export type AnyErrorCode = ErrorCode | (string & {});

/** Codes of engine errors that are the caller's fault and are forwarded to the caller as they are. */
export const CALLER_FAULT_CODES: ReadonlySet<string> = new Set<string>([
  ERROR_CODES.INVALID_ARGUMENT,
  ERROR_CODES.UNKNOWN_REDUCER,
  ERROR_CODES.DUPLICATE_KEY,
  ERROR_CODES.UNIQUE_VIOLATION,
  ERROR_CODES.NOT_FOUND,
]);
