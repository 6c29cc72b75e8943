import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { connect, type Connection } from '../../src/client';
import { createSchema, defineModule, t, table, type ModuleDef } from '../../src/engine';
import { loadModuleText, type SandboxedModule } from '../../src/engine/sandbox';
import { openDatabase, publishModule, type Database } from '../../src/engine/tooling';
import { createServer, type TickspaceServer } from '../../src/net';

/** The engine's folder: module files in temp dirs import the kit from it by absolute path. */
const ENGINE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/engine');

/** One appended column of a generated table: its name and its default. */
export interface ExtraColumn {
  readonly name: string;
  readonly defaultValue: number;
}

/** A version of the generated two-table module. */
export interface ShopVersion {
  /** Columns appended to `player` (each u32 with a default). */
  readonly playerColumns?: readonly ExtraColumn[];
  /** Columns appended to `note`. */
  readonly noteColumns?: readonly ExtraColumn[];
  /** What `hurt` takes off per point of `by`: the reducer body versions swap. @default 1 */
  readonly hurtFactor?: number;
  /** The name of `heal`'s argument: renaming it changes the reducer's arguments. @default 'to' */
  readonly healArg?: string;
  /** Drop the `note` table (its reducers stay and refuse). @default false */
  readonly withoutNote?: boolean;
  /** The schema version this module declares, with its migration: `hp * hpFactor` for player rows, `dropTable('note')` when dropped. */
  readonly migrateTo?: { readonly version: number; readonly hpFactor?: number };
}

const cols = (extra: readonly ExtraColumn[] | undefined) =>
  (extra ?? []).map((c) => `, ${c.name}: t.u32().default(${c.defaultValue})`).join('');
const values = (extra: readonly ExtraColumn[] | undefined) =>
  (extra ?? []).map((c) => `, ${c.name}: ${c.defaultValue}`).join('');

/**
 * A module file's text: public `player` (id, name, hp) and `note` (id, text) tables with appended
 * columns per version, and the reducers `spawn`, `hurt`, `heal`, `leave`, `write`, `erase`.
 */
function shopModuleText(v: ShopVersion = {}): string {
  const note = v.withoutNote === true;
  const migrate =
    v.migrateTo === undefined
      ? ''
      : `version: ${v.migrateTo.version}, migrations: { ${v.migrateTo.version}: (m) => { ${
          v.migrateTo.hpFactor === undefined
            ? ''
            : `m.table('player', (old, row) => ({ ...row, hp: Number(old.hp) * ${v.migrateTo.hpFactor} }));`
        } ${note ? "m.dropTable('note');" : ''} } },`;
  return `
import { createSchema, defineModule, ReducerError, t, table } from ${JSON.stringify(ENGINE_DIR)};

const schema = createSchema({
  player: table({ public: true }, { id: t.u32().primaryKey(), name: t.string(), hp: t.u32()${cols(v.playerColumns)} }),
  ${note ? '' : `note: table({ public: true }, { id: t.u32().primaryKey(), text: t.string()${cols(v.noteColumns)} }),`}
});
const spawn = schema.reducer('spawn', { id: t.u32(), name: t.string() }, (ctx, { id, name }) => {
  ctx.db.player.insert({ id, name, hp: 100${values(v.playerColumns)} });
});
const hurt = schema.reducer('hurt', { id: t.u32(), by: t.u32() }, (ctx, { id, by }) => {
  const p = ctx.db.player.find(id);
  if (p === undefined) throw new ReducerError('NO_PLAYER', 'no player ' + id);
  ctx.db.player.update({ ...p, hp: Math.max(0, p.hp - by * ${v.hurtFactor ?? 1}) });
});
const heal = schema.reducer('heal', { id: t.u32(), ${v.healArg ?? 'to'}: t.u32() }, (ctx, args) => {
  const p = ctx.db.player.find(args.id);
  if (p !== undefined) ctx.db.player.update({ ...p, hp: args.${v.healArg ?? 'to'} });
});
const leave = schema.reducer('leave', { id: t.u32() }, (ctx, { id }) => void ctx.db.player.delete(id));
const write = schema.reducer('write', { id: t.u32(), text: t.string() }, (ctx, { id, text }) => {
  ${note ? "throw new ReducerError('NO_NOTES', 'notes were removed');" : `const n = ctx.db.note.find(id); if (n === undefined) ctx.db.note.insert({ id, text${values(v.noteColumns)} }); else ctx.db.note.update({ ...n, text });`}
});
const erase = schema.reducer('erase', { id: t.u32() }, (ctx, { id }) => {
  ${note ? "throw new ReducerError('NO_NOTES', 'notes were removed');" : 'ctx.db.note.delete(id);'}
});
export default defineModule(schema, { reducers: [spawn, hurt, heal, leave, write, erase], ${migrate} });
`;
}

/** Loads a module version from its text, as `tickspace publish` does with a file. */
function loadShop(v: ShopVersion = {}): Promise<SandboxedModule> {
  return loadModuleText(shopModuleText(v), 'shop.ts');
}

// The first version's declarations, for the clients' inferred types (never served).
const shape = createSchema({
  player: table({ public: true }, { id: t.u32().primaryKey(), name: t.string(), hp: t.u32() }),
  note: table({ public: true }, { id: t.u32().primaryKey(), text: t.string() }),
});
const _shopTypes = defineModule(shape, {
  reducers: [
    shape.reducer('spawn', { id: t.u32(), name: t.string() }, () => {}),
    shape.reducer('hurt', { id: t.u32(), by: t.u32() }, () => {}),
    shape.reducer('heal', { id: t.u32(), to: t.u32() }, () => {}),
    shape.reducer('leave', { id: t.u32() }, () => {}),
    shape.reducer('write', { id: t.u32(), text: t.string() }, () => {}),
    shape.reducer('erase', { id: t.u32() }, () => {}),
  ] as const,
});
/** The type of the first version {@link shopModuleText} writes. */
export type ShopModule = typeof _shopTypes;

/** A database running a shop module behind a real WebSocket server, its engine ticking. */
export interface LiveShop {
  readonly db: Database<ModuleDef>;
  readonly server: TickspaceServer;
  readonly url: string;
  /** Publishes a version at the next tick boundary; resolves with the publish's result. */
  publish(v: ShopVersion): Promise<{ ok: boolean; code?: string; message?: string }>;
  /** An SDK client over a real WebSocket, counting the sockets it opens and the ones that closed. */
  client(): Promise<{ conn: Connection<ShopModule>; sockets: WebSocket[]; closes: number[] }>;
  close(): Promise<void>;
}

const quiet = { error: () => {}, warn: () => {}, info: () => {}, log: () => {} };

/** Starts a {@link LiveShop} on version `v` (port 0, a temp data directory). */
export async function startLiveShop(v: ShopVersion = {}): Promise<LiveShop> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'live-migration-'));
  const v1 = await loadShop(v);
  const db = await openDatabase({ dir, module: v1.module, logger: quiet, tickMs: 10 });
  db.engine.publish(v1);
  const server = await createServer({
    engine: db.engine,
    port: 0,
    host: '127.0.0.1',
    tokenSecret: 'live-migration-test-secret-of-32-bytes!',
    logger: quiet,
  });
  db.engine.start();
  const url = `ws://127.0.0.1:${server.port}/ws`;
  const conns: Connection<ShopModule>[] = [];
  return {
    db,
    server,
    url,
    async publish(next) {
      const version = await loadShop(next);
      return new Promise((resolve) => publishModule(db, version, (r) => resolve(r)));
    },
    async client() {
      const sockets: WebSocket[] = [];
      const closes: number[] = [];
      class CountingSocket extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols);
          sockets.push(this);
          this.on('close', (code) => closes.push(code));
        }
      }
      const conn = await connect<ShopModule>({
        url,
        WebSocket: CountingSocket as never,
        reconnect: { maxAttempts: 0 },
      });
      conns.push(conn);
      return { conn, sockets, closes };
    },
    async close() {
      for (const c of conns) c.close();
      await server.close();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `predicate()` holds, checked after every frame `conn` applies; rejects after `guardMs`. */
export function until(
  conn: Connection,
  predicate: () => boolean,
  what: string,
  guardMs = 10_000,
): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, guardMs);
    const off = conn.onFrame(() => {
      if (!predicate()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
