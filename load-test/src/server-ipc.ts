import type { MovementScenario } from './scenario';

/**
 * The messages between the driver and the server under test, which runs as a child process (so
 * its CPU and RSS can be read and it can be pinned to its own core). Node's IPC channel carries
 * them as JSON; they are measurement plumbing, not part of either server's protocol.
 */

/** The servers the load test can drive. */
export const TARGETS = { TICKSPACE: 'tickspace', COLYSEUS: 'colyseus' } as const;
/** One of {@link TARGETS}. */
export type TargetName = (typeof TARGETS)[keyof typeof TARGETS];

/** What the server child runs. */
export const SERVER_SCENARIOS = { MOVEMENT: 'movement', TRANSFER: 'transfer', FRONTIER: 'frontier' } as const;
/** One of {@link SERVER_SCENARIOS}. */
export type ServerScenarioName = (typeof SERVER_SCENARIOS)[keyof typeof SERVER_SCENARIOS];

/** Configuration handed to the server child as its one argument (JSON). */
export interface ServerConfig {
  readonly target: TargetName;
  readonly scenario: ServerScenarioName;
  readonly movement: MovementScenario;
  /** Transfer scenario: number of accounts. */
  readonly accounts: number;
  /** The child exits by itself after this long even if the driver never says stop, s. */
  readonly maxLifetimeS: number;
  /** TCP port to listen on. @default 0 (the system picks a free one) */
  readonly port?: number;
  /** Frontier scenario: world side in tiles. @default the Frontier default */
  readonly worldTiles?: number;
  /** Frontier scenario: run the world as a region world of this grid (`CxR`). @default one process */
  readonly regions?: string;
}

/** One server tick, as the server measured it. */
export interface TickSample {
  readonly tick: number;
  /** Wall-clock start of the tick, ms since the epoch with sub-ms precision. */
  readonly startMs: number;
  /** Time spent in the tick: simulation or reducers, plus encoding and sending updates, ms. */
  readonly durationMs: number;
  /** Client calls (Tickspace reducer calls) the tick ran; 0 where the server does not count them. */
  readonly calls: number;
  /** The region that ran it, when the server is a region world (`--regions`); tick numbers are per region. */
  readonly region?: string;
}

/** Server to driver. */
export type ServerMessage =
  | { readonly type: 'ready'; readonly url: string; readonly pid: number }
  | { readonly type: 'ticks'; readonly samples: readonly TickSample[] }
  | { readonly type: 'status'; readonly clients: number; readonly entities: number }
  | { readonly type: 'failed'; readonly message: string };

/** Driver to server. */
export type DriverMessage = { readonly type: 'stop' };

/** Where a server implementation reports what it measured. */
export interface ServerProbe {
  /** One tick ran: its number, wall-clock start (epoch ms) and duration including fan-out; the region that ran it in a region world. */
  tick(tick: number, startMs: number, durationMs: number, calls?: number, region?: string): void;
}

/** A started server under test. */
export interface RunningServer {
  /** Where clients connect: `ws://127.0.0.1:<port>[/path]`. */
  readonly url: string;
  /** Connected clients and live entities, for the status line. */
  status(): { clients: number; entities: number };
  /** Stops accepting, closes every connection and resolves once the port is released. */
  stop(): Promise<void>;
}

/** Wall-clock time in ms since the epoch with sub-ms precision, comparable across local processes. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
