import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENT_MESSAGE,
  CLOSE_CODES,
  compileWireSchema,
  decodeBatch,
  decodeServerMessage,
  encodeBatch,
  encodeCall,
  encodeConnect,
  encodePing,
  encodeSubscribe,
  PROTOCOL_VERSION,
  SERVER_MESSAGE,
  type ServerMessage,
  type WireSchema,
} from '../../src/protocol';
import { createFrameCache, openRawSocket, startTestServer, type RawSocket, type TestServer } from '../kit';
import { world } from '../subscriptions/world-fixture';

let ts: TestServer<typeof world> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

/** Opens a raw socket that hands out BATCH frames whole, and completes the handshake with `version`. */
async function handshaken(url: string, version = 2): Promise<{ raw: RawSocket; schema: WireSchema }> {
  const raw = await openRawSocket(url, { unbatch: false });
  raw.send(encodeConnect(version, ''));
  const identity = decodeServerMessage(await raw.next(), undefined, undefined);
  if (identity.type !== 'identity') throw new Error(`expected IDENTITY, got ${identity.type}`);
  return { raw, schema: compileWireSchema(identity.schema) };
}

/** The server messages of one WebSocket message. */
const messagesOf = (frame: Uint8Array) =>
  frame[0] === SERVER_MESSAGE.BATCH ? decodeBatch(frame, SERVER_MESSAGE.BATCH) : [frame];

/** Waits for the PONG of `nonce`, returning every WebSocket message before it. */
async function until(raw: RawSocket, nonce: number): Promise<Uint8Array[]> {
  const before: Uint8Array[] = [];
  for (;;) {
    const frame = await raw.next();
    const last = messagesOf(frame).at(-1)!;
    if (last[0] === SERVER_MESSAGE.PONG && decodeServerMessage(last, undefined, undefined).type === 'pong') {
      const pong = decodeServerMessage(last, undefined, undefined) as Extract<
        ServerMessage,
        { type: 'pong' }
      >;
      if (pong.nonce === nonce) return before;
    }
    before.push(frame);
  }
}

/** A BATCH built without the encoder's checks (messages under 128 bytes). */
const unchecked = (messages: readonly Uint8Array[]) =>
  Uint8Array.of(CLIENT_MESSAGE.BATCH, messages.length, ...messages.flatMap((m) => [m.length, ...m]));

const spawnCalls = (schema: WireSchema, ids: readonly number[]) =>
  ids.map((id) => encodeCall(schema, 100 + id, 'spawn', { id, team: 1, x: id, y: 0 }));

describe('BATCH over real sockets', () => {
  it("a tick's update and the results of its calls leave as one WebSocket message, update first, results in call order", async () => {
    ts = await startTestServer(world, { autoTick: false });
    const { raw, schema } = await handshaken(ts.url);
    const cache = createFrameCache(schema);
    raw.send(encodeSubscribe(schema, 1, { table: 'entity' }));
    expect(cache.apply(await raw.next()).type).toBe('subscribed');
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    raw.send(encodeBatch(CLIENT_MESSAGE.BATCH, spawnCalls(schema, ids)));
    // The calls are queued before the tick runs: a ping answered after them proves it.
    raw.send(encodePing(1));
    expect(await until(raw, 1)).toEqual([]);
    const before = raw.messageCount;
    await ts.tick();
    const frame = await raw.next();
    expect(frame[0]).toBe(SERVER_MESSAGE.BATCH);
    const decoded = messagesOf(frame).map((m) => cache.apply(m));
    expect(decoded[0]).toEqual({ type: 'tick', tick: ts.engine.tick });
    expect(decoded.slice(1)).toEqual(ids.map((id) => ({ type: 'result', requestId: 100 + id, ok: true })));
    expect(
      cache
        .rows('entity')
        .map((r) => r.id)
        .sort((a, b) => (a as number) - (b as number)),
    ).toEqual(ids);
    // Nothing else went out for that tick.
    raw.send(encodePing(2));
    expect(await until(raw, 2)).toEqual([]);
    expect(raw.messageCount - before).toBe(2);
  });

  it('the SDK sends the calls of one macrotask as one message and sees each call’s rows when its result arrives', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const a = await ts.connectClient();
    await a.conn.subscribe({ table: 'entity' }).applied;
    const metrics = ts.server.metrics;
    const count = async (c: typeof metrics.messagesIn) => (await c.get()).values[0]?.value ?? 0;
    const inBefore = await count(metrics.messagesIn);
    const seen: boolean[] = [];
    const calls = Array.from({ length: 30 }, (_, i) =>
      a.reducers
        .spawn({ id: i + 1, team: 0, x: i, y: 0 })
        .then(() => seen.push(a.db.entity.find(i + 1)?.x === i)),
    );
    await a.conn.sync();
    // The 30 calls and the ping were issued in one macrotask: one message.
    expect((await count(metrics.messagesIn)) - inBefore).toBe(1);
    const outBefore = await count(metrics.messagesOut);
    const update = a.nextUpdate();
    await ts.tick();
    await Promise.all(calls);
    expect(await update).toBe(ts.engine.tick);
    expect(seen).toEqual(Array.from({ length: 30 }, () => true));
    expect((await count(metrics.messagesOut)) - outBefore).toBe(1);
  });

  it('a version 1 client gets every message on its own and may not send a BATCH', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const { raw, schema } = await handshaken(ts.url, 1);
    raw.send(encodeSubscribe(schema, 1, { table: 'entity' }));
    for (const call of spawnCalls(schema, [1, 2])) raw.send(call);
    raw.send(encodePing(1));
    expect((await until(raw, 1)).map((f) => f[0])).toEqual([SERVER_MESSAGE.SUBSCRIBED]);
    await ts.tick();
    const frames = [await raw.next(), await raw.next(), await raw.next()];
    expect(frames.map((f) => f[0])).toEqual([
      SERVER_MESSAGE.TICK_UPDATE,
      SERVER_MESSAGE.RESULT,
      SERVER_MESSAGE.RESULT,
    ]);
    raw.send(encodeBatch(CLIENT_MESSAGE.BATCH, [encodePing(5)]));
    expect(decodeServerMessage(await raw.next(), undefined, undefined)).toEqual({
      type: 'error',
      code: 'MALFORMED_FRAME',
      message: 'BATCH needs protocol version 2; this connection speaks version 1',
    });
    const future = await openRawSocket(ts.url);
    future.send(encodeConnect(PROTOCOL_VERSION + 1, ''));
    expect((await future.closed).code).toBe(CLOSE_CODES.UNSUPPORTED_VERSION);
  });

  it('a malformed BATCH is refused whole: one ERROR, one bad frame, none of its calls runs, the connection lives', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const { raw, schema } = await handshaken(ts.url);
    const good = encodeBatch(CLIENT_MESSAGE.BATCH, spawnCalls(schema, [1, 2, 3]));
    const cases: [string, Uint8Array][] = [
      ['length past the end', Uint8Array.of(...good.subarray(0, good.length - 1))],
      ['count too large', Uint8Array.of(good[0]!, 4, ...good.subarray(2), 2, 5)],
      ['trailing bytes', Uint8Array.of(...good, 0)],
      [
        'nested',
        unchecked([...spawnCalls(schema, [4]), encodeBatch(CLIENT_MESSAGE.BATCH, spawnCalls(schema, [5]))]),
      ],
      ['empty message', unchecked([...spawnCalls(schema, [6]), new Uint8Array(0)])],
    ];
    for (const [what, frame] of cases) {
      raw.send(frame);
      const reply = decodeServerMessage(await raw.next(), undefined, undefined);
      expect(reply, what).toMatchObject({ type: 'error', code: 'MALFORMED_FRAME' });
    }
    await ts.tick();
    expect(ts.engine.db.entity.count()).toBe(0);
    const metrics = await (await fetch(`${ts.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/tickspace_rejected_frames_total\{code="MALFORMED_FRAME"\} 5/);
    raw.send(encodeBatch(CLIENT_MESSAGE.BATCH, [encodePing(8), encodePing(9)]));
    const pongs = messagesOf(await raw.next()).map((m) => decodeServerMessage(m, undefined, undefined));
    expect(pongs).toEqual([
      { type: 'pong', nonce: 8, tick: ts.engine.tick },
      { type: 'pong', nonce: 9, tick: ts.engine.tick },
    ]);
  });

  it('messages inside a BATCH count one by one: each bad one is a strike, each call takes a rate-limit token', async () => {
    ts = await startTestServer(world, {
      autoTick: false,
      limits: { maxBadFrames: 3, callBurst: 2, callsPerSecond: 0 },
      clock: () => 0,
    });
    const { raw, schema } = await handshaken(ts.url);
    raw.send(encodeBatch(CLIENT_MESSAGE.BATCH, spawnCalls(schema, [1, 2, 3, 4])));
    const refused = messagesOf(await raw.next()).map((m) => decodeServerMessage(m, undefined, undefined));
    expect(refused).toMatchObject([
      { type: 'result', requestId: 103, ok: false, code: 'RATE_LIMITED' },
      { type: 'result', requestId: 104, ok: false, code: 'RATE_LIMITED' },
    ]);
    await ts.tick();
    expect(ts.engine.db.entity.count()).toBe(2);
    await raw.next();
    // A ping, then four undecodable messages: the ping is answered, the fourth strike closes.
    raw.send(
      encodeBatch(CLIENT_MESSAGE.BATCH, [encodePing(1), ...[0, 1, 2, 3].map((i) => Uint8Array.of(0x7f, i))]),
    );
    expect((await raw.closed).code).toBe(CLOSE_CODES.POLICY_VIOLATION);
    const last = raw.queued
      .flatMap((f) => messagesOf(f))
      .map((m) => decodeServerMessage(m, undefined, undefined).type);
    expect(last).toEqual(['pong', 'error', 'error', 'error', 'error', 'close']);
  });

  it('a BATCH before CONNECT closes the connection with 1002', async () => {
    ts = await startTestServer(world);
    const raw = await openRawSocket(ts.url);
    raw.send(encodeBatch(CLIENT_MESSAGE.BATCH, [encodeConnect(2, ''), encodePing(1)]));
    expect((await raw.closed).code).toBe(CLOSE_CODES.PROTOCOL_ERROR);
  });
});
