import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connect } from '../../src/client';
import { toIdentity } from '../../src/engine';
import { createLoopbackTransport } from '../../src/net';
import {
  CLIENT_MESSAGE,
  CLOSE_CODES,
  decodeServerMessage,
  encodeBatch,
  encodeConnect,
  encodePing,
  encodeSubscribe,
  encodeUnsubscribe,
  PROTOCOL_VERSION,
  SERVER_MESSAGE,
  TickspaceError,
  type Query,
} from '../../src/protocol';
import {
  openRawSocket,
  refusedUpgrade,
  startTestServer,
  testClient,
  type RawSocket,
  type TestServer,
} from '../kit';
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

const spawner = toIdentity('7'.repeat(32));

/** Spawns entities `first..first+n-1` in one tick (manual ticking), at `x, y` plus a step per entity. */
async function spawn(ts: TestServer<typeof world>, first: number, n: number, x = 1, y = 1, step = 0.05) {
  for (let i = 0; i < n; i++)
    ts.engine.enqueue(spawner, 'spawn', { id: first + i, team: 0, x: x + i * step, y });
  await ts.tick();
}

const sub = (ts: TestServer<typeof world>, queryId: number, query: Query) =>
  encodeSubscribe(ts.server.hub.schema.wire, queryId, query);

/** A server message in a line: what it is and the query or nonce it answers. */
function summary(f: Uint8Array): string {
  if (f[0] === SERVER_MESSAGE.SUBSCRIBED) return `SUBSCRIBED ${f[1]}`;
  if (f[0] === SERVER_MESSAGE.UNSUBSCRIBED) return `UNSUBSCRIBED ${f[1]}`;
  const m = decodeServerMessage(f, undefined, undefined);
  if (m.type === 'subscribeError') return `SUBSCRIBE_ERROR ${m.queryId} ${m.code}`;
  if (m.type === 'pong') return `PONG ${m.nonce}`;
  if (m.type === 'close') return `CLOSE ${m.code}`;
  return m.type;
}

/** Reads server messages until one of `type` comes, returning it and the ones before it. */
async function until(raw: RawSocket, type: number): Promise<Uint8Array[]> {
  const seen: Uint8Array[] = [];
  for (;;) {
    const f = await raw.next();
    seen.push(f);
    if (f[0] === type) return seen;
  }
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
    ts = await startTestServer(world, {
      limits: { callBurst: 1, callsPerSecond: 0, maxRateLimitedCalls: 2 },
      clock: () => 0,
    });
    const a = await ts.connectClient({ reconnect: false });
    const results = await Promise.allSettled([0, 1, 2, 3].map(() => a.reducers.hurt({ id: 1, by: 1 })));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await a.waitFor(() => a.conn.status === 'closed', 'closed');
    expect(a.conn.closeReason).toMatchObject({ closeCode: CLOSE_CODES.POLICY_VIOLATION, code: 'ABUSE' });
  });

  it('maxRateLimitedCalls counts rate-limited SUBSCRIBEs too: a client that keeps subscribing is closed with 1008', async () => {
    ts = await startTestServer(world, {
      limits: { subscribeBurst: 1, subscribesPerSecond: 0, maxRateLimitedCalls: 2 },
      clock: () => 0,
    });
    const a = await ts.connectClient({ reconnect: false });
    const outcomes = await Promise.allSettled(
      ['entity', 'item', 'marker', 'entity'].map(
        (table) => a.conn.subscribe({ table } as { table: 'entity' }).applied,
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    await a.waitFor(() => a.conn.status === 'closed', 'closed');
    expect(a.conn.closeReason).toMatchObject({ closeCode: CLOSE_CODES.POLICY_VIOLATION, code: 'ABUSE' });
    expect(a.conn.closeReason?.message).toMatch(/more than 2 rate-limited requests \(maxRateLimitedCalls\)/);
  });

  it('maxPendingCalls: calls beyond the unanswered limit are refused at once', async () => {
    ts = await startTestServer(world, { autoTick: false, limits: { maxPendingCalls: 2 } });
    const a = await ts.connectClient();
    const p1 = a.reducers.spawn({ id: 1, team: 0, x: 0, y: 0 });
    const p2 = a.reducers.spawn({ id: 2, team: 0, x: 0, y: 0 });
    await expect(a.reducers.spawn({ id: 3, team: 0, x: 0, y: 0 })).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
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
    for (let i = 0; i < 4; i++)
      nonces.push((decodeServerMessage(await raw.next(), undefined, undefined) as { nonce: number }).nonce);
    expect(nonces).toEqual([6, 7, 8, 9]);
  });

  it('maxSubscriptions: one query too many is refused with TOO_MANY_SUBSCRIPTIONS', async () => {
    ts = await startTestServer(world, { limits: { maxSubscriptions: 2 } });
    const a = await ts.connectClient();
    await a.conn.subscribe({ table: 'entity' }).applied;
    await a.conn.subscribe({ table: 'item' }).applied;
    await expect(a.conn.subscribe({ table: 'marker' }).applied).rejects.toMatchObject({
      code: 'TOO_MANY_SUBSCRIPTIONS',
    });
  });

  it('maxQueryCells: a spatial query over too many cells is refused with INVALID_QUERY', async () => {
    ts = await startTestServer(world, { limits: { maxQueryCells: 16 } });
    const a = await ts.connectClient();
    await expect(
      a.conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 100 } }).applied,
    ).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(
      a.conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 5 } }).applied,
    ).resolves.toBeUndefined();
  });

  it('subscribeBurst and subscribesPerSecond: a SUBSCRIBE beyond the bucket is refused with RATE_LIMITED; an UNSUBSCRIBE never is, and pays from later ones', async () => {
    let now = 0;
    ts = await startTestServer(world, {
      limits: { subscribeBurst: 3, subscribesPerSecond: 1 },
      clock: () => now,
    });
    const a = await ts.connectClient();
    const first = a.conn.subscribe({ table: 'entity' });
    const outcomes = await Promise.allSettled([
      first.applied,
      a.conn.subscribe({ table: 'item' }).applied,
      a.conn.subscribe({ table: 'marker' }).applied,
      a.conn.subscribe({ table: 'entity', where: { index: 'team', value: 1 } }).applied,
    ]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as TickspaceError).code : 'ok'))).toEqual(
      ['ok', 'ok', 'ok', 'RATE_LIMITED'],
    );
    expect((outcomes[3] as PromiseRejectedResult).reason.message).toMatch(
      /more than 1 subscription requests per second \(subscribeBurst 3\)/,
    );
    // The bucket is empty, and the UNSUBSCRIBE is still handled: the server drops the query.
    await first.unsubscribe();
    expect(ts.server.hub.subscriptions.stats().queries).toBe(2);
    now += 1000; // one token back, owed to the UNSUBSCRIBE
    await expect(a.conn.subscribe({ table: 'entity' }).applied).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    now += 1000;
    await expect(a.conn.subscribe({ table: 'entity' }).applied).resolves.toBeUndefined();
  });

  it('subscribeRowBurst and subscribeRowsPerSecond: whole-table and index queries cost the rows they walk; one the budget cannot pay is refused before a row is encoded', async () => {
    let now = 0;
    ts = await startTestServer(world, {
      autoTick: false,
      limits: { subscribeRowBurst: 25, subscribeRowsPerSecond: 10 },
      clock: () => now,
    });
    await spawn(ts, 1, 10);
    const a = await ts.connectClient();
    const stats = () => ts!.server.hub.subscriptions.stats();
    await a.conn.subscribe({ table: 'entity' }).applied; // 10 rows: 15 left
    expect(stats().subscribedRows).toBe(10);
    // Its 10 rows, and, as the second query on the table, the first query's 10 once: 20.
    const team = { table: 'entity', where: { index: 'team', value: 0 } } as const;
    const refused = (await a.conn.subscribe(team).applied.catch((e: unknown) => e)) as TickspaceError;
    expect(refused).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.message).toMatch(
      /costs 20 rows and grid cells, the budget holds 15 \(subscribeRowBurst 25, refilled at subscribeRowsPerSecond 10\)/,
    );
    expect(stats()).toMatchObject({ subscribedRows: 10, queries: 1 });
    now += 500; // 5 more: 20
    await expect(a.conn.subscribe(team).applied).resolves.toBeUndefined();
    expect(stats().queries).toBe(2);
    // The bucket is empty now: even a query of no rows waits for a token.
    await expect(a.conn.subscribe({ table: 'item' }).applied).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    now += 100;
    await expect(a.conn.subscribe({ table: 'item' }).applied).resolves.toBeUndefined();
  });

  it('subscribeRowBurst: a spatial query costs its cells and the rows in them; a query larger than the bucket is admitted once it is full, and leaves it in debt', async () => {
    let now = 0;
    ts = await startTestServer(world, {
      autoTick: false,
      limits: { subscribeRowBurst: 25, subscribeRowsPerSecond: 10 },
      clock: () => now,
    });
    await spawn(ts, 1, 10); // ten entities in cell (0, 0); cells are 10 wide
    const a = await ts.connectClient();
    // Cells (0, 0) and (1, 0), ten rows: 12; 13 left.
    await a.conn.subscribe({ table: 'entity', rect: { minX: 0, minY: 0, maxX: 15, maxY: 5 } }).applied;
    // Three empty cells, plus the first query's ten members once (reference counts start): 13; 0 left.
    await a.conn.subscribe({ table: 'entity', rect: { minX: 100, minY: 100, maxX: 125, maxY: 105 } }).applied;
    const refused = (await a.conn
      .subscribe({ table: 'entity', rect: { minX: 200, minY: 200, maxX: 225, maxY: 205 } })
      .applied.catch((e: unknown) => e)) as TickspaceError;
    expect(refused.message).toMatch(/costs 3 rows and grid cells, the budget holds 0 /);
    // Another client, full bucket: 100 cells and ten rows (110 > 25) pass once, then it owes 85.
    const b = await ts.connectClient();
    await b.conn.subscribe({ table: 'entity', rect: { minX: 0, minY: 0, maxX: 99, maxY: 99 } }).applied;
    expect(
      ((await b.conn.subscribe({ table: 'item' }).applied.catch((e: unknown) => e)) as TickspaceError)
        .message,
    ).toMatch(/the budget holds -85 /);
    now += 8_500;
    await expect(b.conn.subscribe({ table: 'item' }).applied).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    now += 100;
    await expect(b.conn.subscribe({ table: 'item' }).applied).resolves.toBeUndefined();
  });

  it("maxFrameCorkBytes: once the answers to a frame pass it, the frame's remaining SUBSCRIBEs are refused with RATE_LIMITED; its other messages are handled", async () => {
    ts = await startTestServer(world, { autoTick: false, limits: { maxFrameCorkBytes: 1 } });
    await spawn(ts, 1, 10);
    const raw = await handshaken(ts.url);
    raw.send(
      encodeBatch(CLIENT_MESSAGE.BATCH, [
        sub(ts, 1, { table: 'entity' }),
        sub(ts, 2, { table: 'marker' }),
        encodeUnsubscribe(1),
        encodePing(7),
      ]),
    );
    const answers = await until(raw, SERVER_MESSAGE.PONG);
    expect(answers.map(summary)).toEqual([
      'SUBSCRIBED 1',
      'SUBSCRIBE_ERROR 2 RATE_LIMITED',
      'UNSUBSCRIBED 1',
      'PONG 7',
    ]);
    expect(decodeServerMessage(answers[1]!, undefined, undefined)).toMatchObject({
      message: expect.stringMatching(
        /^SUBSCRIBE marker \(whole table\): the answers to this frame already hold \d+ bytes, more than maxFrameCorkBytes \(1\); send it again$/,
      ),
    });
    // The bound is per frame: the next frame starts afresh.
    raw.send(sub(ts, 2, { table: 'marker' }));
    expect(summary(await raw.next())).toBe('SUBSCRIBED 2');
  });

  it('maxFrameCorkBytes counts an answer waiting in the subscription engine for its tick to be durable', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding = false;
    ts = await startTestServer(world, {
      autoTick: false,
      limits: { maxFrameCorkBytes: 1 },
      // A commit hook that holds the fan-out, like a commit log waiting for its fsync.
      setup: (engine) => void engine.onCommit(() => (holding ? gate : undefined)),
    });
    await spawn(ts, 1, 10);
    const raw = await handshaken(ts.url);
    holding = true;
    const ticked = ts.tick();
    raw.send(
      encodeBatch(CLIENT_MESSAGE.BATCH, [
        sub(ts, 1, { table: 'entity' }),
        sub(ts, 2, { table: 'marker' }),
        encodePing(3),
      ]),
    );
    // SUBSCRIBED 1 waits for the tick's fan-out (after what the tick sends); it still counts.
    expect((await until(raw, SERVER_MESSAGE.PONG)).map(summary)).toEqual([
      'SUBSCRIBE_ERROR 2 RATE_LIMITED',
      'PONG 3',
    ]);
    release();
    await ticked;
    expect((await until(raw, SERVER_MESSAGE.SUBSCRIBED)).map(summary)).toContain('SUBSCRIBED 1');
  });

  it('maxBufferedBytes is checked after each message of a BATCH: one frame cannot queue past it (closed 4003, its answers dropped)', async () => {
    ts = await startTestServer(world, {
      autoTick: false,
      limits: { maxBufferedBytes: 8_000, highWatermarkBytes: 4_000, lowWatermarkBytes: 2_000 },
    });
    await spawn(ts, 1, 200);
    const raw = await handshaken(ts.url);
    const messages: Uint8Array[] = [];
    for (let q = 1; q <= 6; q++) messages.push(sub(ts, q, { table: 'entity' }), encodeUnsubscribe(q));
    raw.send(encodeBatch(CLIENT_MESSAGE.BATCH, [...messages, encodePing(9)]));
    expect((await raw.closed).code).toBe(CLOSE_CODES.BACKPRESSURE);
    // Each SUBSCRIBED carries 200 rows (about 3 KB): the third one passes the limit, the rest never run.
    expect(ts.server.hub.subscriptions.stats().subscribedRows).toBe(600);
    expect(raw.queued.map(summary)).toEqual(['CLOSE SLOW_CONSUMER']);
  });

  it('maxClients: a connection beyond the limit is closed with 1013 SERVER_FULL', async () => {
    ts = await startTestServer(world, { limits: { maxClients: 2 } });
    await ts.connectClient();
    await ts.connectClient();
    const err = await connect({ url: ts.url, WebSocket: WebSocket }).catch((e: unknown) => e);
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
    return connect<typeof world>({ url, WebSocket: From, reconnect: false });
  }

  const metric = async (server: TestServer<typeof world>, line: RegExp) =>
    (await (await fetch(`${server.httpUrl}/metrics`)).text()).match(line)?.[1];

  it('maxConnectionsPerAddress: one address past the limit is refused with 429 TOO_MANY_CONNECTIONS before the upgrade; other addresses still connect', async () => {
    ts = await startTestServer(world, { limits: { maxConnectionsPerAddress: 3 } });
    const held = [
      await handshaken(ts.url, ATTACKER),
      await openRawSocket(ts.url, { localAddress: ATTACKER }),
      await openRawSocket(ts.url, { localAddress: ATTACKER }),
    ];
    const refusal = await refusedUpgrade(ts.url, ATTACKER);
    expect(refusal).toMatchObject({ status: 429, code: 'TOO_MANY_CONNECTIONS', retryAfterS: 1 });
    expect(refusal.body).toBe(
      'TOO_MANY_CONNECTIONS: 127.0.0.2 holds maxConnectionsPerAddress (3) connections',
    );
    // The SDK reports the refused upgrade.
    const sdk = await connectFrom(ts.url, ATTACKER).catch((e: unknown) => e);
    expect(sdk).toMatchObject({ code: 'DISCONNECTED', message: expect.stringContaining('429') as unknown });
    // No session was made for the refused attempts.
    expect(ts.server.hub.connectionCount).toBe(3);
    // The players' address is not affected.
    const player = await ts.connectClient();
    expect(player.conn.status).toBe('open');
    expect(await metric(ts, /tickspace_refused_connections_total\{code="TOO_MANY_CONNECTIONS"\} (\d+)/)).toBe(
      '2',
    );
    // A connection that ends frees its place.
    held[0]!.close();
    await held[0]!.closed;
    await player.waitFor(() => ts!.server.hub.connectionCount === 3, 'the attacker connection is gone');
    const again = await openRawSocket(ts.url, { localAddress: ATTACKER });
    expect(again.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('connectsPerSecondPerAddress and connectBurstPerAddress: attempts past the bucket are refused with 429 CONNECT_RATE_LIMITED, then refill', async () => {
    let now = 0;
    ts = await startTestServer(world, {
      limits: { connectBurstPerAddress: 2, connectsPerSecondPerAddress: 0.5 },
      clock: () => now,
    });
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
    expect(await metric(ts, /tickspace_refused_connections_total\{code="CONNECT_RATE_LIMITED"\} (\d+)/)).toBe(
      '2',
    );
  });

  it('idleTimeoutMs: a session that sends nothing is closed with 4006 IDLE_TIMEOUT; SDK clients (heartbeat) and in-process clients stay', async () => {
    ts = await startTestServer(world, { limits: { idleTimeoutMs: 120 } });
    const sdk = await ts.connectClient({ heartbeat: { intervalMs: 20, timeoutMs: 5_000 } });
    const loop = testClient(
      await connect<typeof world>({ transport: createLoopbackTransport(ts.server.hub), heartbeat: false }),
    );
    const statuses: string[] = [];
    sdk.conn.onStatus((s) => statuses.push(`sdk ${s}`));
    loop.conn.onStatus((s) => statuses.push(`loopback ${s}`));
    // Two silent sessions in a row, each closed after at least 120 ms: the clients above outlived both.
    for (let i = 0; i < 2; i++) {
      const idle = await handshaken(ts.url);
      expect((await idle.closed).code).toBe(CLOSE_CODES.IDLE_TIMEOUT);
      const close = idle.queued
        .map((f) => decodeServerMessage(f, undefined, undefined))
        .find((m) => m.type === 'close');
      expect(close).toMatchObject({
        type: 'close',
        closeCode: CLOSE_CODES.IDLE_TIMEOUT,
        code: 'IDLE_TIMEOUT',
      });
    }
    expect(statuses).toEqual([]);
    expect(sdk.conn.status).toBe('open');
    expect(loop.conn.status).toBe('open');
    expect(await metric(ts, /tickspace_disconnects_total\{code="4006"\} (\d+)/)).toBe('2');
    loop.close();
  });
});
