import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect, type Connection } from '../../../src/client';
import type { Engine, ModuleDef } from '../../../src/engine';
import { createEngine } from '../../../src/engine';
import { createServer } from '../../../src/net';
import { PROTOCOL_VERSION } from '../../../src/protocol';
import { bank } from '../../engine/fixtures';
import { ADMIN_TOKEN, startConsoleServer, type ConsoleServer } from './console-fixture';

// Small limits, so every one is exceeded by a request the test can make.
const LIMITS = { maxRows: 3, maxLogCalls: 4, maxLogTicks: 50, maxHistoryVersions: 2 };

let world: ConsoleServer;
let alice: Connection<typeof bank>;
/** The last tick at which account 1 held 100 (before the first transfer). */
let beforeTransfer: number;

beforeAll(async () => {
  world = await startConsoleServer({ limits: LIMITS });
  alice = await connect<typeof bank>({ url: world.server.url, WebSocket });
  await alice.reducers.open({ id: 1, name: 'alice', balance: 100n });
  await alice.reducers.open({ id: 2, name: 'bob', balance: 100n });
  await alice.reducers.open({ id: 3, name: 'Carol', balance: 5n });
  beforeTransfer = world.db.engine.tick;
  await alice.reducers.transfer({ from: 1, to: 2, amount: 30n });
  await alice.reducers.transfer({ from: 1, to: 2, amount: 20n });
  await expect(alice.reducers.transfer({ from: 3, to: 1, amount: 500n })).rejects.toMatchObject({
    code: 'INSUFFICIENT_FUNDS',
  });
  // A still world: the log's last ticks are the ones above (the browser test runs a live one).
  await world.db.engine.stop();
});
afterAll(async () => {
  alice?.close();
  await world?.close();
});

const routes = ['tables', 'rows?table=account', 'log', 'history?table=account&key=1', 'sessions', 'metrics'];

describe('the admin token', () => {
  it.each(routes)('/admin/%s answers 403 without the token and with a wrong one', async (route) => {
    const none = await world.request(route, { token: null });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('FORBIDDEN');
    const wrong = await world.request(route, { token: `${ADMIN_TOKEN}x` });
    expect(wrong.status).toBe(403);
    expect((await world.request(route)).status).toBe(200);
  });

  it('serves the page and its script without a token (the data routes check it)', async () => {
    const page = await fetch(`${world.server.httpUrl}/admin`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/admin/console.js');
    const script = await fetch(`${world.server.httpUrl}/admin/console.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('tickspace.adminToken');
  });

  it('answers 405 to a POST on a console route', async () => {
    const r = await world.request('tables', { method: 'POST' });
    expect(r.status).toBe(405);
  });
});

describe('/admin/tables', () => {
  it('lists every table with its columns, key and row count, system tables marked', async () => {
    const { body } = await world.request('tables');
    const byName = Object.fromEntries(body.result.tables.map((t: any) => [t.name, t]));
    expect(byName.account.count).toBe(3);
    expect(byName.account.primaryKey).toEqual(['id']);
    expect(byName.account.columns).toContainEqual({ name: 'balance', kind: 'i64' });
    expect(byName.membership.primaryKey).toEqual(['group', 'member']);
    expect(byName.counter.public).toBe(false);
    expect(byName.__schedule.system).toBe(true);
    expect(body.result.history.lastTick).toBeGreaterThanOrEqual(beforeTransfer);
  });
});

describe('/admin/rows', () => {
  it('answers the live rows with counts, bigints as text', async () => {
    const { body } = await world.request('rows?table=account');
    expect(body.result).toMatchObject({ table: 'account', live: true, count: 3, matching: 3 });
    const one = body.result.rows.find((r: any) => r.key === '1');
    expect(one.values.balance).toBe('50');
  });

  it('filters by equality and by contained text', async () => {
    const eq = await world.request('rows?table=account&filter=id=2');
    expect(eq.body.result.matching).toBe(1);
    expect(eq.body.result.rows[0].values.name).toBe('bob');
    const text = await world.request('rows?table=account&filter=name~cAR');
    expect(text.body.result.rows.map((r: any) => r.values.name)).toEqual(['Carol']);
    expect(text.body.result.count).toBe(3);
    const both = await world.request('rows?table=account&filter=name~o&filter=balance=5');
    expect(both.body.result.rows.map((r: any) => r.values.name)).toEqual(['Carol']);
  });

  it('reads a table as of a past tick', async () => {
    const { body } = await world.request(`rows?table=account&tick=${beforeTransfer}`);
    expect(body.result.live).toBe(false);
    expect(body.result.tick).toBe(beforeTransfer);
    expect(body.result.rows.find((r: any) => r.key === '1').values.balance).toBe('100');
  });

  it('pages with limit and offset, and refuses a limit over maxRows naming it', async () => {
    const page = await world.request('rows?table=account&limit=2&offset=2');
    expect(page.body.result.rows).toHaveLength(1);
    const over = await world.request('rows?table=account&limit=4');
    expect(over.status).toBe(400);
    expect(over.body.error.message).toBe(
      "/admin/rows: query parameter 'limit' is 4, over the limit of 3 (maxRows)",
    );
    expect((await world.request('rows?table=account&limit=3')).status).toBe(200);
  });

  it.each([
    ['rows', "query parameter 'table' is required"],
    ['rows?table=nope', "no table named 'nope'"],
    ['rows?table=account&tick=', "query parameter 'tick' must be a whole number >= 0, got ''"],
    ['rows?table=account&tick=-1', "'tick' must be a whole number"],
    ['rows?table=account&limit=0', "'limit' must be at least 1"],
    [
      'rows?table=account&filter=id=abc',
      "'filter' names column 'id', which expects a number (u32), got \"abc\"",
    ],
    ['rows?table=account&filter=nocol=1', "'filter' names no column 'nocol'"],
    ['rows?table=account&filter=balance', "'filter' must be 'column=value' or 'column~text'"],
    ['rows?table=account&tabel=x', "query parameter 'tabel' is not a parameter of /admin/rows"],
    ['rows?table=account&table=entity', "'table' is given 2 times"],
    ['rows?table=account&tick=999999999', 'TICK'],
  ])('%s is refused: %s', async (route, message) => {
    const r = await world.request(route);
    expect(r.status).toBe(route.includes('nope') ? 404 : 400);
    expect(`${r.body.error.code} ${r.body.error.message}`).toContain(message);
  });
});

describe('/admin/log', () => {
  it('lists calls newest first and filters by reducer, outcome, origin and sender', async () => {
    const pay = await world.request('log?reducer=transfer');
    expect(pay.body.result.calls.map((c: any) => c.reducer)).toEqual(['transfer', 'transfer', 'transfer']);
    expect(pay.body.result.calls[0].code).toBe('INSUFFICIENT_FUNDS');
    expect(pay.body.result.calls[2].args).toEqual({ from: 1, to: 2, amount: '30' });
    const failed = await world.request('log?outcome=error');
    expect(failed.body.result.calls.map((c: any) => c.code)).toEqual(['INSUFFICIENT_FUNDS']);
    const byCode = await world.request('log?outcome=INSUFFICIENT_FUNDS&reducer=transfer');
    expect(byCode.body.result.matched).toBe(1);
    const ok = await world.request('log?outcome=ok&reducer=transfer');
    expect(ok.body.result.matched).toBe(2);
    const sender = alice.identity.slice(0, 6);
    const mine = await world.request(`log?sender=${sender}&origin=client`);
    expect(mine.body.result.matched).toBe(6);
    const nobody = await world.request(
      `log?sender=${sender === 'ffffff' ? '000000' : 'ffffff'}&origin=client`,
    );
    expect(nobody.body.result.matched).toBe(0);
    const lifecycle = await world.request('log?origin=lifecycle');
    expect(lifecycle.body.result.calls.every((c: any) => c.origin === 'lifecycle')).toBe(true);
    expect(lifecycle.body.result.matched).toBeGreaterThan(0);
  });

  it('keeps the newest `limit` calls and counts them all', async () => {
    const r = await world.request('log?origin=client&limit=2');
    expect(r.body.result.matched).toBe(6);
    expect(r.body.result.truncated).toBe(true);
    expect(r.body.result.calls.map((c: any) => c.reducer)).toEqual(['transfer', 'transfer']);
    expect(r.body.result.calls[0].tick).toBeGreaterThan(r.body.result.calls[1].tick);
  });

  it.each([
    ['log?limit=5', "'limit' is 5, over the limit of 4 (maxLogCalls)"],
    ['log?from=9&to=3', "'from' (9) is after 'to' (3)"],
    ['log?reducer=pay', "'reducer' names no reducer 'pay' (reducers: open, transfer"],
    ['log?sender=zz', "'sender' must be hex digits"],
    ['log?outcome=bad', "'outcome' must be ok, error or an error code"],
    ['log?origin=robot', "'origin' must be one of client, schedule, lifecycle"],
  ])('%s is refused: %s', async (route, message) => {
    const r = await world.request(route);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(message);
  });

  it('refuses a range wider than maxLogTicks, scans one exactly as wide, and fits its default window to it', async () => {
    const small = await startConsoleServer({ limits: { maxLogTicks: 5 } });
    try {
      const engine = small.db.engine;
      await new Promise<void>((resolve) => {
        const off = engine.onCommit((record) => {
          if (record.tick < 8) return;
          off();
          resolve();
        });
      });
      const over = await small.request('log?from=1&to=6');
      expect(over.status).toBe(400);
      expect(over.body.error.message).toBe(
        "/admin/log: query parameter 'from' asks for 6 ticks (1..6), over the limit of 5 (maxLogTicks): narrow from/to",
      );
      const exact = await small.request('log?from=2&to=6');
      expect(exact.status).toBe(200);
      expect(exact.body.result).toMatchObject({ from: 2, to: 6 });
      const fitted = await small.request('log');
      expect(fitted.body.result.to - fitted.body.result.from + 1).toBe(5);
    } finally {
      await small.close();
    }
  });
});

describe('/admin/history', () => {
  it('gives every version of a row newest first, with the call and sender behind it', async () => {
    const r = await world.request('history?table=account&key=1&limit=2');
    expect(r.body.result.total).toBe(3);
    expect(r.body.result.truncated).toBe(true);
    expect(r.body.result.versions.map((v: any) => [v.kind, v.row.balance, v.call.reducer])).toEqual([
      ['update', '50', 'transfer'],
      ['update', '70', 'transfer'],
    ]);
    expect(r.body.result.versions[0].call.sender).toBe(alice.identity);
  });

  it('reads a composite key as a JSON array', async () => {
    const r = await world.request(`history?table=membership&key=${encodeURIComponent('[1,2]')}`);
    expect(r.status).toBe(200);
    expect(r.body.result.total).toBe(0);
    const bad = await world.request('history?table=membership&key=1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("'key' must be a JSON array of 2 values (group, member)");
  });

  it.each([
    ['history?table=account&key=1&limit=3', "'limit' is 3, over the limit of 2 (maxHistoryVersions)"],
    ['history?table=account', "'key' is required"],
    ['history?table=account&key=x', "'key' names column 'id', which expects a number (u32)"],
  ])('%s is refused: %s', async (route, message) => {
    const r = await world.request(route);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(message);
  });
});

describe('/admin/sessions and /admin/metrics', () => {
  it('lists the connected client with its address and protocol version', async () => {
    const { body } = await world.request('sessions');
    expect(body.result.clients).toBe(1);
    expect(body.result.sessions).toEqual([
      expect.objectContaining({
        identity: alice.identity,
        remoteAddress: '127.0.0.1',
        protocolVersion: PROTOCOL_VERSION,
      }),
    ]);
  });

  it('answers the /metrics registry as JSON', async () => {
    const { body } = await world.request('metrics');
    const clients = body.result.metrics.find((m: any) => m.name === 'tickspace_clients');
    expect(clients.values[0].value).toBe(1);
    const calls = body.result.metrics.find((m: any) => m.name === 'tickspace_reducer_calls');
    expect(calls.values[0].value).toBeGreaterThanOrEqual(6);
    expect(typeof body.result.atMs).toBe('number');
  });
});

describe('a server without a commit log', () => {
  it('shows the live tables and answers 501 to the history routes', async () => {
    const engine = createEngine({ module: bank, tickMs: 20 });
    const server = await createServer({
      engine: engine as unknown as Engine<ModuleDef>,
      adminToken: ADMIN_TOKEN,
    });
    try {
      const get = (p: string) =>
        fetch(`${server.httpUrl}/admin/${p}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      const tables = (await (await get('tables')).json()) as any;
      expect(tables.result.history).toBeNull();
      expect((await get('rows?table=account')).status).toBe(200);
      for (const p of ['log', 'history?table=account&key=1', 'rows?table=account&tick=0']) {
        const r = await get(p);
        expect(r.status).toBe(501);
        expect(((await r.json()) as any).error.code).toBe('NOT_IMPLEMENTED');
      }
    } finally {
      await server.close();
    }
  });
});
