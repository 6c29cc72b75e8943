import { afterEach, describe, expect, it } from 'vitest';
import { createSchema, defineModule, t, table, toIdentity } from '../../src/engine';
import { DEFAULT_LIMITS } from '../../src/net';
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
} from '../../src/protocol';
import { openRawSocket, startTestServer, type RawSocket, type TestServer } from '../kit';

// A table shaped like Frontier's resource nodes: 1,500 rows of about 40 bytes (a SUBSCRIBED of ~60 KB).
const ROWS = 1500;
const schema = createSchema({
  node: table(
    { public: true },
    {
      id: t.u32().primaryKey(),
      kind: t.string(),
      x: t.f32(),
      y: t.f32(),
      amount: t.u8(),
      respawnAtMs: t.u32(),
    },
  ),
});
const fill = schema.reducer('fill', { rows: t.u32() }, (ctx, { rows }) => {
  for (let id = 1; id <= rows; id++)
    ctx.db.node.insert({
      id,
      kind: id % 2 === 0 ? 'oak_tree' : 'berry_bush',
      x: 2000 + id / 7,
      y: 1984 + id / 11,
      amount: 5,
      respawnAtMs: 0,
    });
});
const nodes = defineModule(schema, { reducers: [fill] });
const admin = toIdentity('9'.repeat(32));

let ts: TestServer<typeof nodes> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

async function filledServer(limits = {}) {
  // The clock stands still: no bucket refills unless a test moves it, so every bound is exact.
  let now = 0;
  const server = await startTestServer(nodes, { autoTick: false, limits, clock: () => now });
  server.engine.enqueue(admin, 'fill', { rows: ROWS });
  await server.tick();
  return { server, advance: (ms: number) => (now += ms) };
}

/** The reported attack frame: SUBSCRIBE + UNSUBSCRIBE of the whole table, `pairs` times (about 5 KB), then a PING. */
function attackFrame(ts: TestServer<typeof nodes>, pairs: number, nonce: number): Uint8Array {
  const wire = ts.server.hub.schema.wire;
  const messages: Uint8Array[] = [];
  for (let i = 0; i < pairs; i++)
    messages.push(encodeSubscribe(wire, 1, { table: 'node' }), encodeUnsubscribe(1));
  messages.push(encodePing(nonce));
  return encodeBatch(CLIENT_MESSAGE.BATCH, messages);
}

async function handshaken(url: string, options: { unbatch?: boolean } = {}): Promise<RawSocket> {
  const raw = await openRawSocket(url, options);
  raw.send(encodeConnect(PROTOCOL_VERSION, ''));
  const first = await raw.next();
  expect([SERVER_MESSAGE.IDENTITY, SERVER_MESSAGE.BATCH]).toContain(first[0]);
  return raw;
}

/** A connection that has stopped reading: everything sent to it stays in the server's buffers. */
const stopReading = (raw: RawSocket) =>
  (raw.ws as unknown as { _socket: import('node:net').Socket })._socket.pause();

/** Polls a condition of the server's state (the attackers cannot tell us anything: they do not read). */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ok(); i++) await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!ok()) throw new Error(`${what}: not reached`);
}

async function health(ts: TestServer<typeof nodes>): Promise<{ status: string; connections: number }> {
  const res = await fetch(`${ts.httpUrl}/health`);
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; connections: number };
}

describe('subscription flooding', () => {
  it('one ~5 KB BATCH of 512 whole-table SUBSCRIBE + UNSUBSCRIBE pairs from clients that never read: bounded rows and bytes, every attacker closed', async () => {
    const { server } = await filledServer();
    ts = server;
    const hub = ts.server.hub;
    // What one honest SUBSCRIBED of the whole table weighs, from a reading client.
    const probe = await handshaken(ts.url);
    probe.send(encodeSubscribe(hub.schema.wire, 1, { table: 'node' }));
    const answerBytes = (await probe.next()).length;
    probe.close();
    await until('probe gone', () => hub.connectionCount === 0);
    const bytesBefore = (await hub.metrics.bytesOut.get()).values[0]!.value;
    const rowsBefore = hub.subscriptions.stats().subscribedRows;

    const ATTACKERS = 20;
    const attackers: RawSocket[] = [];
    for (let i = 0; i < ATTACKERS; i++) {
      const raw = await handshaken(ts.url);
      stopReading(raw);
      attackers.push(raw);
    }
    const frame = attackFrame(ts, 511, 1);
    expect(frame.length).toBeLessThan(5 * 1024);
    for (const raw of attackers) raw.send(frame);
    await until('every attacker closed', () => hub.connectionCount === 0);

    // Closed for abuse (their UNSUBSCRIBEs of refused queries are refused frames), the server healthy.
    const disconnects = (await hub.metrics.disconnects.get()).values.find(
      (v) => v.labels.code === String(CLOSE_CODES.POLICY_VIOLATION),
    );
    expect(disconnects?.value).toBe(ATTACKERS);
    expect(await health(ts)).toMatchObject({ status: 'ok', connections: 0 });
    // Work: each attacker's initial rows are bounded by its row budget (no refill: the clock stands still).
    const rows = hub.subscriptions.stats().subscribedRows - rowsBefore;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThanOrEqual(ATTACKERS * DEFAULT_LIMITS.subscribeRowBurst);
    // Memory: what the server queued for each silent attacker (still held in its socket buffers).
    // At most the budget's worth of answers (subscribeRowBurst / ROWS whole-table SUBSCRIBEDs, each
    // followed by an UNSUBSCRIBED of smaller keys) plus one refusal of under 300 bytes per message.
    // Unbounded, it was 512 SUBSCRIBEDs: 512 x ~60 KB = ~31 MB per attacker.
    const perAttacker = ((await hub.metrics.bytesOut.get()).values[0]!.value - bytesBefore) / ATTACKERS;
    const bound =
      Math.ceil(DEFAULT_LIMITS.subscribeRowBurst / ROWS) * 2 * answerBytes +
      DEFAULT_LIMITS.maxBatchMessages * 300;
    expect(perAttacker).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(DEFAULT_LIMITS.maxFrameCorkBytes);
  });

  it('the frame every 100 ms from a client that reads (abuse limits lifted, so it stays connected): rows sent stay within the budget, every frame is answered', async () => {
    const { server, advance } = await filledServer({ maxBadFrames: 1e9, maxRateLimitedCalls: 1e9 });
    ts = server;
    const hub = ts.server.hub;
    const raw = await handshaken(ts.url);
    const FRAMES = 20;
    let rowsAfterFirst = 0;
    for (let k = 1; k <= FRAMES; k++) {
      raw.send(attackFrame(ts, 511, k));
      // Each frame is handled whole and answered (the PING at its end), then the next one comes.
      for (;;) {
        const f = await raw.next();
        if (
          f[0] === SERVER_MESSAGE.PONG &&
          (decodeServerMessage(f, undefined, undefined) as { nonce: number }).nonce === k
        )
          break;
      }
      expect((await health(ts)).status).toBe('ok');
      if (k === 1) rowsAfterFirst = hub.subscriptions.stats().subscribedRows;
      advance(100);
    }
    const seconds = ((FRAMES - 1) * 100) / 1000;
    const rows = hub.subscriptions.stats().subscribedRows;
    // Unbounded: 20 x 511 x 1,500 = 15 million rows encoded.
    expect(rows).toBeLessThanOrEqual(
      DEFAULT_LIMITS.subscribeRowBurst + DEFAULT_LIMITS.subscribeRowsPerSecond * seconds,
    );
    // The first frame spent the row burst, and its 511 UNSUBSCRIBEs (never refused, always charged)
    // left the message bucket hundreds of tokens in debt: no later frame within 2 s gets a SUBSCRIBE in.
    expect(rowsAfterFirst).toBeGreaterThan(0);
    expect(rows).toBe(rowsAfterFirst);
    expect(hub.connectionCount).toBe(1);
    raw.close();
  });
});
