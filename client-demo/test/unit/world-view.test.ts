import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { toIdentity } from '@tickspace/server/engine';
import type { ResourceNodeRow } from '../../src/world/rows';
import { createMemoryView, keyString } from '../../src/world/world-view';

const node = (id: number, amount: number): ResourceNodeRow => ({
  id,
  resourceId: 'oak_tree',
  x: id,
  y: 0,
  amount,
  respawnAtMs: 0,
});

describe('memory view', () => {
  test('put inserts then updates; delete removes; listeners fire once each', () => {
    const view = createMemoryView();
    const t = view.table('resource_node');
    const seen: string[] = [];
    t.onInsert((r) => seen.push(`+${r.id}`));
    t.onUpdate((o, r) => seen.push(`~${o.amount}>${r.amount}`));
    const off = t.onDelete((r) => seen.push(`-${r.id}`));
    t.put(node(1, 3));
    t.put(node(1, 0));
    expect(t.delete(1)).toBe(true);
    expect(t.delete(1)).toBe(false);
    off();
    t.put(node(2, 1));
    t.delete(2);
    expect(seen).toEqual(['+1', '~3>0', '-1', '+2']);
  });

  test('composite keys find rows by tuple', () => {
    const t = createMemoryView().table('inventory');
    t.put({
      containerId: 4,
      slot: 2,
      owner: toIdentity('a'.repeat(32)),
      shared: false,
      itemId: 'log',
      quantity: 3,
    });
    expect(t.find([4, 2])?.itemId).toBe('log');
    expect(t.has([2, 4])).toBe(false);
    expect(keyString([4, 2])).not.toBe(keyString([42]));
  });

  test('property: replaceAll leaves exactly the given rows and reports only the differences', () => {
    const rows = fc.uniqueArray(
      fc.record({ id: fc.integer({ min: 1, max: 30 }), amount: fc.integer({ min: 0, max: 3 }) }),
      { selector: (r) => r.id, maxLength: 20 },
    );
    fc.assert(
      fc.property(rows, rows, (a, b) => {
        const t = createMemoryView().table('resource_node');
        t.replaceAll(a.map((r) => node(r.id, r.amount)));
        let events = 0;
        t.onInsert(() => events++);
        t.onUpdate(() => events++);
        t.onDelete(() => events++);
        t.replaceAll(b.map((r) => node(r.id, r.amount)));
        expect(
          t
            .iter()
            .map((r) => r.id)
            .sort((x, y) => x - y),
        ).toEqual(b.map((r) => r.id).sort((x, y) => x - y));
        const before = new Map(a.map((r) => [r.id, r.amount]));
        const after = new Map(b.map((r) => [r.id, r.amount]));
        let diff = 0;
        for (const [id, amount] of after) if (before.get(id) !== amount) diff++;
        for (const id of before.keys()) if (!after.has(id)) diff++;
        expect(events).toBe(diff);
      }),
    );
  });
});
