import type { ConnectionState } from '../ui/connection-banner';
import type { FrontierArgs, FrontierReducer } from '../world/rows';
import type { Unsubscribe, WorldView } from '../world/world-view';

/** Cumulative network counters of a connection. */
export interface ConnectionStats {
  /** Last measured round trip, ms (NaN before the first). */
  readonly pingMs: number;
  /** Bytes received since the connection object was created. */
  readonly bytesIn: number;
  /** Bytes sent since the connection object was created. */
  readonly bytesOut: number;
}

/** A reducer call that the server refused: its error code and message. */
export interface CallFailure {
  readonly code: string;
  readonly message: string;
}

/**
 * What the game needs from a connection to the world: the live view of the subscribed rows, the
 * identity, reducer calls, tick and state events, and counters. The SDK adapter implements it for
 * the real server; tests and the benchmark can implement it over a memory view.
 */
export interface GameConnection {
  readonly view: WorldView;
  /** The local identity (32 hex characters), once known. */
  readonly identity: string | undefined;
  /** The server's tick period, ms (may be refined while connected: read it when needed). */
  readonly tickMs: number;
  /** Last tick applied. */
  readonly tick: number;
  /**
   * Calls a reducer; resolves when it committed.
   * @throws CallFailure-shaped error (`code`, `message`) when the reducer or the server refused
   */
  call<N extends FrontierReducer>(reducer: N, args: FrontierArgs<N>): Promise<void>;
  /** After each tick's row changes were applied. */
  onTick(listener: (tick: number) => void): Unsubscribe;
  /** Connection state changes (reconnecting, connected again...). */
  onState(listener: (state: ConnectionState, detail: string) => void): Unsubscribe;
  /** Network counters. */
  stats(): ConnectionStats;
  /** Closes the connection for good. */
  close(): void;
}
