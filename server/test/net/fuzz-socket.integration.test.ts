import { afterEach, describe, expect, it } from 'vitest';
import { openRawSocket, startTestServer, type TestServer } from '../kit';
import { createFrameSource, fuzzModule, SECRET } from './fuzz-fixture';

let ts: TestServer<typeof fuzzModule> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

describe('fuzz over real sockets', () => {
  it('survives random and mutated frames on real WebSockets, then reports healthy and serves a client', async () => {
    ts = await startTestServer(fuzzModule, { limits: { maxBadFrames: 200, callBurst: 1e6 } });
    await ts.nextTick();
    const hashBefore = ts.engine.stateHash;
    const source = createFrameSource(ts.server.hub.schema.descriptor, 'socket-fuzz');
    let sent = 0;
    for (let s = 0; s < 10; s++) {
      const raw = await openRawSocket(ts.url);
      if (s % 3 !== 0) raw.send(source.connect());
      for (let i = 0; i < 500; i++, sent++) raw.send(source.next());
      // A ping proves the server processed every frame before it (or the socket was closed on the way).
      raw.send(new Uint8Array([0x05, 0x2a]));
      await Promise.race([
        raw.closed,
        (async () => {
          for (;;) {
            const f = await raw.next();
            if (f[0] === 0x86 && f[1] === 0x2a) return;
          }
        })(),
      ]);
      raw.close();
      await raw.closed;
    }
    expect(sent).toBe(5000);
    const health = await fetch(`${ts.httpUrl}/health`);
    expect(health.status).toBe(200);
    await ts.nextTick();
    expect(ts.engine.stateHash).toBe(hashBefore);
    const client = await ts.connectClient();
    await client.conn.subscribe({ table: 'kv' }).applied;
    await client.reducers.set({
      key: 3,
      tag: 0,
      value: 'ok',
      at: 0.5,
      secret: SECRET,
      note: new Uint8Array([1, 2]),
    });
    await client.waitFor(() => client.db.kv.find(3)?.value === 'ok', 'kv 3');
    expect(ts.engine.stateHash).not.toBe(hashBefore);
  });

  it('survives random BATCH frames (broken envelopes, broken and valid messages inside) and stays healthy and unchanged', async () => {
    ts = await startTestServer(fuzzModule, {
      limits: { maxBadFrames: 10_000, callBurst: 1e6, maxPendingCalls: 1e6 },
    });
    await ts.nextTick();
    const hashBefore = ts.engine.stateHash;
    const source = createFrameSource(ts.server.hub.schema.descriptor, 'socket-batch-fuzz');
    for (let s = 0; s < 5; s++) {
      const raw = await openRawSocket(ts.url);
      raw.send(source.connect());
      for (let i = 0; i < 300; i++) raw.send(source.batch());
      raw.send(new Uint8Array([0x05, 0x2a]));
      await Promise.race([
        raw.closed,
        (async () => {
          for (;;) {
            const f = await raw.next();
            if (f[0] === 0x86 && f[1] === 0x2a) return;
          }
        })(),
      ]);
      raw.close();
      await raw.closed;
    }
    expect((await fetch(`${ts.httpUrl}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${ts.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/tickspace_rejected_frames_total\{code="MALFORMED_FRAME"\} \d{3,}/);
    await ts.nextTick();
    expect(ts.engine.stateHash).toBe(hashBefore);
    const client = await ts.connectClient();
    await client.conn.subscribe({ table: 'kv' }).applied;
    await client.reducers.set({ key: 4, tag: 0, value: 'ok', at: 0.5, secret: SECRET, note: undefined });
    await client.waitFor(() => client.db.kv.find(4)?.value === 'ok', 'kv 4');
  });
});
