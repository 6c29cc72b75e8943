import { describe, expect, test } from 'vitest';
import { nearestInteraction } from '../../src/game/nearby';
import { recipeStatuses } from '../../src/ui/crafting-panel';
import { backpack, itemCounts, itemName, type GameContext } from '../../src/ui/game-context';
import { createMemoryView } from '../../src/world/world-view';

const me = 'a'.repeat(32);

/**
 * A content reload may remove a definition that live rows still name (server/src/world/README.md,
 * "Content is live"): a stack of a removed item, a building of a removed kind. The client shows
 * them by id and keeps working.
 */
function orphanedWorld(): GameContext {
  const view = createMemoryView();
  view.table('player').put({
    identity: me as never,
    name: 'Ann',
    nameKey: 'ann',
    online: true,
    containerId: 1,
    joinedMs: 0,
  });
  view.table('avatar').put({
    identity: me as never,
    name: 'Ann',
    online: true,
    x: 10,
    y: 10,
    dirX: 0,
    dirY: 0,
    moving: false,
  });
  view
    .table('inventory')
    .put({ containerId: 1, slot: 0, owner: me as never, shared: false, itemId: 'mushroom', quantity: 3 });
  view
    .table('recipe_def')
    .put({ id: 'stew', name: 'Stew', station: 'kitchen', skill: 'cooking', level: 1, xp: 1, craftMs: 0 });
  view.table('recipe_input').put({ recipeId: 'stew', itemId: 'mushroom', quantity: 5, position: 0 });
  view.table('building').put({
    id: 7,
    buildingId: 'kitchen',
    owner: me as never,
    x: 11,
    y: 10,
    width: 2,
    height: 2,
    cx: 12,
    cy: 11,
    progressMs: 0,
    complete: false,
    containerId: 0,
  });
  return {
    view,
    identity: () => me,
    me: () => view.table('player').find(me as never),
    avatar: () => view.table('avatar').find(me as never),
    call: async () => true,
    toast: () => {},
  };
}

describe('rows whose definition the content no longer has', () => {
  test('an item without item_def is listed by its id', () => {
    const ctx = orphanedWorld();
    expect(backpack(ctx).map((s) => s.itemId)).toEqual(['mushroom']);
    expect(itemCounts(ctx).get('mushroom')).toBe(3);
    expect(itemName(ctx, 'mushroom')).toBe('mushroom');
  });

  test('recipes and interactions over orphans still evaluate', () => {
    const ctx = orphanedWorld();
    const [stew] = recipeStatuses(ctx);
    expect(stew!.missing).toEqual(['2 more mushroom', 'a kitchen nearby']);
    expect(nearestInteraction(ctx.view, 10, 10)).toMatchObject({
      kind: 'site',
      building: { buildingId: 'kitchen' },
    });
  });
});
