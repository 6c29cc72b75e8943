import { t, type Identity } from '../engine';
import { requirePlayer } from './actions';
import { reject } from './errors';
import { planInventory } from './inventory';
import type { Ctx, FrontierRuntime } from './runtime';
import { frontierSchema } from './tables';

/**
 * How long an action of `durationMs` takes for `owner` right now: shorter by `wellFedSpeedup`
 * while they are well fed (the food they ate has not worn off), never under 1 ms.
 */
export function fedDurationMs(ctx: Ctx, rt: FrontierRuntime, owner: Identity, durationMs: number): number {
  const fed = ctx.db.satiety.find(owner);
  if (fed === undefined || fed.fedUntilMs <= ctx.now) return durationMs;
  return Math.max(1, Math.round(durationMs * (1 - rt.options.wellFedSpeedup)));
}

/**
 * Food: `eat { slot }` consumes one item of a food stack from the backpack and leaves the player
 * well fed for the item's `wellFedMs` more (added to what is left of the last meal), up to
 * `maxWellFedMs` ahead. While well fed, gathering, crafting and construction steps take
 * `wellFedSpeedup` less time ({@link fedDurationMs}); hunger blocks nothing, it only slows.
 */
export function createEatingReducers(rt: FrontierRuntime) {
  /** `eat { slot }`: rejects NOT_JOINED, INVALID_SLOT, EMPTY_SLOT, UNKNOWN_ITEM, NOT_FOOD, TOO_FULL. */
  const eat = frontierSchema.reducer('eat', { slot: t.u16() }, (ctx, { slot }) => {
    const player = requirePlayer(ctx);
    const plan = planInventory(ctx.db, player.containerId);
    if (slot >= plan.slots)
      reject('INVALID_SLOT', `slot ${slot} is outside the backpack's ${plan.slots} slots`, { slot });
    const stack = plan.slot(slot);
    if (stack === undefined) reject('EMPTY_SLOT', `slot ${slot} is empty`, { slot });
    const def = ctx.db.item_def.find(stack.itemId);
    if (def === undefined)
      reject('UNKNOWN_ITEM', `'${stack.itemId}' is no longer in the content`, { itemId: stack.itemId });
    if (def.wellFedMs === 0)
      reject('NOT_FOOD', `${def.name} is not something you can eat`, { itemId: def.id });
    const fed = ctx.db.satiety.find(player.identity);
    const from = Math.max(ctx.now, fed?.fedUntilMs ?? 0);
    const until = from + def.wellFedMs;
    const max = rt.options.maxWellFedMs;
    if (until - ctx.now > max)
      reject(
        'TOO_FULL',
        `too full to eat ${def.name}: well fed for ${Math.round((from - ctx.now) / 1000)} s more, and a meal may last at most ${Math.round(max / 1000)} s ahead`,
        { itemId: def.id, fedForMs: from - ctx.now, maxWellFedMs: max },
      );
    plan.takeFromSlot(slot, 1);
    plan.commit(ctx.db);
    if (fed === undefined) ctx.db.satiety.insert({ owner: player.identity, fedUntilMs: until });
    else ctx.db.satiety.update({ ...fed, fedUntilMs: until });
  });

  return { eat };
}
