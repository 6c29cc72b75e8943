import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/client';
import { createEngine } from '../../src/engine';
import { createLoopbackTransport, createSessionHub } from '../../src/net';
import { world } from '../subscriptions/world-fixture';

afterEach(() => {
  vi.useRealTimers();
});

describe('call timeouts', () => {
  it('callTimeoutMs: each unanswered call rejects with TIMEOUT at its own deadline; answered ones resolve', async () => {
    const engine = createEngine({ module: world, tickMs: 50 });
    const hub = createSessionHub({ engine, tokenSecret: 'timeout', clock: () => 0 });
    const conn = await connect<typeof world>({ transport: createLoopbackTransport(hub), callTimeoutMs: 1_000 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const settled = new Map<number, string>();
    const track = (id: number, p: Promise<void>) =>
      p.then(
        () => void settled.set(id, 'ok'),
        (e: { code: string }) => void settled.set(id, e.code),
      );
    const early = [1, 2, 3].map((id) => track(id, conn.reducers.spawn({ id, team: 0, x: 0, y: 0 })));
    await conn.sync();
    // Calls 1-3 reach the engine; a tick answers them before any deadline.
    engine.runTick();
    await Promise.all(early);
    expect([...settled]).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'ok'],
    ]);
    // Calls 4-5 at t, call 6 at t + 400 ms: none is ever answered (no more ticks).
    const late = [4, 5].map((id) => track(id, conn.reducers.spawn({ id, team: 0, x: 0, y: 0 })));
    await vi.advanceTimersByTimeAsync(400);
    const last = track(6, conn.reducers.spawn({ id: 6, team: 0, x: 0, y: 0 }));
    await vi.advanceTimersByTimeAsync(599);
    expect(settled.has(4)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(late);
    expect(settled.get(4)).toBe('TIMEOUT');
    expect(settled.get(5)).toBe('TIMEOUT');
    expect(settled.has(6)).toBe(false);
    await vi.advanceTimersByTimeAsync(400);
    await last;
    expect(settled.get(6)).toBe('TIMEOUT');
    conn.close();
  });
});
