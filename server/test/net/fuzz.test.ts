import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client';
import { createEngine } from '../../src/engine';
import { createLoopbackTransport, createSessionHub } from '../../src/net';
import type { ServerConnection } from '../../src/protocol';
import { testClient } from '../kit';
import { createFrameSource, fuzzModule, SECRET } from './fuzz-fixture';

const FRAMES = 100_000;
const FRAMES_PER_SESSION = 1_000;

/**
 * An engine past its first tick and a session hub whose limits never close a session (so every
 * frame reaches the decoder), with every logged error collected.
 */
function fuzzTarget() {
  const errors: string[] = [];
  const engine = createEngine({
    module: fuzzModule,
    tickMs: 50,
    logger: { error: (m) => errors.push(m), warn: (m) => errors.push(m) },
  });
  engine.runTick();
  const hashBefore = engine.stateHash;
  const hub = createSessionHub({
    engine,
    tokenSecret: 'fuzz-test-secret-of-at-least-32-bytes',
    limits: {
      maxBadFrames: Infinity,
      maxRateLimitedCalls: Infinity,
      callBurst: 1e9,
      maxPendingCalls: 1e9,
      maxSubscriptions: 16,
    },
    logger: { error: (m) => errors.push(m), warn: (m) => errors.push(m) },
  });
  return { engine, hub, errors, hashBefore };
}

describe('fuzz: random and mutated frames against the session hub', () => {
  it(`survives ${FRAMES.toLocaleString('en-US')} frames without crashing or changing state, then serves a well-behaved client`, async () => {
    const { engine, hub, errors, hashBefore } = fuzzTarget();
    const source = createFrameSource(hub.schema.descriptor, 'fuzz-seed-1');
    let framesOut = 0;
    let closes = 0;
    let reducerRejects = 0;
    engine.onTick((record) => {
      for (const c of record.calls) if (!c.result.ok && c.result.code === 'WRONG_SECRET') reducerRejects++;
    });
    let sent = 0;
    while (sent < FRAMES) {
      let open = true;
      const conn: ServerConnection = {
        send: () => void framesOut++,
        close: () => {
          open = false;
          closes++;
        },
        bufferedAmount: 0,
      };
      const session = hub.accept(conn);
      // Most sessions handshake properly so the fuzz reaches call, subscribe and ping handling.
      if (sent % 7 !== 0) session.receive(source.connect());
      for (let i = 0; i < FRAMES_PER_SESSION && open && sent < FRAMES; i++, sent++) {
        session.receive(source.next());
        if (sent % 2_000 === 1_999) engine.runTick();
      }
      session.closed(1000, 'done');
    }
    engine.runTick();
    expect(sent).toBe(FRAMES);
    expect(engine.stateHash).toBe(hashBefore);
    expect(errors).toEqual([]);
    expect(framesOut).toBeGreaterThan(FRAMES / 2);
    // The fuzz went deep: decoded calls reached the reducer and were refused there.
    expect(reducerRejects).toBeGreaterThan(100);
    expect(closes).toBeGreaterThan(0);
    expect(hub.connectionCount).toBe(0);

    // A well-behaved client still works: subscribe, call with the secret, see the change.
    const client = testClient(await connect<typeof fuzzModule>({ transport: createLoopbackTransport(hub) }));
    await client.conn.subscribe({ table: 'kv' }).applied;
    expect(client.db.kv.find(1)).toEqual({ key: 1, tag: 2, value: 'seed', at: 1.5 });
    const call = client.reducers.set({
      key: 9,
      tag: 1,
      value: 'hello',
      at: 2.25,
      secret: SECRET,
      note: undefined,
    });
    await client.conn.sync();
    engine.runTick();
    await call;
    await client.waitFor(() => client.db.kv.has(9), 'kv 9 arrives');
    expect(client.db.kv.find(9)).toEqual({ key: 9, tag: 1, value: 'hello', at: 2.25 });
    expect(engine.stateHash).not.toBe(hashBefore);
    client.close();
  });

  it('survives 10,000 random BATCH frames: broken envelopes are refused whole, sound ones handled message by message', async () => {
    const { engine, hub, errors, hashBefore } = fuzzTarget();
    const source = createFrameSource(hub.schema.descriptor, 'fuzz-batch-seed');
    let reducerRejects = 0;
    engine.onTick((record) => {
      for (const c of record.calls) if (!c.result.ok && c.result.code === 'WRONG_SECRET') reducerRejects++;
    });
    let sent = 0;
    while (sent < 10_000) {
      let open = true;
      const conn: ServerConnection = { send: () => {}, close: () => void (open = false), bufferedAmount: 0 };
      const session = hub.accept(conn);
      session.receive(source.connect());
      for (let i = 0; i < 500 && open; i++, sent++) {
        session.receive(source.batch());
        if (sent % 500 === 499) engine.runTick();
      }
      session.closed(1000, 'done');
    }
    engine.runTick();
    await engine.flush();
    expect(engine.stateHash).toBe(hashBefore);
    expect(errors).toEqual([]);
    expect(reducerRejects).toBeGreaterThan(100);
    expect(hub.connectionCount).toBe(0);
    const rejected =
      (await hub.metrics.rejectedFrames.get()).values.find((v) => v.labels.code === 'MALFORMED_FRAME')
        ?.value ?? 0;
    expect(rejected).toBeGreaterThan(1_000);
  });
});
