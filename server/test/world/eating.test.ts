import { describe, expect, it } from 'vitest';
import { createWorld, SMALL, who } from './helpers';

/** Slot of the first stack of `itemId` in a player's backpack. */
function slotOf(
  w: Awaited<ReturnType<typeof createWorld>>,
  id: ReturnType<typeof w.join>,
  itemId: string,
): number {
  const row = w.db.inventory
    .filter('by_container', w.player(id).containerId)
    .find((r) => r.itemId === itemId);
  expect(row, `a stack of ${itemId}`).toBeDefined();
  return row!.slot;
}

describe('eat', () => {
  it('consumes one food item and leaves the player well fed for its wellFedMs', async () => {
    const w = await createWorld();
    const a = w.join(1);
    w.give(a, 'berries', 3);
    const wellFedMs = w.db.item_def.find('berries')!.wellFedMs;
    expect(wellFedMs).toBeGreaterThan(0);
    w.ok(a, 'eat', { slot: slotOf(w, a, 'berries') });
    expect(w.count(a, 'berries')).toBe(2);
    const fed = w.db.satiety.find(a)!;
    // Eaten in the tick just run: fed until that tick's time plus the food's duration.
    expect(fed.fedUntilMs - w.engine.now).toBeGreaterThan(wellFedMs - 2 * w.engine.tickMs);
    expect(fed.fedUntilMs - w.engine.now).toBeLessThanOrEqual(wellFedMs);
    // A second meal adds to what is left of the first.
    w.ok(a, 'eat', { slot: slotOf(w, a, 'berries') });
    expect(w.db.satiety.find(a)!.fedUntilMs).toBe(fed.fedUntilMs + wellFedMs);
  });

  it('makes gathering, crafting and construction faster while well fed, and not after it wears off', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const recipe = w.db.recipe_def.find('rope')!;
    w.give(a, 'fiber', 9);
    w.ok(a, 'craft', { recipeId: 'rope' });
    const hungry = w.db.action.find(a)!;
    expect(hungry.endsMs - hungry.startedMs).toBe(recipe.craftMs);
    w.wait(recipe.craftMs + 100);
    w.give(a, 'berries', 1);
    w.ok(a, 'eat', { slot: slotOf(w, a, 'berries') });
    w.ok(a, 'craft', { recipeId: 'rope' });
    const fed = w.db.action.find(a)!;
    expect(fed.endsMs - fed.startedMs).toBe(
      Math.round(recipe.craftMs * (1 - w.frontier.options.wellFedSpeedup)),
    );
    w.wait(recipe.craftMs + 100);
    expect(w.count(a, 'rope')).toBe(2);
    w.wait(w.db.item_def.find('berries')!.wellFedMs);
    w.ok(a, 'craft', { recipeId: 'rope' });
    const after = w.db.action.find(a)!;
    expect(after.endsMs - after.startedMs).toBe(recipe.craftMs);
  });

  it('rejects bad slots, items that are not food and meals beyond maxWellFedMs', async () => {
    const w = await createWorld({ ...SMALL, maxWellFedMs: 70_000 });
    const a = w.join(1);
    w.give(a, 'stick', 2);
    w.give(a, 'berries', 5);
    const slots = w.db.container.find(w.player(a).containerId)!.slots;
    w.rejects(a, 'eat', { slot: slots }, 'INVALID_SLOT');
    w.rejects(a, 'eat', { slot: slots - 1 }, 'EMPTY_SLOT');
    const msg = w.rejects(a, 'eat', { slot: slotOf(w, a, 'stick') }, 'NOT_FOOD');
    expect(msg).toContain('Stick');
    // Berries last 30 s each: two fit in 70 s ahead, a third would reach 90 s.
    w.ok(a, 'eat', { slot: slotOf(w, a, 'berries') });
    w.ok(a, 'eat', { slot: slotOf(w, a, 'berries') });
    expect(w.rejects(a, 'eat', { slot: slotOf(w, a, 'berries') }, 'TOO_FULL')).toMatch(/too full/);
    expect(w.count(a, 'berries')).toBe(3);
    w.rejects(who(9), 'eat', { slot: 0 }, 'NOT_JOINED');
  });

  it('refuses options out of range', async () => {
    await expect(createWorld({ ...SMALL, wellFedSpeedup: 0.95 })).rejects.toThrow(/wellFedSpeedup/);
    await expect(createWorld({ ...SMALL, maxWellFedMs: 0 })).rejects.toThrow(/maxWellFedMs/);
  });
});
