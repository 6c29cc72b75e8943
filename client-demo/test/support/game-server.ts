import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine, ModuleDef } from '@tickspace/server/engine';
import { openDatabase, type Database } from '@tickspace/server/engine/tooling';
import { createServer, databaseAdmin, type TickspaceServer } from '@tickspace/server/net';
import { createFrontier, type FrontierModule } from '@tickspace/server/world';
import { DIST_DIR } from './build-client';

/** Options of {@link startGameServer}. */
export interface GameServerOptions {
  /** @default 'browser-test' */
  readonly seed?: string;
  /** @default 50 */
  readonly tickMs?: number;
  /** A small world keeps generation fast. @default 1024 */
  readonly worldTiles?: number;
  /** @default 'test-admin' */
  readonly adminToken?: string;
}

/** A running game server as `npm start` runs it, on a free port, with a throwaway data directory. */
export interface GameServer {
  /** `http://127.0.0.1:<port>`: the client page. */
  readonly httpUrl: string;
  readonly adminToken: string;
  readonly db: Database<FrontierModule>;
  readonly engine: Engine<FrontierModule>;
  readonly server: TickspaceServer;
  close(): Promise<void>;
}

/**
 * Boots what `npm start` boots, in process: the Frontier module on an engine bound to a commit log
 * (so time travel works), the WebSocket + HTTP server serving the built client from
 * client-demo/dist, and the admin handlers. Port 0; the data directory is deleted on close.
 */
export async function startGameServer(options: GameServerOptions = {}): Promise<GameServer> {
  const seed = options.seed ?? 'browser-test';
  const adminToken = options.adminToken ?? 'test-admin';
  const dir = mkdtempSync(join(tmpdir(), 'tickspace-browser-'));
  const frontier = await createFrontier({ seed, worldTiles: options.worldTiles ?? 1024 });
  const db = await openDatabase({
    dir,
    module: frontier.module,
    seed,
    tickMs: options.tickMs ?? 50,
    durability: 'never',
    confirm: 'immediate',
  });
  const server = await createServer({
    engine: db.engine as unknown as Engine<ModuleDef>,
    port: 0,
    adminToken,
    tokenSecret: 'browser-test-secret-of-at-least-32-bytes',
    staticDir: DIST_DIR,
    logger: { error: (m, e) => console.error(m, e), warn: (m) => console.warn(m) },
    admin: databaseAdmin(db),
  });
  db.engine.start();
  return {
    httpUrl: server.httpUrl,
    adminToken,
    db,
    engine: db.engine,
    server,
    async close() {
      await db.engine.stop();
      await server.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
