import type { MovementScenario } from './scenario';

/**
 * The port between the driver and a server's client library: one implementation per target
 * (Tickspace SDK, colyseus.js), one driver. Each connection reports what it sees to the worker's
 * {@link BotProbe}; the driver never looks inside either protocol.
 */

/** Counters a worker keeps for all its bots; connections call these as things happen. */
export interface BotProbe {
  /** A WebSocket message arrived (payload bytes). */
  received(bytes: number): void;
  /** A WebSocket message was sent (payload bytes). */
  sent(bytes: number): void;
  /** A state update for server tick `tick` was applied to the client's state, just now. */
  update(tick: number): void;
  /** A call or input was acknowledged `ms` after it was sent. */
  roundTrip(ms: number): void;
  /** Something failed: a rejected call, a protocol error. `code` is a stable short string. */
  error(code: string): void;
}

/** One connected bot. */
export interface BotConnection {
  /**
   * Entities currently in this client's state (its area of interest, itself included);
   * undefined for a bot that does not decode updates.
   */
  visibleEntities(): number | undefined;
  /** Sends one step of the walk; its acknowledgement is reported as a round trip. */
  move(dx: number, dy: number): void;
  /** Registers the handler for the connection ending without `close()`; receives a reason. */
  onLost(handler: (reason: string) => void): void;
  /** Leaves politely and resolves once the socket is closed. */
  close(): Promise<void>;
}

/** What a connector needs to open one bot connection. */
export interface BotConnectOptions {
  /** Server URL, `ws://host:port`. */
  readonly url: string;
  readonly scenario: MovementScenario;
  /** Bot number, unique in the run: also its entity id on Tickspace. */
  readonly index: number;
  /** Where the bot's entity starts: the bot tracks its position from there by the step rule. */
  readonly spawn: { readonly x: number; readonly y: number };
  /**
   * Whether the bot decodes every update into its client state (visible entities, update age).
   * Other bots connect, subscribe, send and receive exactly the same, but only count the bytes
   * of state updates: decoding costs the driver far more than the server's work per client,
   * and one driver core could not keep up with thousands of decoding clients.
   */
  readonly observer: boolean;
  readonly probe: BotProbe;
  /** Give up connecting after this long, ms. */
  readonly connectTimeoutMs: number;
}

/**
 * Opens a bot connection: resolves once the bot is in the world, rejects with an error whose
 * `code` says why it could not get there.
 */
export type BotConnector = (options: BotConnectOptions) => Promise<BotConnection>;

/** Milliseconds since the epoch, sub-ms precision, comparable with the server's tick starts. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Rejects with TIMEOUT if `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'TIMEOUT' })),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** A short stable code for an error: its `code` property when it has one, else its class name. */
export function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return code;
    if (typeof code === 'number') return `CODE_${code}`;
    if (error instanceof Error) return error.name === 'Error' ? 'ERROR' : error.name;
  }
  return 'UNKNOWN';
}
