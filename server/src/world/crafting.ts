import { t } from '../engine';
import {
  ACTION_KINDS,
  attempt,
  currentAction,
  endAction,
  finisherArgs,
  meOf,
  requireIdle,
  requirePlayer,
  startAction,
} from './actions';
import { distanceToRect } from './chunks';
import { fedDurationMs } from './eating';
import { reject } from './errors';
import { planInventory } from './inventory';
import type { Ctx, FrontierRuntime, Me } from './runtime';
import { advanceQuests } from './quests';
import { addXp, skillLevel } from './skills';
import { frontierSchema } from './tables';
import { itemAmount } from './words';

/** Reach of the widest building from its centre, for the spatial query that finds stations. */
const MAX_BUILDING_HALF_EXTENT = 6;

/**
 * Crafting: `craft { recipeId }` checks skill level, station and inputs, then starts a timed action;
 * `craft_finish` (scheduled) checks again and swaps inputs for outputs in one transaction: either
 * every input is consumed and every output produced, or nothing changes and the player gets a notice.
 * A recipe with `craftMs` 0 completes within the `craft` call.
 */
export function createCraftingReducers(rt: FrontierRuntime) {
  /** Every rule of a recipe; returns the planned inventory (inputs removed, outputs added). */
  const check = (ctx: Ctx, player: Me, recipeId: string) => {
    const recipe = ctx.db.recipe_def.find(recipeId);
    if (recipe === undefined) reject('UNKNOWN_RECIPE', `no recipe '${recipeId}'`, { recipeId });
    const level = skillLevel(ctx.db, player.identity, recipe.skill);
    if (level < recipe.level)
      reject(
        'SKILL_TOO_LOW',
        `${recipe.name} needs ${recipe.skill} level ${recipe.level}; ${player.name} has ${level}`,
        {
          skill: recipe.skill,
          level: recipe.level,
          have: level,
        },
      );
    if (recipe.station !== '' && !stationNear(ctx, player, recipe.station))
      reject('STATION_REQUIRED', `${recipe.name} needs a completed ${recipe.station} within reach`, {
        station: recipe.station,
      });
    const inputs = ctx.db.recipe_input.filter('by_recipe', recipeId).sort((a, b) => a.position - b.position);
    const outputs = ctx.db.recipe_output
      .filter('by_recipe', recipeId)
      .sort((a, b) => a.position - b.position);
    const plan = planInventory(ctx.db, player.containerId);
    const missing = inputs.filter((i) => plan.count(i.itemId) < i.quantity);
    if (missing.length > 0)
      reject(
        'MISSING_ITEMS',
        `${recipe.name} needs ${missing.map((i) => `${itemAmount(ctx.db, i.itemId, i.quantity)} (have ${plan.count(i.itemId)})`).join(', ')}`,
        {
          missing: missing.map((i) => ({
            itemId: i.itemId,
            quantity: i.quantity,
            have: plan.count(i.itemId),
          })),
        },
      );
    for (const i of inputs) plan.remove(i.itemId, i.quantity);
    for (const o of outputs)
      if (!plan.add(ctx.db, o.itemId, o.quantity))
        reject('INVENTORY_FULL', `no room for ${itemAmount(ctx.db, o.itemId, o.quantity)}`, {
          itemId: o.itemId,
        });
    return { recipe, plan };
  };

  const complete = (ctx: Ctx, player: Me, checked: ReturnType<typeof check>) => {
    checked.plan.commit(ctx.db);
    addXp(ctx.db, player.identity, checked.recipe.skill, checked.recipe.xp);
    advanceQuests(ctx.db, player.identity, 'craft', checked.recipe.id, 1);
  };

  /**
   * `craft { recipeId }`: rejects NOT_JOINED, BUSY, UNKNOWN_RECIPE, SKILL_TOO_LOW, STATION_REQUIRED,
   * MISSING_ITEMS, INVENTORY_FULL.
   */
  const craft = frontierSchema.reducer('craft', { recipeId: t.string() }, (ctx, { recipeId }) => {
    const player = requirePlayer(ctx);
    requireIdle(ctx, player);
    const checked = check(ctx, player, recipeId);
    if (checked.recipe.craftMs === 0) complete(ctx, player, checked);
    else
      startAction(
        ctx,
        player,
        ACTION_KINDS.CRAFT,
        0,
        recipeId,
        fedDurationMs(ctx, rt, player.identity, checked.recipe.craftMs),
        'craft_finish',
        { recipeId },
      );
  });

  /** `craft_finish { owner, recipeId }` (internal): the atomic swap, or a notice if a rule no longer holds. */
  const craftFinish = frontierSchema.reducer(
    'craft_finish',
    { ...finisherArgs, recipeId: t.string() },
    (ctx, { owner, recipeId }) => {
      if (currentAction(ctx.db, owner, ACTION_KINDS.CRAFT, 0, recipeId) === undefined) return;
      endAction(ctx, owner);
      const player = meOf(ctx.db, owner);
      if (player === undefined) return;
      const checked = attempt(ctx, owner, () => check(ctx, player, recipeId));
      if (checked !== undefined) complete(ctx, player, checked);
    },
    { internal: true },
  );

  return { craft, craftFinish };
}

/** Whether a completed building of kind `station` has its footprint within the station radius of the player. */
function stationNear(ctx: Ctx, player: Me, station: string): boolean {
  const radius = ctx.db.settings.find(0)!.stationRadiusTiles;
  const r = radius + MAX_BUILDING_HALF_EXTENT;
  for (const b of ctx.db.building.withinRect(player.x - r, player.y - r, player.x + r, player.y + r)) {
    if (b.buildingId !== station || !b.complete) continue;
    if (distanceToRect(player.x, player.y, b.x, b.y, b.x + b.width, b.y + b.height) <= radius) return true;
  }
  return false;
}
