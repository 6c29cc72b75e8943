import type { TransportFactory } from '../protocol';
import type { BackoffOptions } from './backoff';
import type { HeartbeatOptions } from './heartbeat';
import type { SharedRows } from './shared-rows';
import type { WebSocketConstructor } from './websocket-transport';

/** Options for {@link connect}. Give a `url` or a `transport`. */
export interface ConnectOptions {
  /** Server WebSocket URL (`ws://host:port/ws`). */
  readonly url?: string;
  /** A transport factory (loopback, a custom socket). @default createWebSocketTransport(url) */
  readonly transport?: TransportFactory;
  /** WebSocket implementation for `url` in Node (the `ws` package's WebSocket). @default globalThis.WebSocket or `ws` */
  readonly WebSocket?: WebSocketConstructor;
  /** Token from a previous connection: restores that identity. @default '' (a new identity) */
  readonly token?: string;
  /** Reconnect with backoff after an unexpected close; false to stay closed. @default true */
  readonly reconnect?: boolean | BackoffOptions;
  /** A reducer call without a result after this long rejects with TIMEOUT, ms; 0 waits forever. @default 30_000 */
  readonly callTimeoutMs?: number;
  /**
   * PING when the link is quiet (keeps the session under the server's `idleTimeoutMs`) and drop a
   * link the server has gone silent on, then reconnect; false turns both off.
   * @default {} (PING after 10 s of quiet, the link dead 20 s after an unanswered PING)
   */
  readonly heartbeat?: false | HeartbeatOptions;
  /**
   * Row objects shared with the other connections given the same {@link SharedRows} (in-process
   * bots): an update many of them receive is decoded once. @default none (this cache decodes alone)
   */
  readonly sharedRows?: SharedRows;
  /** Listener errors and protocol oddities. @default console.error */
  readonly onError?: (error: unknown) => void;
}

/**
 * Limits of the BATCH frames the SDK sends; both are under the server's defaults
 * (`maxBatchMessages` 1,024, `maxFrameBytes` 65,536).
 */
export const OUTBOUND_BATCH = { maxMessages: 256, maxBytes: 32_768 } as const;
