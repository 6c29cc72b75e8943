import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorld, who, type World } from './helpers';

/** Places a completed building of `kind` next to the player (test setup). */
function placeStation(w: World, id: ReturnType<World['join']>, kind: string) {
  const p = w.player(id);
  const def = w.db.building_def.find(kind)!;
  const site = w.freeSite(p.x + 2, p.y, def.width, def.height);
  w.system((ctx) =>
    ctx.db.building.insert({
      buildingId: kind,
      owner: id,
      x: site.x,
      y: site.y,
      width: def.width,
      height: def.height,
      cx: site.x + def.width / 2,
      cy: site.y + def.height / 2,
      progressMs: def.buildMs,
      complete: true,
      containerId: 0,
    }),
  );
  w.teleport(id, site.x - 1, site.y + 0.5);
}

describe('craft', () => {
  it('swaps inputs for outputs after craftMs and grants experience', async () => {
    const w = await createWorld();
    const id = w.join(1);
    w.give(id, 'fiber', 7);
    w.ok(id, 'craft', { recipeId: 'rope' });
    expect(w.db.action.find(id)).toMatchObject({ kind: 'craft', recipeId: 'rope' });
    expect(w.count(id, 'fiber')).toBe(7);
    w.wait(w.db.recipe_def.find('rope')!.craftMs + 50);
    expect(w.bag(id)).toEqual({ fiber: 4, rope: 1 });
    expect(w.db.skill.find([id, 'crafting'])!.xp).toBe(w.db.recipe_def.find('rope')!.xp);
  });

  it('crafts at a station within reach', async () => {
    const w = await createWorld();
    const id = w.join(1);
    w.give(id, 'log', 1);
    w.rejects(id, 'craft', { recipeId: 'plank' }, 'STATION_REQUIRED');
    placeStation(w, id, 'workbench');
    w.ok(id, 'craft', { recipeId: 'plank' });
    w.wait(w.db.recipe_def.find('plank')!.craftMs + 50);
    expect(w.bag(id)).toEqual({ plank: 2 });
  });

  it('rejects with NOT_JOINED, UNKNOWN_RECIPE, MISSING_ITEMS, SKILL_TOO_LOW and BUSY', async () => {
    const w = await createWorld();
    const id = w.join(1);
    w.rejects(who(5), 'craft', { recipeId: 'rope' }, 'NOT_JOINED');
    w.rejects(id, 'craft', { recipeId: 'no_such_recipe' }, 'UNKNOWN_RECIPE');
    w.give(id, 'fiber', 2);
    expect(w.rejects(id, 'craft', { recipeId: 'rope' }, 'MISSING_ITEMS')).toMatch(/3 Plant Fiber \(have 2\)/);
    w.give(id, 'flint', 2);
    w.give(id, 'stick', 1);
    w.give(id, 'rope', 1);
    w.rejects(id, 'craft', { recipeId: 'flint_sickle' }, 'SKILL_TOO_LOW');
    w.give(id, 'fiber', 1);
    w.ok(id, 'craft', { recipeId: 'rope' });
    // A duration from now, in words: never the logical clock's milliseconds.
    expect(w.rejects(id, 'craft', { recipeId: 'rope' }, 'BUSY')).toMatch(
      /^player1 is already busy \(craft\), done in \d+(\.\d)? s$/,
    );
  });

  it('rejects with INVENTORY_FULL when the outputs do not fit, and keeps the inputs', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const slots = w.db.settings.find(0)!.inventorySlots;
    // One log in the last free slot: crafting frees that slot, so the 2 planks fit.
    w.give(id, 'log', 1);
    for (let i = 0; i < slots - 1; i++) w.give(id, 'stone_axe', 1);
    placeStation(w, id, 'workbench');
    w.ok(id, 'craft', { recipeId: 'plank' });
    w.wait(2000);
    expect(w.count(id, 'plank')).toBe(2);
    // 4 fiber -> rope leaves 1 fiber in its slot, and no slot is free for the rope.
    const w2 = await createWorld();
    const id2 = w2.join(1);
    w2.give(id2, 'fiber', 4);
    for (let i = 0; i < slots - 1; i++) w2.give(id2, 'stone_axe', 1);
    w2.rejects(id2, 'craft', { recipeId: 'rope' }, 'INVENTORY_FULL');
    expect(w2.count(id2, 'fiber')).toBe(4);
  });

  it('at the finish, changes nothing and leaves a notice if the inputs are gone', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const b = w.join(2);
    w.teleport(b, w.player(a).x + 1, w.player(a).y);
    w.give(a, 'fiber', 3);
    w.ok(a, 'craft', { recipeId: 'rope' });
    // While crafting, the fiber leaves in a trade.
    w.ok(a, 'trade_open', { partner: b });
    const trade = w.db.trade.iter()[0]!.id;
    w.ok(a, 'trade_offer', { trade, itemId: 'fiber', quantity: 3 });
    w.ok(a, 'trade_accept', { trade });
    w.ok(b, 'trade_accept', { trade });
    expect(w.count(b, 'fiber')).toBe(3);
    const before = w.bag(a);
    w.wait(1500);
    expect(w.bag(a)).toEqual(before);
    expect(w.count(a, 'rope')).toBe(0);
    // The trade's own notice (TRADE_COMPLETE) aside, the craft left one: its inputs were gone.
    expect(w.db.notice.filter('by_owner', a).filter((n) => n.code !== 'TRADE_COMPLETE')).toEqual([
      expect.objectContaining({ code: 'MISSING_ITEMS' }),
    ]);
    expect(w.db.action.find(a)).toBeUndefined();
  });

  it('is atomic: inputs consumed and outputs produced together, or nothing (property)', async () => {
    const w = await createWorld();
    const recipes = w.db.recipe_def.iter().filter((r) => r.station === '' && r.level === 1);
    const items = ['fiber', 'stick', 'stone', 'flint', 'rope', 'coal', 'stone_axe', 'berries'];
    let n = 10;
    const outcomes = { ok: 0, failed: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...items), fc.integer({ min: 1, max: 60 })), { maxLength: 30 }),
        fc.constantFrom(...recipes.map((r) => r.id)),
        async (gifts, recipeId) => {
          const id = w.join(n++);
          for (const [item, qty] of gifts) w.tryGive(id, item, qty);
          const before = w.bag(id);
          const { result } = w.call(id, 'craft', { recipeId });
          w.wait(6000);
          const after = w.bag(id);
          const inputs = w.db.recipe_input.filter('by_recipe', recipeId);
          const outputs = w.db.recipe_output.filter('by_recipe', recipeId);
          const expected = { ...before };
          for (const i of inputs) expected[i.itemId] = (expected[i.itemId] ?? 0) - i.quantity;
          for (const o of outputs) expected[o.itemId] = (expected[o.itemId] ?? 0) + o.quantity;
          for (const k of Object.keys(expected)) if (expected[k] === 0) delete expected[k];
          outcomes[result.ok ? 'ok' : 'failed']++;
          if (result.ok) expect(after).toEqual(expected);
          else expect(after).toEqual(before);
        },
      ),
      { numRuns: 40, seed: 42 },
    );
    // Both branches were exercised.
    expect(outcomes.ok).toBeGreaterThan(3);
    expect(outcomes.failed).toBeGreaterThan(3);
  });
});
