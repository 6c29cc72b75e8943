import { describe, expect, it } from 'vitest';
import { createEngine, type TickRecord } from '../../src/engine';
import { alice, bank } from './fixtures';

describe('tick loop', () => {
  it('runs ticks at its own pace and stops cleanly', async () => {
    const engine = createEngine({ module: bank, tickMs: 5 });
    engine.start();
    expect(engine.running).toBe(true);
    const first = await engine.nextTick();
    const result = engine.call(alice, 'bump', { times: 3 });
    expect(await result).toEqual({ ok: true });
    const later = await engine.nextTick();
    expect(later.tick).toBeGreaterThan(first.tick);
    await engine.stop();
    expect(engine.running).toBe(false);
    const stoppedAt = engine.tick;
    expect(engine.db.counter.find(1)?.value).toBe(3);
    expect(engine.metrics.snapshot().ticks).toBe(stoppedAt);
  });

  it('hands every tick to commit hooks first, then fans out in tick order after async commits settle', async () => {
    const engine = createEngine({ module: bank });
    const events: string[] = [];
    const releases: (() => void)[] = [];
    engine.onCommit((record) => {
      events.push(`commit ${record.tick}`);
      // Tick 1 is slow to become durable; tick 2 is immediate. Fan-out must still be 1 then 2.
      if (record.tick === 1) return new Promise<void>((resolve) => releases.push(resolve));
      return undefined;
    });
    engine.onTick((record) => void events.push(`fanout ${record.tick}`));
    const result = engine.call(alice, 'bump', { times: 1 });
    let settled = false;
    void result.then(() => (settled = true));
    engine.runTick();
    engine.runTick();
    await Promise.resolve();
    expect(events).toEqual(['commit 1', 'commit 2']);
    expect(settled).toBe(false);
    releases[0]!();
    await engine.flush();
    expect(events).toEqual(['commit 1', 'commit 2', 'fanout 1', 'fanout 2']);
    expect(await result).toEqual({ ok: true });
  });

  it('removes hooks through the function they return', () => {
    const engine = createEngine({ module: bank });
    const seen: number[] = [];
    const off = engine.onTick((r: TickRecord) => void seen.push(r.tick));
    engine.runTick();
    off();
    engine.runTick();
    expect(seen).toEqual([1]);
  });

  it('records overruns and never skips a call', () => {
    const engine = createEngine({ module: bank, tickMs: 0.001 });
    for (let i = 0; i < 500; i++) engine.enqueue(alice, 'bump', { times: 1 });
    const record = engine.runTick();
    expect(record.calls.filter((c) => c.reducer === 'bump')).toHaveLength(500);
    expect(engine.metrics.snapshot().overruns).toBe(1);
    expect(engine.db.counter.find(1)?.value).toBe(500);
  });

  it('a commit hook that throws in the loop is one fatal event: the loop stops, no later tick runs, the call gets no result', async () => {
    const engine = createEngine({ module: bank, tickMs: 1 });
    const failure = new Error('disk full');
    engine.onCommit((record) => {
      if (record.tick === 3) throw failure;
    });
    const fatal: unknown[] = [];
    const stopped = new Promise<void>((resolve) =>
      engine.onFatal((error) => {
        fatal.push(error);
        resolve();
      }),
    );
    let results = 0;
    for (let i = 0; i < 3; i++) engine.enqueue(alice, 'bump', { times: 1 }, () => results++);
    engine.start();
    await engine.nextTick();
    for (let i = 0; i < 3; i++) engine.enqueue(alice, 'bump', { times: 1 }, () => results++);
    await stopped;
    expect(fatal).toEqual([failure]);
    expect(engine.fatalError).toBe(failure);
    expect(engine.running).toBe(false);
    expect(engine.tick).toBe(3);
    expect(results).toBe(3);
    expect(() => engine.runTick()).toThrow(/fatal commit fault/);
    await engine.stop();
  });

  it('a rejected commit promise is a fatal event too (an fsync that failed)', async () => {
    const engine = createEngine({ module: bank, tickMs: 1, logger: { error: () => {}, warn: () => {} } });
    const failure = new Error('EIO');
    engine.onCommit((record) => (record.tick === 2 ? Promise.reject(failure) : undefined));
    const fatal = new Promise<unknown>((resolve) => engine.onFatal(resolve));
    engine.start();
    expect(await fatal).toBe(failure);
    expect(engine.running).toBe(false);
    await engine.stop();
  });

  it('without a fatal listener the fault is thrown from the timer, as a plain process would crash', () => {
    const engine = createEngine({ module: bank });
    engine.onCommit(() => {
      throw new Error('disk full');
    });
    // start() runs the first tick synchronously: the throw reaches the caller.
    expect(() => engine.start()).toThrow('disk full');
  });
});
