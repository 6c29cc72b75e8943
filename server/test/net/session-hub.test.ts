import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { createSessionHub, createTokenIssuer, resolveLimits, RateLimiter } from '../../src/net';
import {
  CLOSE_CODES,
  compileWireSchema,
  decodeBatch,
  decodeServerMessage,
  encodeCall,
  encodeConnect,
  encodeSubscribe,
  PROTOCOL_VERSION,
  SERVER_MESSAGE,
  type ServerConnection,
} from '../../src/protocol';
import { world } from '../subscriptions/world-fixture';

/** A connection whose send buffer the test sets by hand. */
function fakeConnection() {
  const sent: Uint8Array[] = [];
  const closes: { code: number; reason: string }[] = [];
  const conn: ServerConnection & { buffered: number } = {
    buffered: 0,
    send: (f) => void sent.push(f),
    close: (code, reason) => void closes.push({ code, reason }),
    get bufferedAmount() {
      return this.buffered;
    },
  };
  return { conn, sent, closes };
}

describe('session hub', () => {
  it('maxBufferedBytes: a send while the buffer is over the hard limit closes the client with 4003', () => {
    const engine = createEngine({ module: world });
    const hub = createSessionHub({
      engine,
      tokenSecret: 'session-hub-test-secret-of-32-bytes',
      limits: { maxBufferedBytes: 1000, highWatermarkBytes: 500, lowWatermarkBytes: 100 },
    });
    const { conn, sent, closes } = fakeConnection();
    const session = hub.accept(conn);
    session.receive(encodeConnect(PROTOCOL_VERSION, ''));
    expect(hub.clientCount).toBe(1);
    conn.buffered = 5000;
    const schema = compileWireSchema(hub.schema.descriptor);
    session.receive(encodeSubscribe(schema, 1, { table: 'entity' }));
    expect(closes).toEqual([{ code: CLOSE_CODES.BACKPRESSURE, reason: 'SLOW_CONSUMER' }]);
    expect(hub.clientCount).toBe(0);
    // The CLOSE frame is not queued behind a full buffer.
    expect(sent.map((f) => f[0])).toEqual([0x81]);
  });

  it("corks a tick's frames until the microtask after the fan-out, and counts them in bufferedAmount meanwhile", async () => {
    const engine = createEngine({ module: world });
    const hub = createSessionHub({ engine, tokenSecret: 'session-hub-test-secret-of-32-bytes' });
    const { conn, sent } = fakeConnection();
    const session = hub.accept(conn);
    session.receive(encodeConnect(PROTOCOL_VERSION, ''));
    const schema = compileWireSchema(hub.schema.descriptor);
    session.receive(encodeSubscribe(schema, 1, { table: 'entity' }));
    session.receive(encodeCall(schema, 7, 'spawn', { id: 1, team: 0, x: 0, y: 0 }));
    session.receive(encodeCall(schema, 8, 'spawn', { id: 2, team: 0, x: 0, y: 0 }));
    const before = sent.length;
    conn.buffered = 10;
    engine.runTick();
    // Fan-out and results ran synchronously; nothing has left yet.
    expect(sent.length).toBe(before);
    expect(session.bufferedAmount).toBeGreaterThan(10);
    await Promise.resolve();
    expect(sent.length).toBe(before + 1);
    expect(session.bufferedAmount).toBe(10);
    const frame = sent.at(-1)!;
    expect(frame[0]).toBe(SERVER_MESSAGE.BATCH);
    expect(decodeBatch(frame, SERVER_MESSAGE.BATCH).map((m) => m[0])).toEqual([
      SERVER_MESSAGE.TICK_UPDATE,
      SERVER_MESSAGE.RESULT,
      SERVER_MESSAGE.RESULT,
    ]);
  });

  it('queues the disconnect lifecycle call and frees the subscriptions when a session ends', () => {
    const engine = createEngine({ module: world });
    const hub = createSessionHub({ engine, tokenSecret: 'session-hub-test-secret-of-32-bytes' });
    const { conn, sent } = fakeConnection();
    const session = hub.accept(conn);
    session.receive(encodeConnect(PROTOCOL_VERSION, ''));
    expect(decodeServerMessage(sent[0]!, undefined, undefined).type).toBe('identity');
    const schema = compileWireSchema(hub.schema.descriptor);
    session.receive(encodeSubscribe(schema, 1, { table: 'entity' }));
    expect(hub.subscriptions.stats().queries).toBe(1);
    const queued = engine.queuedCalls;
    session.closed(1006, 'gone');
    session.closed(1006, 'gone');
    expect(hub.subscriptions.stats().queries).toBe(0);
    expect(engine.queuedCalls).toBe(queued + 1);
    const record = engine.runTick();
    expect(record.calls.map((c) => c.reducer)).toEqual(['__init', '__connected', '__disconnected']);
  });

  it('refuses inconsistent limits', () => {
    expect(() => resolveLimits({ lowWatermarkBytes: 10, highWatermarkBytes: 5 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxFrameBytes: -1 })).toThrow(RangeError);
    expect(() => resolveLimits({ highWatermarkBytes: 100, maxBufferedBytes: 50 })).toThrow(RangeError);
  });
});

describe('identity tokens', () => {
  it('verifies its own tokens and refuses tampered ones and other secrets', () => {
    const tokens = createTokenIssuer('secret-one-of-at-least-thirty-two-bytes');
    const id = tokens.newIdentity();
    const token = tokens.issue(id);
    expect(tokens.verify(token)).toBe(id);
    expect(createTokenIssuer('secret-two-of-at-least-thirty-two-bytes').verify(token)).toBeUndefined();
    const other = tokens.newIdentity();
    expect(tokens.verify(other + token.slice(32))).toBeUndefined();
    expect(tokens.verify(token.slice(0, -2))).toBeUndefined();
    expect(tokens.verify('')).toBeUndefined();
    expect(tokens.verify('0'.repeat(32) + token.slice(32))).toBeUndefined();
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refills at the rate', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 3, () => now);
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 499;
    expect(limiter.take()).toBe(false);
    now = 500;
    expect(limiter.take()).toBe(true);
    now = 100_000;
    expect([limiter.take(), limiter.take(), limiter.take(), limiter.take()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
