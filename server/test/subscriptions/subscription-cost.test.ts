import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { createSubscriptions, type SubscriptionCost } from '../../src/engine/tooling';
import { TickspaceError } from '../../src/protocol';
import { viewers, world } from './world-fixture';

const admin = viewers[3]!;

/** 100 entities, one per 10 x 10 cell of a 100 x 100 square; team = id % 3. */
function setup() {
  const engine = createEngine({ module: world });
  const subs = createSubscriptions(engine);
  for (let i = 0; i < 100; i++)
    engine.enqueue(admin, 'spawn', {
      id: i + 1,
      team: (i + 1) % 3,
      x: (i % 10) * 10 + 5,
      y: Math.floor(i / 10) * 10 + 5,
    });
  engine.runTick();
  const sent: Uint8Array[] = [];
  const handle = subs.addClient(viewers[0]!, { bufferedAmount: 0, send: (f) => sent.push(f) });
  return { engine, subs, handle, sent };
}

describe('what a subscription costs (SubscriptionCharge)', () => {
  it('charges each query kind the rows it walks and, for spatial ones, its cells, before encoding', () => {
    const { subs, handle } = setup();
    const costs: SubscriptionCost[] = [];
    const charge = (c: SubscriptionCost) => void costs.push(c);
    subs.subscribe(handle, 1, { table: 'entity' }, charge);
    // Team 1: ids 1, 4, ..., 100 (34 rows); second on the table, so the first query's 100 once more.
    subs.subscribe(handle, 2, { table: 'entity', where: { index: 'team', value: 1 } }, charge);
    // Cells 0..2 x 0..1 with one entity each; reference counts exist now.
    subs.subscribe(handle, 3, { table: 'entity', rect: { minX: 0, minY: 0, maxX: 29, maxY: 19 } }, charge);
    subs.unsubscribe(handle, 2, charge);
    expect(costs).toEqual([
      { rows: 100, cells: 0 },
      { rows: 34 + 100, cells: 0 },
      { rows: 6, cells: 6 },
      { rows: 34, cells: 0 },
    ]);
  });

  it('charges a second query the rows of a first index or range query, found, once', () => {
    const { subs, handle } = setup();
    const costs: SubscriptionCost[] = [];
    const charge = (c: SubscriptionCost) => void costs.push(c);
    // Team 2: ids 2, 5, ..., 98 (33 rows); then a rectangle of 4 cells, one entity each.
    subs.subscribe(handle, 1, { table: 'entity', where: { index: 'team', value: 2 } }, charge);
    subs.subscribe(handle, 2, { table: 'entity', rect: { minX: 0, minY: 0, maxX: 19, maxY: 19 } }, charge);
    // Every entity has hp 100: a range holding them all, then a rectangle again.
    subs.subscribe(handle, 3, { table: 'entity', range: { index: 'hp', gte: 100 } }, charge);
    subs.unsubscribe(handle, 1);
    subs.unsubscribe(handle, 2);
    subs.subscribe(handle, 4, { table: 'entity', rect: { minX: 0, minY: 0, maxX: 9, maxY: 9 } }, charge);
    expect(costs).toEqual([
      { rows: 33, cells: 0 },
      { rows: 4 + 33, cells: 4 },
      { rows: 100, cells: 0 },
      { rows: 1 + 100, cells: 1 },
    ]);
  });

  it('a refused charge changes nothing and encodes nothing', () => {
    const { subs, handle, sent } = setup();
    subs.subscribe(handle, 1, { table: 'entity', near: { x: 50, y: 50, radius: 15 } });
    const before = { ...subs.stats(), frames: sent.length };
    const refuse = () => {
      throw new TickspaceError('RATE_LIMITED', 'no budget');
    };
    for (const query of [
      { table: 'entity' },
      { table: 'entity', where: { index: 'team', value: 0 } },
      { table: 'entity', rect: { minX: 0, minY: 0, maxX: 99, maxY: 99 } },
    ] as const)
      expect(() => subs.subscribe(handle, 2, query, refuse)).toThrow('no budget');
    expect({ ...subs.stats(), frames: sent.length }).toEqual(before);
    // The query id is still free, and the client's view is as it was: the same query now succeeds.
    subs.subscribe(handle, 2, { table: 'entity' });
    // It sends the 100 rows less those the circle already sent.
    expect(subs.stats()).toMatchObject({ queries: 2, subscribedRows: 100 });
  });

  it('counts a SUBSCRIBED waiting for its tick to be durable as bytes queued towards the client', async () => {
    const { engine, subs, handle, sent } = setup();
    let release = () => {};
    engine.onCommit(() => new Promise<void>((resolve) => (release = resolve)));
    engine.runTick();
    subs.subscribe(handle, 1, { table: 'entity' });
    expect(sent).toEqual([]);
    const queued = subs.queuedBytes(handle);
    expect(queued).toBeGreaterThan(100 * 5);
    release();
    await engine.flush();
    expect(sent.map((f) => f.length)).toEqual([queued]);
    expect(subs.queuedBytes(handle)).toBe(0);
  });

  it('counts a SUBSCRIBED waiting in the engine against the high watermark too', async () => {
    const engine = createEngine({ module: world });
    const subs = createSubscriptions(engine, { highWatermarkBytes: 1_000, lowWatermarkBytes: 500 });
    for (let i = 0; i < 100; i++) engine.enqueue(admin, 'spawn', { id: i + 1, team: 0, x: i, y: 0 });
    engine.runTick();
    const handle = subs.addClient(viewers[0]!, { bufferedAmount: 0, send: () => {} });
    let release = () => {};
    const durable = new Promise<void>((resolve) => (release = resolve));
    engine.onCommit(() => durable);
    engine.runTick();
    // About 1.5 KB of initial rows wait for the held tick's fan-out; the socket itself is empty.
    subs.subscribe(handle, 1, { table: 'entity' });
    expect(subs.queuedBytes(handle)).toBeGreaterThan(1_000);
    engine.enqueue(admin, 'move', { id: 1, x: 5, y: 5 });
    engine.runTick();
    expect(subs.isCongested(handle)).toBe(true);
    release();
    await engine.flush();
  });
});
