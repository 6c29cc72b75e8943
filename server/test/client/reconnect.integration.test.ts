import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect, createWebSocketTransport, type TransportFactory } from '../../src/client';
import { toIdentity } from '../../src/engine';
import { CLOSE_CODES, type ServerMessage } from '../../src/protocol';
import { startTcpProxy, startTestServer, testClient, type TcpProxy, type TestServer } from '../kit';
import { world } from '../subscriptions/world-fixture';

let ts: TestServer<typeof world> | undefined;
let proxy: TcpProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await ts?.close();
  ts = undefined;
});

const admin = toIdentity('9'.repeat(32));

/**
 * A WebSocket transport whose reconnect attempts wait for `gate`, and whose current socket the
 * test can cut (a network drop, not a close handshake).
 */
function gatedTransport(url: string) {
  const sockets: WebSocket[] = [];
  class Tracked extends WebSocket {
    constructor(u: string) {
      super(u, { perMessageDeflate: false });
      sockets.push(this);
    }
  }
  const inner = createWebSocketTransport(url, { WebSocket: Tracked });
  let open: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  let attempts = 0;
  const factory: TransportFactory = (events) => {
    attempts++;
    if (attempts === 1) return inner(events);
    let real: ReturnType<TransportFactory> | undefined;
    const queued: Uint8Array[] = [];
    void gate.then(() => {
      real = inner(events);
      for (const f of queued) real.send(f);
    });
    return {
      send: (f) => (real === undefined ? queued.push(f) : real.send(f)),
      close: (code, reason) => real?.close(code, reason),
      get bufferedAmount() {
        return real?.bufferedAmount ?? 0;
      },
    };
  };
  return {
    factory,
    drop() {
      gate = new Promise<void>((resolve) => (open = resolve));
      sockets[sockets.length - 1]!.terminate();
    },
    reopen: () => open(),
    attempts: () => attempts,
  };
}

describe('client reconnect', () => {
  it('reconnects with backoff, restores the identity, resubscribes and shows listeners only the real differences', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const engine = ts.engine;
    for (const id of [1, 2, 3]) engine.enqueue(admin, 'spawn', { id, team: 0, x: id, y: 0 });
    await ts.tick();
    const gated = gatedTransport(ts.url);
    const conn = await connect<typeof world>({
      transport: gated.factory,
      reconnect: { initialDelayMs: 1, jitter: 0 },
    });
    const client = testClient(conn);
    const identity = conn.identity;
    const sub = conn.subscribe({ table: 'entity' });
    await sub.applied;
    expect(conn.db.entity.count()).toBe(3);
    const events: string[] = [];
    conn.db.entity.onInsert((r) => events.push(`insert ${r.id}`));
    conn.db.entity.onUpdate((o, r) => events.push(`update ${r.id} hp ${o.hp}->${r.hp}`));
    conn.db.entity.onDelete((r) => events.push(`delete ${r.id}`));
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s));

    gated.drop();
    await client.waitFor(() => conn.status === 'reconnecting', 'reconnecting');
    // While the client is away: 1 changes, 2 goes, 4 arrives, 3 stays as it was.
    engine.enqueue(admin, 'hurt', { id: 1, by: 10 });
    engine.enqueue(admin, 'remove', { id: 2 });
    engine.enqueue(admin, 'spawn', { id: 4, team: 1, x: 4, y: 0 });
    await ts.tick();
    expect(events).toEqual([]);
    gated.reopen();
    await client.waitFor(() => conn.status === 'open', 'open again');

    expect(conn.identity).toBe(identity);
    expect(events.sort()).toEqual(['delete 2', 'insert 4', 'update 1 hp 100->90']);
    expect(statuses).toEqual(['reconnecting', 'open']);
    expect(conn.db.entity.iter().sort((a, b) => a.id - b.id)).toEqual(
      engine.db.entity.iter().sort((a, b) => a.id - b.id),
    );
    expect(gated.attempts()).toBeGreaterThanOrEqual(2);
    // The subscription is live on the new session.
    engine.enqueue(admin, 'hurt', { id: 3, by: 1 });
    await ts.tick();
    await client.waitFor(() => conn.db.entity.find(3)?.hp === 99, 'update after reconnect');
    const call = conn.reducers.hurt({ id: 3, by: 1 });
    await conn.sync();
    await ts.tick();
    await expect(call.then(() => 'ok')).resolves.toBe('ok');
  });

  it('rejects calls in flight with DISCONNECTED when the connection drops', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const gated = gatedTransport(ts.url);
    const conn = await connect<typeof world>({
      transport: gated.factory,
      reconnect: { initialDelayMs: 1, jitter: 0 },
    });
    const pendingCall = conn.reducers.spawn({ id: 1, team: 0, x: 0, y: 0 });
    await conn.sync();
    gated.drop();
    await expect(pendingCall).rejects.toMatchObject({ code: 'DISCONNECTED' });
    gated.reopen();
    await testClient(conn).waitFor(() => conn.status === 'open', 'open again');
    conn.close();
    expect(conn.status).toBe('closed');
  });

  it('reconnects by itself after the server closed it as idle (4006), with the same identity', async () => {
    ts = await startTestServer(world, { limits: { idleTimeoutMs: 100 } });
    // Without its heartbeat the client says nothing, so the server takes it for idle.
    const client = await ts.connectClient({ heartbeat: false, reconnect: { initialDelayMs: 1, jitter: 0 } });
    const identity = client.conn.identity;
    const statuses: string[] = [];
    client.conn.onStatus((s) => statuses.push(s));
    const close = (await client.nextFrame('close')) as Extract<ServerMessage, { type: 'close' }>;
    expect(close).toMatchObject({ closeCode: CLOSE_CODES.IDLE_TIMEOUT, code: 'IDLE_TIMEOUT' });
    await client.waitFor(() => statuses.includes('open'), 'open again');
    expect(statuses.slice(0, 2)).toEqual(['reconnecting', 'open']);
    expect(client.conn.identity).toBe(identity);
    client.close();
  });

  it('reconnects once after a frame it cannot decode: one new connection, none replaced', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const errors: unknown[] = [];
    const client = await ts.connectClient({
      reconnect: { initialDelayMs: 1, jitter: 0 },
      onError: (e) => errors.push(e),
    });
    const identity = client.conn.identity;
    const statuses: string[] = [];
    client.conn.onStatus((s) => statuses.push(s));
    // A message tag no server sends: the client must drop this session and start a fresh one.
    ts.server.hub.session(toIdentity(identity))!.send(new Uint8Array([0xff, 0x00]));
    await client.waitFor(() => statuses.includes('open'), 'open again');
    await client.conn.sync();
    expect(errors.length).toBe(1);
    expect(statuses).toEqual(['reconnecting', 'open']);
    expect(client.conn.identity).toBe(identity);
    // A second reconnect timer would open another connection that replaces this one (4004).
    const metrics = await ts.server.metrics.text();
    expect(metrics).not.toMatch(/tickspace_disconnects_total\{code="4004"\}/);
    expect(ts.server.hub.connectionCount).toBe(1);
    client.close();
  });

  it('drops a link the server went silent on (a stalled network) and reconnects by itself, with the same identity and subscriptions', async () => {
    ts = await startTestServer(world, { autoTick: false });
    proxy = await startTcpProxy(ts.server.port);
    const conn = await connect<typeof world>({
      url: `ws://127.0.0.1:${proxy.port}/ws`,
      WebSocket: WebSocket,
      heartbeat: { intervalMs: 25, timeoutMs: 100 },
      reconnect: { initialDelayMs: 1, jitter: 0 },
    });
    const client = testClient(conn);
    const identity = conn.identity;
    await conn.subscribe({ table: 'entity' }).applied;
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(s));

    proxy.stall();
    // Nothing is closed: only the SDK's heartbeat can tell that the server stopped answering.
    await client.waitFor(() => statuses.includes('open'), 'open again');
    expect(statuses.slice(0, 2)).toEqual(['reconnecting', 'open']);
    expect(proxy.links).toBe(2);
    expect(conn.identity).toBe(identity);
    ts.engine.enqueue(admin, 'spawn', { id: 7, team: 0, x: 0, y: 0 });
    await ts.tick();
    await client.waitFor(() => conn.db.entity.has(7), 'the subscription is live on the new session');
    conn.close();
  });

  it('gives up on a connection attempt that hangs (the TCP connection opens, the upgrade never answers) with HEARTBEAT_TIMEOUT', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws`;
      const err = await connect({
        url,
        WebSocket: WebSocket,
        heartbeat: { intervalMs: 20, timeoutMs: 40 },
      }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'HEARTBEAT_TIMEOUT',
        details: { closeCode: CLOSE_CODES.HEARTBEAT_TIMEOUT },
      });
      expect(sockets.length).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
