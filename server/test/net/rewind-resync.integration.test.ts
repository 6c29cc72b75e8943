import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect, type HistoryChange } from '../../src/client';
import { openDatabase, type Database } from '../../src/engine/tooling';
import { createServer, type TickspaceServer } from '../../src/net';
import {
  compileWireSchema,
  decodeSchemaDescriptor,
  decodeServerMessage,
  encodeConnect,
  encodeSubscribe,
  RESET_REASON,
  SERVER_MESSAGE,
  BinaryReader,
  type SectionVisitor,
} from '../../src/protocol';
import { openRawSocket } from '../kit';
import { bank } from '../engine/fixtures';

const ADMIN = 'rewind-admin';
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function boot(): Promise<{ db: Database<typeof bank>; server: TickspaceServer }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tickspace-rewind-'));
  const db = await openDatabase({
    dir,
    module: bank,
    seed: 'rewind',
    tickMs: 10,
    durability: 'never',
    snapshotEveryTicks: 0,
    snapshotEveryBytes: 0,
  });
  const server = await createServer({
    engine: db.engine,
    port: 0,
    tokenSecret: 'rewind-resync-secret-of-32-bytes!',
    adminToken: ADMIN,
    admin: { rewind: (tick) => db.rewind(tick) },
  });
  db.engine.start();
  cleanup = async () => {
    await server.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { db, server };
}

const noRows: SectionVisitor = { delete: () => {}, insert: () => {}, update: () => {}, reset: () => {} };

describe('a rewind resynchronises every subscriber and tells it why', () => {
  it('an SDK client learns the rewind and its target tick, with the rolled-away row already gone; a version 2 client gets its old RESET layout', async () => {
    const { db, server } = await boot();
    const conn = await connect<typeof bank>({
      url: server.url,
      WebSocket: WebSocket,
      reconnect: false,
    });
    await conn.subscribe({ table: 'account' }).applied;
    const before = db.engine.tick;

    // A version 2 client on the same table, over a raw socket.
    const old = await openRawSocket(server.url);
    old.send(encodeConnect(2, ''));
    const identity = await old.next();
    expect(identity[0]).toBe(SERVER_MESSAGE.IDENTITY);
    const r = new BinaryReader(identity);
    r.u8();
    for (let i = 0; i < 16; i++) r.u8();
    r.string();
    r.uvar();
    const wire = compileWireSchema(decodeSchemaDescriptor(r));
    old.send(encodeSubscribe(wire, 1, { table: 'account' }));

    await conn.reducers.open({ id: 1, name: 'alice', balance: 10n });
    expect(conn.db.account.find(1)).toBeDefined();

    const changes: { reason: HistoryChange; tick: number; rowThen: boolean }[] = [];
    const changed = new Promise<void>((resolve) =>
      conn.onHistoryChanged((reason, tick) => {
        changes.push({ reason, tick, rowThen: conn.db.account.has(1) });
        resolve();
      }),
    );
    const res = await fetch(`${server.httpUrl}/admin/rewind?tick=${before}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(res.status).toBe(200);
    await Promise.race([
      changed,
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('no history change within 10 s')), 10_000).unref(),
      ),
    ]);
    expect(changes).toEqual([{ reason: 'rewind', tick: before, rowThen: false }]);

    // The version 2 client: a RESET it can read with its own layout (no reason byte).
    let reset: ReturnType<typeof decodeServerMessage> | undefined;
    while (reset === undefined) {
      const frame = await old.next();
      if (frame[0] === SERVER_MESSAGE.RESET) reset = decodeServerMessage(frame, wire, noRows, 2);
    }
    expect(reset).toMatchObject({
      type: 'reset',
      reason: RESET_REASON.RESYNC,
      stateOfTick: reset.type === 'reset' ? reset.tick : -1,
    });
    old.close();
    conn.close();
  });
});
