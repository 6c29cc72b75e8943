import { WebSocket } from 'ws';
import { connect, type Connection, type ConnectOptions } from '../../src/client';
import { createEngine, type Engine, type Logger, type ModuleDef, type TickRecord } from '../../src/engine';
import {
  createLoopbackTransport,
  createServer,
  type AdminHandlers,
  type NetLimits,
  type TickspaceServer,
} from '../../src/net';
import type { ServerMessage } from '../../src/protocol';

/** Options for {@link startTestServer}. */
export interface TestServerOptions {
  /** @default 'test' */
  readonly seed?: string;
  /** @default 20 */
  readonly tickMs?: number;
  /** Run the engine's real-time loop; false ticks only on `server.tick()`. @default true */
  readonly autoTick?: boolean;
  readonly limits?: Partial<NetLimits>;
  readonly adminToken?: string;
  readonly admin?: AdminHandlers;
  readonly staticDir?: string;
  /** @default 'tickspace-test-kit-secret-of-32-bytes' */
  readonly tokenSecret?: string;
  readonly logger?: Logger;
  readonly clock?: () => number;
  /** Runs on the engine before the server starts (seed rows with a tick, attach a log...). */
  readonly setup?: (engine: Engine<ModuleDef>) => void | Promise<void>;
}

/** A client of the test server: the SDK connection plus event-driven waits. */
export interface TestClient<M extends ModuleDef> {
  readonly conn: Connection<M>;
  readonly db: Connection<M>['db'];
  readonly reducers: Connection<M>['reducers'];
  /** Resolves with the tick of the next TICK_UPDATE this client applies. */
  nextUpdate(): Promise<number>;
  /** Resolves with the next frame of this type the client applies. */
  nextFrame(type?: ServerMessage['type']): Promise<ServerMessage>;
  /**
   * Resolves once `predicate()` holds, checking now and after every frame the client applies.
   * Rejects after `guardMs` so a broken test fails with a message instead of hanging.
   */
  waitFor(predicate: () => boolean, what?: string, guardMs?: number): Promise<void>;
  close(): void;
}

/** A running engine + WebSocket server, and a factory for SDK clients. */
export interface TestServer<M extends ModuleDef> {
  readonly engine: Engine<M>;
  readonly server: TickspaceServer;
  readonly url: string;
  readonly httpUrl: string;
  /** Resolves with the next tick's record, after its fan-out. */
  nextTick(): Promise<TickRecord>;
  /** Runs one tick now (manual mode) and resolves after its fan-out. */
  tick(): Promise<TickRecord>;
  /** Connects an SDK client over a real WebSocket (or `transport: 'loopback'`). */
  connectClient(
    options?: Omit<ConnectOptions, 'url' | 'transport'> & { readonly transport?: 'ws' | 'loopback' },
  ): Promise<TestClient<M>>;
  close(): Promise<void>;
}

/** Wraps a connection with the kit's waits. */
export function testClient<M extends ModuleDef>(conn: Connection<M>): TestClient<M> {
  const nextFrame = (type?: ServerMessage['type']) =>
    new Promise<ServerMessage>((resolve) => {
      const off = conn.onFrame((m) => {
        if (type !== undefined && m.type !== type) return;
        off();
        resolve(m);
      });
    });
  return {
    conn,
    db: conn.db,
    reducers: conn.reducers,
    nextUpdate: () => nextFrame('tick').then((m) => (m as { tick: number }).tick),
    nextFrame,
    waitFor(predicate, what = 'condition', guardMs = 10_000) {
      if (predicate()) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const guard = setTimeout(() => {
          off();
          offStatus();
          reject(new Error(`waitFor(${what}): not true after ${guardMs} ms`));
        }, guardMs);
        const check = () => {
          if (!predicate()) return;
          clearTimeout(guard);
          off();
          offStatus();
          resolve();
        };
        const off = conn.onFrame(check);
        const offStatus = conn.onStatus(check);
      });
    },
    close: () => conn.close(),
  };
}

/**
 * Boots an engine for `module`, a server on port 0 and returns helpers to connect SDK clients.
 * Used by the server, sim and load-test suites.
 * @example
 * const ts = await startTestServer(game);
 * const alice = await ts.connectClient();
 * await alice.conn.subscribe({ table: 'player' }).applied;
 * await ts.close();
 */
export async function startTestServer<M extends ModuleDef>(
  module: M,
  options: TestServerOptions = {},
): Promise<TestServer<M>> {
  const engine = createEngine({
    module,
    seed: options.seed ?? 'test',
    tickMs: options.tickMs ?? 20,
    logger: options.logger,
  });
  await options.setup?.(engine as unknown as Engine<ModuleDef>);
  const server = await createServer({
    engine: engine as unknown as Engine<ModuleDef>,
    port: 0,
    tokenSecret: options.tokenSecret ?? 'tickspace-test-kit-secret-of-32-bytes',
    adminToken: options.adminToken,
    admin: options.admin,
    staticDir: options.staticDir,
    limits: options.limits,
    logger: options.logger,
    clock: options.clock,
  });
  const auto = options.autoTick ?? true;
  if (auto) engine.start();
  const clients: Connection<M>[] = [];
  return {
    engine,
    server,
    url: server.url,
    httpUrl: server.httpUrl,
    nextTick: () => engine.nextTick(),
    async tick() {
      const record = engine.runTick();
      await engine.flush();
      return record;
    },
    async connectClient(opts = {}) {
      const { transport, ...rest } = opts;
      const conn = await connect<M>({
        ...rest,
        ...(transport === 'loopback'
          ? { transport: createLoopbackTransport(server.hub) }
          : { url: server.url, WebSocket: WebSocket }),
      });
      clients.push(conn);
      return testClient(conn);
    },
    async close() {
      for (const c of clients) c.close();
      await engine.stop();
      await server.close();
    },
  };
}
