import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect } from '../../src/client';
import { createSchema, defineModule, t, table, toIdentity } from '../../src/engine';
import { testClient, startTestServer, type TestServer } from '../kit';

const schema = createSchema({
  blob: table({ public: true }, { id: t.u32().primaryKey(), version: t.u32(), data: t.bytes() }),
});
const churn = schema.reducer('churn', { rows: t.u32(), bytes: t.u32() }, (ctx, { rows, bytes }) => {
  for (let id = 0; id < rows; id++) {
    const data = new Uint8Array(bytes).fill((ctx.tick + id) & 0xff);
    const old = ctx.db.blob.find(id);
    if (old === undefined) ctx.db.blob.insert({ id, version: ctx.tick, data });
    else ctx.db.blob.update({ id, version: ctx.tick, data });
  }
  // Some rows come and go, so the coalesced net change has deletes and inserts too.
  if (ctx.tick % 3 === 0) ctx.db.blob.delete(rows + 1);
  else if (!ctx.db.blob.has(rows + 1))
    ctx.db.blob.insert({ id: rows + 1, version: ctx.tick, data: new Uint8Array(1) });
});
const blobs = defineModule(schema, { reducers: [churn] });
const server = toIdentity('5'.repeat(32));

/** A `ws` WebSocket that remembers its instances, so a test can stop reading from the socket. */
const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url, { perMessageDeflate: false });
    sockets.push(this);
  }
}
const rawSocket = (ws: WebSocket) => (ws as unknown as { _socket: import('node:net').Socket })._socket;

let ts: TestServer<typeof blobs> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
  sockets.length = 0;
});

async function stalledClient(ts: TestServer<typeof blobs>) {
  const conn = await connect<typeof blobs>({
    url: ts.url,
    WebSocket: TrackedWebSocket,
    reconnect: false,
  });
  const client = testClient(conn);
  await conn.subscribe({ table: 'blob' }).applied;
  rawSocket(sockets[sockets.length - 1]!).pause();
  return client;
}

async function churnUntil(
  ts: TestServer<typeof blobs>,
  done: () => boolean,
  maxTicks: number,
): Promise<number> {
  for (let i = 0; i < maxTicks; i++) {
    if (done()) return i;
    ts.engine.enqueue(server, 'churn', { rows: 40, bytes: 4096 });
    await ts.tick();
  }
  throw new Error(`condition not reached in ${maxTicks} ticks`);
}

describe('backpressure', () => {
  it('coalesces the updates of a client that stops reading, then sends the net change once it drains', async () => {
    ts = await startTestServer(blobs, {
      autoTick: false,
      limits: { highWatermarkBytes: 64 * 1024, lowWatermarkBytes: 16 * 1024, maxCongestedTicks: 100_000 },
    });
    const client = await stalledClient(ts);
    const subs = ts.server.hub.subscriptions;
    await churnUntil(ts, () => subs.stats().congestedClients === 1, 2000);
    const session = ts.server.hub.session(client.conn.identity)!;
    const bufferedAtCongestion = session.bufferedAmount;
    const framesAtCongestion = subs.stats().framesSent;
    // While coalescing, no tick frame is queued: the buffer does not grow with the ticks.
    for (let i = 0; i < 30; i++) {
      ts.engine.enqueue(server, 'churn', { rows: 40, bytes: 4096 });
      await ts.tick();
    }
    expect(subs.stats().framesSent).toBe(framesAtCongestion);
    expect(session.bufferedAmount).toBeLessThanOrEqual(bufferedAtCongestion);
    expect(subs.stats().congestedClients).toBe(1);
    // Reading again: the buffer drains, the next tick sends the net change.
    rawSocket(sockets[0]!).resume();
    const sameAsServer = () => {
      const rows = ts!.engine.db.blob.iter();
      return (
        rows.length === client.db.blob.count() &&
        rows.every((r) => client.db.blob.find(r.id)?.version === r.version)
      );
    };
    const drainTicks = await (async () => {
      for (let i = 0; i < 2000; i++) {
        if (subs.stats().congestedClients === 0) return i;
        await client.conn.sync();
        await ts!.tick();
      }
      throw new Error('never drained');
    })();
    expect(drainTicks).toBeGreaterThanOrEqual(0);
    await client.conn.sync();
    await client.waitFor(sameAsServer, 'client cache equals server after the net change');
    for (const r of ts.engine.db.blob.iter()) expect(client.db.blob.find(r.id)).toEqual(r);
    expect(client.conn.status).toBe('open');
  });

  it('closes a client that stays over the limit for maxCongestedTicks with 4003 SLOW_CONSUMER', async () => {
    ts = await startTestServer(blobs, {
      autoTick: false,
      limits: { highWatermarkBytes: 64 * 1024, lowWatermarkBytes: 16 * 1024, maxCongestedTicks: 3 },
    });
    const client = await stalledClient(ts);
    const hub = ts.server.hub;
    await churnUntil(ts, () => hub.clientCount === 0, 4000);
    const metrics = await (await fetch(`${ts.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/tickspace_disconnects_total\{code="4003"\} 1/);
    expect(hub.subscriptions.stats().clients).toBe(0);
    rawSocket(sockets[0]!).resume();
    await client.waitFor(() => client.conn.status === 'closed', 'client sees the close');
  });
});
