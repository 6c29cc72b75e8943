/**
 * The ports between the session code and the bytes: the server's session hub drives any
 * {@link ServerConnection} (a `ws` socket, an in-process loopback) and the client SDK any
 * {@link TransportFactory}. Both ends of the loopback implement these, so in-process bots run
 * the same session and SDK code as networked clients.
 */

/** The server end of one connection, as the session hub sees it. */
export interface ServerConnection {
  /** Queues one binary frame. Must not throw once the connection is closed (drop instead). */
  send(frame: Uint8Array): void;
  /** Closes the connection with a close code and a short reason. */
  close(code: number, reason: string): void;
  /** Bytes queued and not yet handed to the network: the backpressure signal. */
  readonly bufferedAmount: number;
  /** For logs and metrics. */
  readonly remoteAddress?: string;
  /**
   * An in-process connection (the loopback): it cannot go silent while its client lives, and its
   * hub may run on logical time, so the idle timeout does not apply to it. @default false
   */
  readonly inProcess?: boolean;
}

/** What the hub gives back for a connection: feed it the connection's frames and its end. */
export interface SessionInput {
  /** One binary frame from the client. */
  receive(frame: Uint8Array): void;
  /** The connection ended (either side). Idempotent. */
  closed(code: number, reason: string): void;
}

/** Events of one client connection attempt. */
export interface TransportEvents {
  open(): void;
  message(frame: Uint8Array): void;
  /** Fired once, whether the connection failed to open or closed later. */
  close(code: number, reason: string): void;
}

/** The client end of one connection attempt. */
export interface ClientTransport {
  send(frame: Uint8Array): void;
  close(code?: number, reason?: string): void;
  readonly bufferedAmount: number;
}

/** Opens one connection attempt; the SDK calls it again for every reconnect. */
export type TransportFactory = (events: TransportEvents) => ClientTransport;
