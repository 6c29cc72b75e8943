import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect } from '../../src/client';
import { createLoopbackTransport } from '../../src/net';
import { CLIENT_MESSAGE, CLOSE_CODES, decodeServerMessage, encodeBatch, encodeConnect, encodePing, PROTOCOL_VERSION, TickspaceError } from '../../src/protocol';
import { openRawSocket, refusedUpgrade, startTestServer, testClient, type TestServer } from '../kit';
import { world } from '../subscriptions/world-fixture';

let ts: TestServer<typeof world> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

/** Opens a raw socket and completes the handshake. */
async function handshaken(url: string, localAddress?: string) {
  const raw = await openRawSocket(url, localAddress === undefined ? {} : { localAddress });
  raw.send(encodeConnect(PROTOCOL_VERSION, ''));
  const identity = await raw.next();
  expect(identity[0]).toBe(0x81);
  return raw;
}

describe('limits (one test per limit)', () => {
  it('maxFrameBytes: a larger frame closes the connection with 1009', async () => {
    ts = await startTestServer(world, { limits: { maxFrameBytes: 1024 } });
    const raw = await handshaken(ts.url);
    const frame = new Uint8Array(1025);
    frame[0] = CLIENT_MESSAGE.PING;
    raw.send(frame);
    expect((await raw.closed).code).toBe(CLOSE_CODES.MESSAGE_TOO_BIG);
    const metrics = await (await fetch(`${ts.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/tickspace_rejected_frames_total\{code="FRAME_TOO_LARGE"\} 1/);
  });

  it('callBurst and callsPerSecond: calls beyond the bucket are refused with RATE_LIMITED, then refill', async () => {
    let now = 0;
    ts = await startTestServer(world, { limits: { callBurst: 3, callsPerSecond: 1 }, clock: () => now });
    const a = await ts.connectClient();
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => a.reducers.hurt({ id: 99, by: i })));
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as TickspaceError).code : 'ok'));
    // hurt of a missing entity fails in the reducer (NO_ENTITY): that proves the call got through.
    expect(codes).toEqual(['NO_ENTITY', 'NO_ENTITY', 'NO_ENTITY', 'RATE_LIMITED', 'RATE_LIMITED']);
    now += 1000;
    await expect(a.reducers.hurt({ id: 99, by: 1 })).rejects.toMatchObject({ code: 'NO_ENTITY' });
    await expect(a.reducers.hurt({ id: 99, by: 1 })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('maxRateLimitedCalls: a client that keeps hammering is closed with 1008', async () => {
    ts = await startTestServer(world, { limits: { callBurst: 1, callsPerSecond: 0, maxRateLimitedCalls: 2 }, clock: () => 0 });
    const a = await ts.connectClient({ reconnect: false });
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => a.reducers.hurt({ id: 1, by: 1 })));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await a.waitFor(() => a.conn.status === 'closed', 'closed');
    expect(a.conn.closeReason).toMatchObject({ closeCode: CLOSE_CODES.POLICY_VIOLATION, code: 'ABUSE' });
  });

  it('maxPendingCalls: calls beyond the unanswered limit are refused at once', async () => {
    ts = await startTestServer(world, { autoTick: false, limits: { maxPendingCalls: 2 } });
    const a = await ts.connectClient();
    const p1 = a.reducers.spawn({ id: 1, team: 0, x: 0, y: 0 });
    const p2 = a.reducers.spawn({ id: 2, team: 0, x: 0, y: 0 });
    await expect(a.reducers.spawn({ id: 3, team: 0, x: 0, y: 0 })).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await ts.tick();
    await expect(Promise.all([p1, p2])).resolves.toEqual([undefined, undefined]);
    expect(ts.engine.db.entity.count()).toBe(2);
  });

  it('maxBadFrames: too many refused frames close the connection with 1008', async () => {
    ts = await startTestServer(world, { limits: { maxBadFrames: 3 } });
    const raw = await handshaken(ts.url);
    for (let i = 0; i < 4; i++) raw.send(new Uint8Array([0x7f, i]));
    const closed = await raw.closed;
    expect(closed.code).toBe(CLOSE_CODES.POLICY_VIOLATION);
    const errors = raw.queued.filter((f) => f[0] === 0x87);
    expect(errors.length).toBe(4);
    expect(raw.queued.some((f) => f[0] === 0x89)).toBe(true);
  });

  it('maxBatchMessages: a larger BATCH is refused whole (one MALFORMED_FRAME, none of its messages handled)', async () => {
    ts = await startTestServer(world, { limits: { maxBatchMessages: 4 } });
    const raw = await handshaken(ts.url);
    raw.send(encodeBatch(CLIENT_MESSAGE.BATCH, [1, 2, 3, 4, 5].map(encodePing)));
    expect(decodeServerMessage(await raw.next(), undefined, undefined)).toEqual({
      type: 'error',
      code: 'MALFORMED_FRAME',
      message: 'BATCH of 5 messages exceeds maxBatchMessages (4) at byte 2',
    });
    raw.send(encodeBatch(CLIENT_MESSAGE.BATCH, [6, 7, 8, 9].map(encodePing)));
    const nonces = [];
    for (let i = 0; i < 4; i++) nonces.push((decodeServerMessage(await raw.next(), undefined, undefined) as { nonce: number }).nonce);
    expect(nonces).toEqual([6, 7, 8, 9]);
  });

  it('maxSubscriptions: one query too many is refused with TOO_MANY_SUBSCRIPTIONS', async () => {
    ts = await startTestServer(world, { limits: { maxSubscriptions: 2 } });
    const a = await ts.connectClient();
    await a.conn.subscribe({ table: 'entity' }).applied;
    await a.conn.subscribe({ table: 'item' }).applied;
    await expect(a.conn.subscribe({ table: 'marker' }).applied).rejects.toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS' });
  });

  it('maxQueryCells: a spatial query over too many cells is refused with INVALID_QUERY', async () => {
    ts = await startTestServer(world, { limits: { maxQueryCells: 16 } });
    const a = await ts.connectClient();
    await expect(a.conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 100 } }).applied).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(a.conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 5 } }).applied).resolves.toBeUndefined();
  });

  it('maxClients: a connection beyond the limit is closed with 1013 SERVER_FULL', async () => {
    ts = await startTestServer(world, { limits: { maxClients: 2 } });
    await ts.connectClient();
    await ts.connectClient();
    const err = await connect({ url: ts.url, WebSocket: WebSocket as never }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SERVER_FULL' });
  });

  it('handshakeTimeoutMs: a connection that never sends CONNECT is closed with 4002', async () => {
    ts = await startTestServer(world, { limits: { handshakeTimeoutMs: 50 } });
    const raw = await openRawSocket(ts.url);
    expect((await raw.closed).code).toBe(CLOSE_CODES.HANDSHAKE_TIMEOUT);
  });

  it('the protocol: a text frame closes with 1003, a frame before CONNECT with 1002, a bad version with 4005', async () => {
    ts = await startTestServer(world);
    const text = await openRawSocket(ts.url);
    text.send('hello');
    expect((await text.closed).code).toBe(CLOSE_CODES.UNSUPPORTED_DATA);
    const early = await openRawSocket(ts.url);
    early.send(new Uint8Array([CLIENT_MESSAGE.PING, 1]));
    expect((await early.closed).code).toBe(CLOSE_CODES.PROTOCOL_ERROR);
    const version = await openRawSocket(ts.url);
    version.send(encodeConnect(99, ''));
    expect((await version.closed).code).toBe(CLOSE_CODES.UNSUPPORTED_VERSION);
  });

  it('a second connection with the same token replaces the first (4004)', async () => {
    ts = await startTestServer(world);
    const a = await ts.connectClient();
    const b = await ts.connectClient({ token: a.conn.token });
    await a.waitFor(() => a.conn.status === 'closed', 'a closed');
    expect(a.conn.closeReason).toMatchObject({ closeCode: CLOSE_CODES.REPLACED, code: 'SESSION_REPLACED' });
    expect(b.conn.identity).toBe(a.conn.identity);
    expect(ts.server.hub.clientCount).toBe(1);
  });

  // 127.0.0.2 plays the attacking host, 127.0.0.1 the players: both reach the loopback listener.
  const ATTACKER = '127.0.0.2';

  /** An SDK connection from `localAddress`. */
  function connectFrom(url: string, localAddress: string) {
    class From extends WebSocket {
      constructor(u: string) {
        super(u, { perMessageDeflate: false, localAddress });
      }
    }
    return connect<typeof world>({ url, WebSocket: From as never, reconnect: false });
  }

  const metric = async (server: TestServer<typeof world>, line: RegExp) => (await (await fetch(`${server.httpUrl}/metrics`)).text()).match(line)?.[1];

  it('maxConnectionsPerAddress: one address past the limit is refused with 429 TOO_MANY_CONNECTIONS before the upgrade; other addresses still connect', async () => {
    ts = await startTestServer(world, { limits: { maxConnectionsPerAddress: 3 } });
    const held = [await handshaken(ts.url, ATTACKER), await openRawSocket(ts.url, { localAddress: ATTACKER }), await openRawSocket(ts.url, { localAddress: ATTACKER })];
    const refusal = await refusedUpgrade(ts.url, ATTACKER);
    expect(refusal).toMatchObject({ status: 429, code: 'TOO_MANY_CONNECTIONS', retryAfterS: 1 });
    expect(refusal.body).toBe('TOO_MANY_CONNECTIONS: 127.0.0.2 holds maxConnectionsPerAddress (3) connections');
    // The SDK reports the refused upgrade.
    const sdk = await connectFrom(ts.url, ATTACKER).catch((e: unknown) => e);
    expect(sdk).toMatchObject({ code: 'DISCONNECTED', message: expect.stringContaining('429') as unknown });
    // No session was made for the refused attempts.
    expect(ts.server.hub.connectionCount).toBe(3);
    // The players' address is not affected.
    const player = await ts.connectClient();
    expect(player.conn.status).toBe('open');
    expect(await metric(ts, /tickspace_refused_connections_total\{code="TOO_MANY_CONNECTIONS"\} (\d+)/)).toBe('2');
    // A connection that ends frees its place.
    held[0]!.close();
    await held[0]!.closed;
    await player.waitFor(() => ts!.server.hub.connectionCount === 3, 'the attacker connection is gone');
    const again = await openRawSocket(ts.url, { localAddress: ATTACKER });
    expect(again.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('connectsPerSecondPerAddress and connectBurstPerAddress: attempts past the bucket are refused with 429 CONNECT_RATE_LIMITED, then refill', async () => {
    let now = 0;
    ts = await startTestServer(world, { limits: { connectBurstPerAddress: 2, connectsPerSecondPerAddress: 0.5 }, clock: () => now });
    for (let i = 0; i < 2; i++) {
      const raw = await openRawSocket(ts.url, { localAddress: ATTACKER });
      raw.close();
      await raw.closed;
    }
    const refusal = await refusedUpgrade(ts.url, ATTACKER);
    expect(refusal).toMatchObject({ status: 429, code: 'CONNECT_RATE_LIMITED', retryAfterS: 2 });
    expect(refusal.body).toContain('more than 2 connection attempts in a burst (connectBurstPerAddress)');
    const player = await ts.connectClient();
    expect(player.conn.status).toBe('open');
    now += 1_000;
    expect((await refusedUpgrade(ts.url, ATTACKER)).code).toBe('CONNECT_RATE_LIMITED');
    now += 1_000;
    const refilled = await openRawSocket(ts.url, { localAddress: ATTACKER });
    expect(refilled.ws.readyState).toBe(WebSocket.OPEN);
    expect(await metric(ts, /tickspace_refused_connections_total\{code="CONNECT_RATE_LIMITED"\} (\d+)/)).toBe('2');
  });

  it('idleTimeoutMs: a session that sends nothing is closed with 4006 IDLE_TIMEOUT; SDK clients (heartbeat) and in-process clients stay', async () => {
    ts = await startTestServer(world, { limits: { idleTimeoutMs: 120 } });
    const sdk = await ts.connectClient({ heartbeat: { intervalMs: 20, timeoutMs: 5_000 } });
    const loop = testClient(await connect<typeof world>({ transport: createLoopbackTransport(ts.server.hub), heartbeat: false }));
    const statuses: string[] = [];
    sdk.conn.onStatus((s) => statuses.push(`sdk ${s}`));
    loop.conn.onStatus((s) => statuses.push(`loopback ${s}`));
    // Two silent sessions in a row, each closed after at least 120 ms: the clients above outlived both.
    for (let i = 0; i < 2; i++) {
      const idle = await handshaken(ts.url);
      expect((await idle.closed).code).toBe(CLOSE_CODES.IDLE_TIMEOUT);
      const close = idle.queued.map((f) => decodeServerMessage(f, undefined, undefined)).find((m) => m.type === 'close');
      expect(close).toMatchObject({ type: 'close', closeCode: CLOSE_CODES.IDLE_TIMEOUT, code: 'IDLE_TIMEOUT' });
    }
    expect(statuses).toEqual([]);
    expect(sdk.conn.status).toBe('open');
    expect(loop.conn.status).toBe('open');
    expect(await metric(ts, /tickspace_disconnects_total\{code="4006"\} (\d+)/)).toBe('2');
    loop.close();
  });
});
