import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { createSubscriptions, type SubscriptionCost } from '../../src/engine/tooling';
import type { Query } from '../../src/protocol';
import { viewers, world } from './world-fixture';

/** Ten entities with hp 10, 20, ..., 100. */
function setup() {
  const engine = createEngine({ module: world });
  const subs = createSubscriptions(engine);
  for (let i = 1; i <= 10; i++) engine.enqueue(viewers[3]!, 'spawn', { id: i, team: 0, x: i, y: 0 });
  engine.runTick();
  for (let i = 1; i <= 10; i++) engine.enqueue(viewers[3]!, 'hurt', { id: i, by: 100 - 10 * i });
  engine.runTick();
  const handle = subs.addClient(viewers[0]!, { bufferedAmount: 0, send: () => {} });
  return { engine, subs, handle };
}

describe('index range queries', () => {
  it('charges the rows in the range, found through the btree', () => {
    const { subs, handle } = setup();
    const costs: SubscriptionCost[] = [];
    subs.subscribe(handle, 1, { table: 'entity', range: { index: 'hp', gte: 20, lt: 50 } }, (c) => {
      costs.push(c);
    });
    subs.subscribe(handle, 2, { table: 'item', range: { index: 'qty', lt: 5 } }, (c) => void costs.push(c));
    expect(costs).toEqual([
      { rows: 3, cells: 0 },
      { rows: 0, cells: 0 },
    ]);
  });

  it.each([
    [{ table: 'entity', range: { index: 'team', gte: 1 } }, 'INVALID_QUERY', /not a one-column btree index/],
    [{ table: 'entity', range: { index: 'mana', gte: 1 } }, 'UNKNOWN_INDEX', /no index 'mana'/],
    [{ table: 'entity', range: { index: 'hp', lt: 'full' } }, 'INVALID_ARGUMENT', /index 'hp' lt/],
    [{ table: 'entity', range: { index: 'hp', gte: 70_000 } }, 'INVALID_ARGUMENT', /index 'hp' gte/],
  ] as [Query, string, RegExp][])('refuses %j with %s, changing nothing', (query, code, message) => {
    const { subs, handle } = setup();
    expect(() => subs.subscribe(handle, 1, query)).toThrow(message);
    expect(() => subs.subscribe(handle, 1, query)).toThrow(expect.objectContaining({ code }));
    expect(subs.stats().queries).toBe(0);
  });
});
