import {
  connect,
  createWebSocketTransport,
  CONNECTION_STATUS,
  type ClientQuery,
  type Connection,
  type ConnectionStatus,
  type HistoryChange,
} from '@tickspace/server/client';
import type { FrontierModule } from '@tickspace/server/world';
import { clientQueries } from '@tickspace/server/world/client-queries';
import type { FrontierArgs, FrontierReducer } from '../world/rows';
import type { ConnectionStats, GameConnection } from '../game/connection';
import { CONNECTION_STATE, type ConnectionState } from '../ui/connection-banner';
import type { Unsubscribe, WorldView } from '../world/world-view';

/** Options of {@link openLiveConnection}. */
export interface LiveConnectionOptions {
  /** Server WebSocket URL, e.g. `ws://localhost:3000/ws`. */
  readonly url: string;
  /** Token of a previous session: resumes that identity. @default '' (a new identity) */
  readonly token?: string;
  /** Radius (tiles) of the area of interest for entities: avatars, resource nodes, buildings. @default 48 */
  readonly entityRadiusTiles?: number;
  /** Radius (tiles) within which terrain chunk centres are subscribed. @default 72 */
  readonly terrainRadiusTiles?: number;
  /** Radius (tiles) of local chat (the world's `localChatRadiusTiles`). @default 24 */
  readonly chatRadiusTiles?: number;
  /** Extra radius before a row leaves the area (hysteresis), tiles. @default 8 */
  readonly hysteresisTiles?: number;
  /** How often the round trip is measured, ms. @default 2000 */
  readonly pingEveryMs?: number;
  /**
   * The server's tick period until measured, ms. The handshake does not carry it, so the client
   * estimates it from the server ticks reported by pongs over wall time.
   * @default 50 (the engine's default, 20 Hz)
   */
  readonly tickMs?: number;
  /** Told when the handshake is done ('identity') and when the subscriptions are being applied ('subscriptions'). */
  readonly onProgress?: (step: 'identity' | 'subscriptions') => void;
}

/**
 * A {@link GameConnection} over the Tickspace client SDK and a WebSocket: subscribes to the
 * content tables, the rows the player owns, global chat, and areas of interest that follow the
 * player's avatar (terrain, resource nodes, buildings, other avatars, local chat), measures the
 * round trip and counts bytes both ways.
 */
export class LiveConnection implements GameConnection {
  readonly conn: Connection<FrontierModule>;
  #tickMs: number;
  /** First pong seen: local time and server tick, the base of the tick-period estimate. */
  #pongBase: { atMs: number; tick: number } | undefined;
  readonly #offFrame: () => void;
  readonly #stats: { pingMs: number; bytesIn: number; bytesOut: number };
  readonly #pingTimer: ReturnType<typeof setInterval>;
  readonly #stateListeners = new Set<(state: ConnectionState, detail: string) => void>();
  readonly #offStatus: () => void;

  private constructor(
    conn: Connection<FrontierModule>,
    stats: { pingMs: number; bytesIn: number; bytesOut: number },
    tickMs: number,
    pingEveryMs: number,
  ) {
    this.conn = conn;
    this.#stats = stats;
    this.#tickMs = tickMs;
    this.#offFrame = conn.onFrame((m) => {
      if (m.type === 'pong') this.#observePong(m.tick, performance.now());
    });
    this.#pingTimer = setInterval(() => void this.#ping(), pingEveryMs);
    this.#offStatus = conn.onStatus((s) => {
      const state = toState(s);
      const detail = s === CONNECTION_STATUS.CLOSED ? (conn.closeReason?.message ?? '') : '';
      for (const l of this.#stateListeners) l(state, detail);
    });
    void this.#ping();
  }

  /**
   * Connects, subscribes, and resolves once every subscription's rows are in the cache.
   * @throws TickspaceError (rejection) INVALID_TOKEN when the stored token is not accepted, DISCONNECTED when the server is unreachable
   */
  static async open(options: LiveConnectionOptions): Promise<LiveConnection> {
    const stats = { pingMs: NaN, bytesIn: 0, bytesOut: 0 };
    const ws = createWebSocketTransport(options.url);
    const conn = await connect<FrontierModule>({
      token: options.token ?? '',
      transport: (events) => {
        // Counts the bytes of every frame both ways, for the HUD.
        const t = ws({
          open: () => events.open(),
          message: (frame) => {
            stats.bytesIn += frame.byteLength;
            events.message(frame);
          },
          close: (code, reason) => events.close(code, reason),
        });
        return {
          send: (frame) => {
            stats.bytesOut += frame.byteLength;
            t.send(frame);
          },
          close: (code, reason) => t.close(code, reason),
          get bufferedAmount() {
            return t.bufferedAmount;
          },
        };
      },
    });
    options.onProgress?.('identity');
    const me = conn.identity;
    const subs = clientQueries(me, {
      entityTiles: options.entityRadiusTiles,
      terrainTiles: options.terrainRadiusTiles,
      chatTiles: options.chatRadiusTiles,
      hysteresisTiles: options.hysteresisTiles,
    }).map((q) => conn.subscribe(q as ClientQuery<FrontierModule>));
    options.onProgress?.('subscriptions');
    try {
      await Promise.all(subs.map((s) => s.applied));
    } catch (error) {
      conn.close();
      throw error;
    }
    return new LiveConnection(conn, stats, options.tickMs ?? 50, options.pingEveryMs ?? 2000);
  }

  /** The SDK's typed caches (`conn.db.avatar`) seen through the client's `table(name)` interface. */
  readonly view: WorldView = { table: (name) => (this.conn.db as unknown as Record<string, never>)[name]! };

  get identity(): string {
    return this.conn.identity;
  }

  /** The token to store: reconnecting with it restores this identity. */
  get token(): string {
    return this.conn.token;
  }

  get tick(): number {
    return this.conn.tick;
  }

  get tickMs(): number {
    return this.#tickMs;
  }

  call<N extends FrontierReducer>(reducer: N, args: FrontierArgs<N>): Promise<void> {
    const typed = this.conn.reducers[reducer] as (args: FrontierArgs<N>) => Promise<void>;
    return typed(args);
  }

  onTick(listener: (tick: number) => void): Unsubscribe {
    return this.conn.onTick(listener);
  }

  /**
   * When the server's history changed under this client (a rewind to tick `tick`): the view
   * already holds the new state, so the caller checks whether the player's row survived.
   */
  onHistoryChanged(listener: (reason: HistoryChange, tick: number) => void): Unsubscribe {
    return this.conn.onHistoryChanged(listener);
  }

  onState(listener: (state: ConnectionState, detail: string) => void): Unsubscribe {
    this.#stateListeners.add(listener);
    return () => void this.#stateListeners.delete(listener);
  }

  stats(): ConnectionStats {
    return this.#stats;
  }

  close(): void {
    clearInterval(this.#pingTimer);
    this.#offStatus();
    this.#offFrame();
    this.conn.close();
  }

  /**
   * Refines the tick period: server ticks advanced between two pongs over the wall time between
   * them. Both ends of the span carry up to one tick of error, so the estimate is taken only over
   * a long span and rounded to whole milliseconds.
   */
  #observePong(tick: number, atMs: number): void {
    const base = this.#pongBase;
    if (base === undefined || tick < base.tick) {
      this.#pongBase = { atMs, tick };
      return;
    }
    const ticks = tick - base.tick;
    if (atMs - base.atMs < TICK_ESTIMATE_AFTER_MS || ticks < 10) return;
    this.#tickMs = Math.max(1, Math.round((atMs - base.atMs) / ticks));
  }

  async #ping(): Promise<void> {
    if (this.conn.status !== CONNECTION_STATUS.OPEN) return;
    const t0 = performance.now();
    await this.conn.sync();
    this.#stats.pingMs = performance.now() - t0;
  }
}

/** Wall time between two pongs before their tick difference is trusted, ms. */
const TICK_ESTIMATE_AFTER_MS = 3000;

function toState(s: ConnectionStatus): ConnectionState {
  switch (s) {
    case CONNECTION_STATUS.OPEN:
      return CONNECTION_STATE.CONNECTED;
    case CONNECTION_STATUS.RECONNECTING:
      return CONNECTION_STATE.RECONNECTING;
    case CONNECTION_STATUS.CLOSED:
      return CONNECTION_STATE.CLOSED;
    default:
      return CONNECTION_STATE.CONNECTING;
  }
}
