import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BinaryWriter,
  CLIENT_MESSAGE,
  compileWireSchema,
  decodeServerMessage,
  encodeConnect,
  encodePing,
  TickspaceError,
} from '../../src/protocol';
import { openRawSocket, startTestServer, type TestServer } from '../kit';
import { viewers, world } from '../subscriptions/world-fixture';

let ts: TestServer<typeof world> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

describe('server', () => {
  it('gives an anonymous client an identity and a token that restores it', async () => {
    ts = await startTestServer(world);
    const a = await ts.connectClient();
    expect(a.conn.identity).toMatch(/^[0-9a-f]{32}$/);
    expect(a.conn.token.startsWith(a.conn.identity + '.')).toBe(true);
    const token = a.conn.token;
    const identity = a.conn.identity;
    a.close();
    const again = await ts.connectClient({ token });
    expect(again.conn.identity).toBe(identity);
    const other = await ts.connectClient();
    expect(other.conn.identity).not.toBe(identity);
  });

  it('refuses a forged token with INVALID_TOKEN and does not reconnect', async () => {
    ts = await startTestServer(world);
    const forged = `${'ab'.repeat(16)}.${'A'.repeat(43)}`;
    const err = await ts.connectClient({ token: forged }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TickspaceError);
    expect((err as TickspaceError).code).toBe('INVALID_TOKEN');
  });

  it('answers reducer calls: ok, the reducer error code, unknown reducers and bad arguments', async () => {
    ts = await startTestServer(world);
    const a = await ts.connectClient();
    await expect(a.reducers.spawn({ id: 1, team: 0, x: 1, y: 2 })).resolves.toBeUndefined();
    await expect(a.reducers.spawn({ id: 1, team: 0, x: 1, y: 2 })).rejects.toMatchObject({ code: 'EXISTS' });
    await expect(a.conn.call('secretOp', {})).rejects.toMatchObject({ code: 'UNKNOWN_REDUCER' });
    await expect(a.conn.call('nope', {})).rejects.toMatchObject({ code: 'UNKNOWN_REDUCER' });
    // Out of range for u8: refused by the client's codec before it leaves, and by the server if forced.
    await expect(a.reducers.spawn({ id: 2, team: 300, x: 0, y: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(a.reducers.spawn({ id: 2, team: 1, x: Number.NaN, y: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(ts.engine.db.entity.count()).toBe(1);
  });

  it('refuses a hand-built CALL whose float argument is NaN or infinite, naming it; no reducer runs, the connection stays', async () => {
    // The session queues decoded calls without validating them again: the decoder is the only check.
    ts = await startTestServer(world, { autoTick: false });
    const raw = await openRawSocket(ts.url);
    raw.send(encodeConnect(2, ''));
    const identity = decodeServerMessage(await raw.next(), undefined, undefined);
    if (identity.type !== 'identity') throw new Error(`expected IDENTITY, got ${identity.type}`);
    const spawn = compileWireSchema(identity.schema).reducerByName('spawn')!;
    const bad = [
      ['x', Number.NaN],
      ['y', Infinity],
      ['x', -Infinity],
    ] as const;
    bad.forEach(([name, value], i) => {
      // What a hostile client sends: the SDK's encodeCall would refuse the value before encoding it.
      const w = new BinaryWriter()
        .u8(CLIENT_MESSAGE.CALL)
        .uvar(10 + i)
        .uvar(spawn.id);
      spawn.args.encode(w, { id: 5, team: 1, x: 0, y: 0, [name]: value });
      raw.send(w.toBytes());
    });
    raw.send(encodePing(1));
    for (const [i, [name, value]] of bad.entries())
      expect(decodeServerMessage(await raw.next(), undefined, undefined)).toEqual({
        type: 'result',
        requestId: 10 + i,
        ok: false,
        code: 'INVALID_ARGUMENT',
        message: `reducer 'spawn': arguments do not decode: f32 '${name}' is not finite (${value}) at byte ${name === 'x' ? 9 : 13}`,
      });
    expect(decodeServerMessage(await raw.next(), undefined, undefined)).toMatchObject({
      type: 'pong',
      nonce: 1,
    });
    await ts.tick();
    expect(ts.engine.db.entity.count()).toBe(0);
    expect(ts.engine.queuedCalls).toBe(0);
    raw.close();
  });

  it("shows a client another client's change", async () => {
    ts = await startTestServer(world);
    const a = await ts.connectClient();
    const b = await ts.connectClient();
    await a.conn.subscribe({ table: 'entity' }).applied;
    const inserted: unknown[] = [];
    a.db.entity.onInsert((row) => inserted.push(row));
    await b.reducers.spawn({ id: 7, team: 2, x: 3.5, y: -1 });
    await a.waitFor(() => a.db.entity.has(7), 'entity 7 at a');
    expect(a.db.entity.find(7)).toEqual({ id: 7, team: 2, x: 3.5, y: -1, hp: 100, name: 'e7' });
    expect(inserted).toHaveLength(1);
    const updates: [number, number][] = [];
    a.db.entity.onUpdate((old, row) => updates.push([old.hp, row.hp]));
    await b.reducers.hurt({ id: 7, by: 30 });
    await a.waitFor(() => a.db.entity.find(7)?.hp === 70, 'hp 70');
    expect(updates).toEqual([[100, 70]]);
    expect(a.db.entity.filter('team', 2).map((r) => r.id)).toEqual([7]);
    await b.reducers.remove({ id: 7 });
    await a.waitFor(() => !a.db.entity.has(7), 'entity 7 gone');
  });

  it('unsubscribing removes exactly the rows no other subscription holds', async () => {
    ts = await startTestServer(world);
    const a = await ts.connectClient();
    for (const [id, team, x] of [
      [1, 0, 0],
      [2, 1, 5],
      [3, 1, 50],
    ] as const)
      await a.reducers.spawn({ id, team, x, y: 0 });
    const near = a.conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 10 } });
    const team = a.conn.subscribe({ table: 'entity', where: { index: 'team', value: 1 } });
    await Promise.all([near.applied, team.applied]);
    expect(
      a.db.entity
        .iter()
        .map((r) => r.id)
        .sort(),
    ).toEqual([1, 2, 3]);
    const deleted: number[] = [];
    a.db.entity.onDelete((r) => deleted.push(r.id));
    await near.unsubscribe();
    expect(deleted).toEqual([1]);
    expect(near.active).toBe(false);
    await team.unsubscribe();
    expect(deleted.sort()).toEqual([1, 2, 3]);
    expect(a.db.entity.count()).toBe(0);
    expect(ts.server.hub.subscriptions.stats().queries).toBe(0);
  });

  it('moves a follow query with its entity, with hysteresis, without client round trips', async () => {
    ts = await startTestServer(world);
    const a = await ts.connectClient();
    await a.reducers.spawn({ id: 1, team: 0, x: 0, y: 0 });
    await a.reducers.spawn({ id: 2, team: 0, x: 50, y: 0 });
    await a.reducers.spawn({ id: 3, team: 0, x: 100, y: 0 });
    await a.conn.subscribe({
      table: 'entity',
      follow: { table: 'entity', key: 1, radius: 20, exitRadius: 30 },
    }).applied;
    expect(a.db.entity.iter().map((r) => r.id)).toEqual([1]);
    await a.reducers.move({ id: 1, x: 35, y: 0 });
    await a.waitFor(() => a.db.entity.has(2), 'entity 2 enters');
    // 25 away: inside exitRadius, so it stays even though it is outside radius.
    await a.reducers.move({ id: 1, x: 25, y: 0 });
    await a.conn.sync();
    expect(a.db.entity.has(2)).toBe(true);
    await a.reducers.move({ id: 1, x: 15, y: 0 });
    await a.waitFor(() => !a.db.entity.has(2), 'entity 2 leaves beyond exitRadius');
    expect(a.db.entity.has(3)).toBe(false);
  });

  it('enforces visibility: rows only to their owner, private tables never described nor served', async () => {
    ts = await startTestServer(world);
    const a = await ts.connectClient();
    const b = await ts.connectClient();
    expect(a.conn.schema!.tables.map((t) => t.name)).not.toContain('note');
    await expect(a.conn.subscribe({ table: 'note' }).applied).rejects.toMatchObject({
      code: 'UNKNOWN_TABLE',
    });
    await a.conn.subscribe({ table: 'item' }).applied;
    await b.conn.subscribe({ table: 'item' }).applied;
    await a.reducers.give({ id: 1, owner: a.conn.identity, qty: 3 });
    await a.reducers.give({ id: 2, owner: b.conn.identity, qty: 4 });
    await a.waitFor(() => a.db.item.count() === 1, 'a sees its item');
    await b.waitFor(() => b.db.item.count() === 1, 'b sees its item');
    expect(a.db.item.iter()).toEqual([{ id: 1, owner: a.conn.identity, qty: 3 }]);
    expect(b.db.item.iter()).toEqual([{ id: 2, owner: b.conn.identity, qty: 4 }]);
    // Ownership moves: the row leaves a's cache and enters b's.
    await a.reducers.give({ id: 1, owner: b.conn.identity, qty: 3 });
    await a.waitFor(() => a.db.item.count() === 0, 'a loses item 1');
    await b.waitFor(() => b.db.item.count() === 2, 'b gains item 1');
    await a.reducers.writeNote({ id: 1, text: 'private' });
    await a.conn.sync();
    expect(a.db.note.count()).toBe(0);
    expect(viewers).toHaveLength(4);
  });

  it('serves /health, /metrics and 404 for unknown routes', async () => {
    ts = await startTestServer(world);
    const a = await ts.connectClient();
    await a.reducers.spawn({ id: 1, team: 0, x: 0, y: 0 });
    const health = (await (await fetch(`${ts.httpUrl}/health`)).json()) as {
      status: string;
      clients: number;
      tick: number;
    };
    expect(health.status).toBe('ok');
    expect(health.clients).toBe(1);
    expect(health.tick).toBeGreaterThan(0);
    const metrics = await (await fetch(`${ts.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^tickspace_clients 1$/m);
    expect(metrics).toMatch(/^tickspace_bytes_out_total \d+/m);
    expect(metrics).toMatch(/tickspace_tick_duration_p99_ms/);
    expect(metrics).toMatch(/tickspace_subscriptions 0/);
    expect((await fetch(`${ts.httpUrl}/nothing`)).status).toBe(404);
  });

  it('guards admin endpoints with the admin token and answers 501 for missing handlers', async () => {
    const rewound: number[] = [];
    ts = await startTestServer(world, {
      adminToken: 'sesame',
      admin: { rewind: (tick) => rewound.push(tick), inspect: (table, tick) => ({ table, tick }) },
    });
    const post = (path: string, token?: string) =>
      fetch(`${ts!.httpUrl}${path}`, {
        method: 'POST',
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
    expect((await post('/admin/rewind?tick=3')).status).toBe(403);
    expect((await post('/admin/rewind?tick=3', 'wrong')).status).toBe(403);
    const ok = await post('/admin/rewind?tick=3', 'sesame');
    expect(ok.status).toBe(200);
    expect(rewound).toEqual([3]);
    expect((await post('/admin/rewind?tick=-1', 'sesame')).status).toBe(400);
    const snap = await post('/admin/snapshot', 'sesame');
    expect(snap.status).toBe(501);
    expect(((await snap.json()) as { error: { code: string } }).error.code).toBe('NOT_IMPLEMENTED');
    const inspect = await fetch(`${ts.httpUrl}/admin/inspect?table=entity&tick=2`, {
      headers: { authorization: 'Bearer sesame' },
    });
    expect(await inspect.json()).toEqual({ ok: true, result: { table: 'entity', tick: 2 } });
  });

  it('refuses admin when no admin token is configured', async () => {
    ts = await startTestServer(world, { admin: { snapshot: () => 'never' } });
    const res = await fetch(`${ts.httpUrl}/admin/snapshot`, {
      method: 'POST',
      headers: { authorization: 'Bearer anything' },
    });
    expect(res.status).toBe(403);
  });

  it('serves static files from staticDir and refuses paths outside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickspace-static-'));
    writeFileSync(join(dir, 'index.html'), '<h1>frontier</h1>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    ts = await startTestServer(world, { staticDir: dir });
    const index = await fetch(`${ts.httpUrl}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toBe('<h1>frontier</h1>');
    expect((await fetch(`${ts.httpUrl}/app.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${ts.httpUrl}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(`${ts.httpUrl}/missing.js`)).status).toBe(404);
  });
});
