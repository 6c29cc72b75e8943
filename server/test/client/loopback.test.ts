import { describe, expect, it } from 'vitest';
import { connect } from '../../src/client';
import { createEngine, toIdentity } from '../../src/engine';
import { createLoopbackTransport, createSessionHub } from '../../src/net';
import { testClient } from '../kit';
import { world } from '../subscriptions/world-fixture';

describe('loopback transport', () => {
  it('runs the same session and SDK code in-process: connect, subscribe, call, see changes, close', async () => {
    const engine = createEngine({ module: world, tickMs: 50 });
    const hub = createSessionHub({ engine, tokenSecret: 'loopback-test-secret-of-32-bytes!' });
    const transport = createLoopbackTransport(hub);
    const a = testClient(await connect<typeof world>({ transport }));
    const b = testClient(await connect<typeof world>({ transport }));
    expect(hub.clientCount).toBe(2);
    await a.conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 10 } }).applied;
    const call = b.reducers.spawn({ id: 5, team: 1, x: 3, y: 4 });
    await b.conn.sync();
    engine.runTick();
    await call;
    await a.waitFor(() => a.db.entity.has(5), 'a sees entity 5');
    expect(a.db.entity.find(5)).toMatchObject({ id: 5, x: 3, y: 4 });
    const far = b.reducers.spawn({ id: 6, team: 1, x: 30, y: 4 });
    await b.conn.sync();
    engine.runTick();
    await far;
    await a.conn.sync();
    expect(a.db.entity.has(6)).toBe(false);
    // The token restores the identity over loopback too.
    const token = a.conn.token;
    a.close();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    const again = await connect<typeof world>({ transport, token });
    expect(again.identity).toBe(a.conn.identity);
    expect(engine.queuedCalls).toBeGreaterThan(0);
    engine.runTick();
    expect(engine.tables.entity!.count()).toBe(2);
    again.close();
    b.close();
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(hub.connectionCount).toBe(0);
    expect(toIdentity(again.identity)).toBe(again.identity);
  });
});
