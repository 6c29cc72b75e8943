import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelForXp } from '../../src/world';
import { planInventory } from '../../src/world/inventory';
import { createWorld } from './helpers';

describe('inventory plan', () => {
  it('never exceeds stack sizes or slots, and counts stay exact (property)', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const items = ['stick', 'stone_axe', 'log', 'nails', 'mushroom_stew'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom(...items), fc.integer({ min: 1, max: 200 })), {
          maxLength: 40,
        }),
        async (ops) => {
          w.system((ctx) => {
            const plan = planInventory(ctx.db, ctx.db.player.find(id)!.containerId);
            const expected = new Map(items.map((i) => [i, plan.count(i)]));
            for (const [add, item, q] of ops) {
              const ok = add ? plan.add(ctx.db, item, q) : plan.remove(item, q);
              if (ok) expected.set(item, expected.get(item)! + (add ? q : -q));
              for (const i of items) expect(plan.count(i)).toBe(expected.get(i));
            }
            plan.commit(ctx.db);
          });
          const rows = w.db.inventory.filter('by_container', w.player(id).containerId);
          const slots = w.db.settings.find(0)!.inventorySlots;
          for (const r of rows) {
            expect(r.slot).toBeLessThan(slots);
            expect(r.quantity).toBeGreaterThan(0);
            expect(r.quantity).toBeLessThanOrEqual(w.db.item_def.find(r.itemId)!.stackSize);
          }
          // Re-reading the committed rows gives the same counts as the plan had.
          w.system((ctx) => {
            const again = planInventory(ctx.db, ctx.db.player.find(id)!.containerId);
            for (const i of items)
              expect(again.count(i)).toBe(
                rows.filter((r) => r.itemId === i).reduce((n, r) => n + r.quantity, 0),
              );
          });
        },
      ),
      { numRuns: 40, seed: 9 },
    );
  });

  it('refuses unknown items and what does not fit, changing nothing', async () => {
    const w = await createWorld();
    const id = w.join(1);
    w.system((ctx) => {
      const plan = planInventory(ctx.db, ctx.db.player.find(id)!.containerId);
      expect(plan.add(ctx.db, 'unobtainium', 1)).toBe(false);
      const slots = ctx.db.settings.find(0)!.inventorySlots;
      expect(plan.add(ctx.db, 'stick', 50 * slots + 1)).toBe(false);
      expect(plan.count('stick')).toBe(0);
      expect(plan.add(ctx.db, 'stick', 50 * slots)).toBe(true);
      expect(plan.remove('stick', 50 * slots + 1)).toBe(false);
      expect(plan.count('stick')).toBe(50 * slots);
    });
  });
});

describe('skills', () => {
  it('levels follow the content curve and stop at maxLevel', () => {
    const curve = { maxLevel: 5, xpBase: 20, xpGrowth: 1.5 };
    expect([0, 19, 20, 49, 50, 94, 95, 1e9].map((xp) => levelForXp(curve, xp))).toEqual([
      1, 1, 2, 2, 3, 3, 4, 5,
    ]);
  });

  it('gathering experience raises the level', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const node = w.nearestNode('fiber_grass', w.player(id).x, w.player(id).y);
    const def = w.db.resource_def.find('fiber_grass')!;
    const skill = w.db.skill_def.find(def.skill)!;
    w.standBy(id, node);
    const gathers = Math.ceil(skill.xpBase / def.xp);
    for (let i = 0; i < gathers; i++) {
      if (w.db.resource_node.find(node.id)!.amount === 0) w.wait(def.respawnMs + 100);
      w.ok(id, 'gather', { nodeId: node.id });
      w.wait(def.gatherMs + 50);
    }
    expect(w.db.skill.find([id, def.skill])).toMatchObject({ xp: gathers * def.xp, level: 2 });
  });
});
