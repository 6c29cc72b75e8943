import { describe, expect, it } from 'vitest';
import { createEngine, type TickRecord } from '../../src/engine';
import { createSubscriptions } from '../../src/engine/tooling';
import { createFrameCache } from '../kit';
import { viewers, world } from './world-fixture';

const admin = viewers[3]!;

function grid(engine: ReturnType<typeof createEngine<typeof world>>, n: number): void {
  for (let i = 0; i < n; i++)
    engine.enqueue(admin, 'spawn', {
      id: i + 1,
      team: i % 3,
      x: (i % 10) * 10 + 5,
      y: Math.floor(i / 10) * 10 + 5,
    });
  engine.runTick();
}

describe('encode once, send many', () => {
  it('encodes a whole-table update once per tick and sends every subscriber the same bytes', () => {
    const engine = createEngine({ module: world });
    const subs = createSubscriptions(engine);
    grid(engine, 20);
    const frames: Uint8Array[][] = [];
    for (let c = 0; c < 50; c++) {
      const got: Uint8Array[] = [];
      frames.push(got);
      subs.subscribe(subs.addClient(viewers[c % 3]!, { bufferedAmount: 0, send: (f) => got.push(f) }), 1, {
        table: 'entity',
      });
    }
    const before = subs.stats().chunksEncoded;
    for (let i = 1; i <= 20; i++) engine.enqueue(admin, 'move', { id: i, x: i, y: 50 });
    engine.runTick();
    expect(subs.stats().chunksEncoded - before).toBe(1);
    const last = frames.map((f) => f[f.length - 1]!);
    for (const f of last) expect(f).toBe(last[0]);
  });

  it('encodes each changed cell once per tick, however many clients watch it', () => {
    const run = (clients: number) => {
      const engine = createEngine({ module: world });
      const subs = createSubscriptions(engine);
      grid(engine, 100);
      const caches = [];
      for (let c = 0; c < clients; c++) {
        const cache = createFrameCache(subs.schema.wire);
        caches.push(cache);
        subs.subscribe(
          subs.addClient(viewers[c % 3]!, { bufferedAmount: 0, send: (f) => void cache.apply(f) }),
          1,
          {
            table: 'entity',
            near: { x: 50 + (c % 5), y: 50, radius: 45 },
          },
        );
      }
      const before = subs.stats().chunksEncoded;
      // Every entity moves a little inside its own cell.
      for (let i = 1; i <= 100; i++) {
        const e = engine.db.entity.find(i)!;
        engine.enqueue(admin, 'move', { id: i, x: e.x + 1, y: e.y - 1 });
      }
      engine.runTick();
      for (const cache of caches)
        for (const row of cache.rows('entity')) expect(row).toEqual(engine.db.entity.find(row.id as number));
      return subs.stats().chunksEncoded - before;
    };
    const few = run(3);
    const many = run(60);
    expect(few).toBeGreaterThan(0);
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(100);
  });
});

describe('delivery order with a slow commit', () => {
  it('holds frames until the commit settles and applies a subscription made in between at the right tick', async () => {
    const engine = createEngine({ module: world });
    const subs = createSubscriptions(engine);
    grid(engine, 10);
    const releases: (() => void)[] = [];
    engine.onCommit(() => new Promise<void>((resolve) => releases.push(resolve)));
    const cache = createFrameCache(subs.schema.wire);
    const seen: string[] = [];
    const handle = subs.addClient(viewers[0]!, {
      bufferedAmount: 0,
      send: (f) => seen.push(`${cache.apply(f).type}@${engine.tick}`),
    });
    subs.subscribe(handle, 1, { table: 'entity', where: { index: 'team', value: 0 } });
    engine.enqueue(admin, 'hurt', { id: 1, by: 5 });
    const t2 = engine.runTick();
    // Tick 2 is committed in memory but not durable: nothing reaches the client yet.
    expect(seen).toEqual(['subscribed@1']);
    subs.subscribe(handle, 2, { table: 'entity', near: { x: 5, y: 5, radius: 12 } });
    expect(seen).toEqual(['subscribed@1']);
    engine.enqueue(admin, 'hurt', { id: 2, by: 5 });
    engine.runTick();
    const fanned: TickRecord[] = [];
    engine.onTick((r) => fanned.push(r));
    releases.shift()!();
    releases.shift()!();
    await engine.flush();
    expect(fanned.map((r) => r.tick)).toEqual([t2.tick, t2.tick + 1]);
    expect(seen.map((s) => s.split('@')[0])).toEqual(['subscribed', 'tick', 'subscribed', 'tick']);
    const want = engine.db.entity
      .iter()
      .filter((e) => e.team === 0 || (e.x - 5) ** 2 + (e.y - 5) ** 2 <= 144);
    expect(cache.rows('entity').sort((a, b) => (a.id as number) - (b.id as number))).toEqual(
      want.sort((a, b) => a.id - b.id),
    );
  });
});

describe('resync', () => {
  it('rebuilds every view from the tables after a restore that bypassed reducers', () => {
    const engine = createEngine({ module: world });
    const subs = createSubscriptions(engine);
    grid(engine, 30);
    const cache = createFrameCache(subs.schema.wire);
    const h = subs.addClient(viewers[0]!, { bufferedAmount: 0, send: (f) => void cache.apply(f) });
    subs.subscribe(h, 1, { table: 'entity', follow: { table: 'entity', key: 12, radius: 15 } });
    const snapshot = {
      tick: engine.tick,
      tables: { entity: { rows: engine.db.entity.iter().map((r) => ({ ...r, x: r.x + 40 })), autoInc: 1 } },
    };
    engine.restore(snapshot);
    subs.resyncAll();
    const centre = engine.db.entity.find(12)!;
    const want = engine.db.entity.iter().filter((e) => (e.x - centre.x) ** 2 + (e.y - centre.y) ** 2 <= 225);
    expect(
      cache
        .rows('entity')
        .map((r) => r.id)
        .sort(),
    ).toEqual(want.map((r) => r.id).sort());
    for (const row of cache.rows('entity')) expect(row).toEqual(engine.db.entity.find(row.id as number));
  });
});
