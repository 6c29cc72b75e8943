import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/client';
import { createEngine } from '../../src/engine';
import { createLoopbackTransport, createSessionHub } from '../../src/net';
import { world } from '../subscriptions/world-fixture';

afterEach(() => {
  vi.useRealTimers();
});

describe('call results and timeouts', () => {
  it('callTimeoutMs: each unanswered call rejects with TIMEOUT at its own deadline; answered ones resolve', async () => {
    const engine = createEngine({ module: world, tickMs: 50 });
    const hub = createSessionHub({
      engine,
      tokenSecret: 'call-timeout-test-secret-of-32-bytes',
      clock: () => 0,
    });
    const conn = await connect<typeof world>({
      transport: createLoopbackTransport(hub),
      callTimeoutMs: 1_000,
    });
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

  it('settles every result by request id, across one-, two- and three-byte ids, with and without frame listeners', async () => {
    const engine = createEngine({ module: world, tickMs: 50 });
    const hub = createSessionHub({
      engine,
      tokenSecret: 'request-ids-test-secret-of-32-bytes',
      clock: () => 0,
      limits: { callBurst: 1e9, maxPendingCalls: 1e9 },
    });
    const conn = await connect<typeof world>({ transport: createLoopbackTransport(hub) });
    const outcomes: string[] = [];
    const round = async (from: number, n: number) => {
      const calls = Array.from({ length: n }, (_, i) =>
        // Even ids spawn (ok), odd ids move a missing entity (the reducer's error): both paths of RESULT.
        ((from + i) % 2 === 0
          ? conn.reducers.spawn({ id: from + i, team: 0, x: 0, y: 0 })
          : conn.reducers.move({ id: 1e6 + from + i, x: 0, y: 0 })
        ).then(
          () => 'ok',
          (e: { code: string }) => e.code,
        ),
      );
      await conn.sync();
      engine.runTick();
      outcomes.push(...(await Promise.all(calls)));
    };
    await round(0, 17_000);
    const off = conn.onFrame(() => {});
    await round(17_000, 1_000);
    off();
    expect(outcomes).toHaveLength(18_000);
    expect(outcomes.every((o, i) => o === (i % 2 === 0 ? 'ok' : 'NO_ENTITY'))).toBe(true);
    conn.close();
  });
});
