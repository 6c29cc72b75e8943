import { t } from '../engine';
import { requirePlayer } from './actions';
import { requireAccess, requireBuilding, requireOwner, requireReach, type BuildingRow } from './building';
import { reject } from './errors';
import { planInventory } from './inventory';
import type { Ctx, Me } from './runtime';
import { frontierSchema } from './tables';
import { buildingOf, capitalised, itemAmount } from './words';

/**
 * Storage chests: `deposit` and `withdraw` move a stack (or part of one) between the caller's
 * backpack and a completed storage building within reach; the owner decides who else may use it
 * with `grant_access` (a `building_access` row per granted player). Every rejection leaves both
 * containers as they were: the move is planned on both sides before anything is written.
 */
export function createChestReducers() {
  const storageOf = (ctx: Ctx, player: Me, id: number): BuildingRow => {
    const b = requireBuilding(ctx, id);
    requireAccess(ctx, b, player);
    if (b.containerId === 0)
      reject(
        'NOT_STORAGE',
        `${capitalised(buildingOf(ctx.db, b, player.identity))} stores nothing; only storage buildings hold items.`,
        { building: id },
      );
    if (!b.complete)
      reject(
        'NOT_COMPLETE',
        `${capitalised(buildingOf(ctx.db, b, player.identity))} is still under construction; finish it first.`,
        { building: id },
      );
    requireReach(ctx, b, player);
    return b;
  };

  /** Moves `quantity` from slot `slot` of one container into another, or rejects. */
  const transfer = (ctx: Ctx, fromId: number, slot: number, quantity: number, toId: number) => {
    const from = planInventory(ctx.db, fromId);
    if (slot >= from.slots)
      reject('INVALID_SLOT', `There is no slot ${slot + 1}: this holds ${from.slots} slots.`, { slot });
    const stack = from.slot(slot);
    if (stack === undefined) reject('EMPTY_SLOT', `Slot ${slot + 1} is empty.`, { slot });
    if (!ctx.db.item_def.has(stack.itemId))
      reject(
        'UNKNOWN_ITEM',
        `'${stack.itemId}' is no longer in the content: the stack stays where it is until the item returns`,
        { itemId: stack.itemId },
      );
    if (quantity === 0 || quantity > stack.quantity)
      reject(
        'INVALID_QUANTITY',
        `That slot holds ${itemAmount(ctx.db, stack.itemId, stack.quantity)}; you cannot move ${quantity}.`,
        { slot, quantity },
      );
    const to = planInventory(ctx.db, toId);
    from.takeFromSlot(slot, quantity);
    if (!to.add(ctx.db, stack.itemId, quantity))
      reject('INVENTORY_FULL', `no room for ${itemAmount(ctx.db, stack.itemId, quantity)}`, {
        itemId: stack.itemId,
      });
    from.commit(ctx.db);
    to.commit(ctx.db);
  };

  /**
   * `deposit { building, slot, quantity }`: backpack slot -> storage. Rejects NOT_JOINED,
   * UNKNOWN_BUILDING, NO_ACCESS, NOT_STORAGE, NOT_COMPLETE, OUT_OF_REACH, INVALID_SLOT, EMPTY_SLOT,
   * UNKNOWN_ITEM, INVALID_QUANTITY, INVENTORY_FULL.
   */
  const deposit = frontierSchema.reducer(
    'deposit',
    { building: t.u32(), slot: t.u16(), quantity: t.u32() },
    (ctx, { building, slot, quantity }) => {
      const player = requirePlayer(ctx);
      const b = storageOf(ctx, player, building);
      transfer(ctx, player.containerId, slot, quantity, b.containerId);
    },
  );

  /** `withdraw { building, slot, quantity }`: storage slot -> backpack. Same rejections as `deposit`. */
  const withdraw = frontierSchema.reducer(
    'withdraw',
    { building: t.u32(), slot: t.u16(), quantity: t.u32() },
    (ctx, { building, slot, quantity }) => {
      const player = requirePlayer(ctx);
      const b = storageOf(ctx, player, building);
      transfer(ctx, b.containerId, slot, quantity, player.containerId);
    },
  );

  /**
   * `grant_access { building, identity, allowed }`: owner only; `allowed` false revokes. Rejects
   * NOT_JOINED, UNKNOWN_BUILDING, NO_ACCESS, SELF_TARGET, UNKNOWN_PLAYER.
   */
  const grantAccess = frontierSchema.reducer(
    'grant_access',
    { building: t.u32(), identity: t.identity(), allowed: t.bool() },
    (ctx, { building, identity, allowed }) => {
      const player = requirePlayer(ctx);
      const b = requireBuilding(ctx, building);
      requireOwner(ctx, b, player, 'grant access to');
      if (identity === player.identity) reject('SELF_TARGET', 'the owner always has access');
      if (!ctx.db.player.has(identity))
        reject('UNKNOWN_PLAYER', 'That player has never been in this world.', { identity });
      const has = ctx.db.building_access.has([building, identity]);
      if (allowed && !has) ctx.db.building_access.insert({ buildingId: building, identity });
      if (!allowed && has) ctx.db.building_access.delete([building, identity]);
    },
  );

  return { deposit, withdraw, grantAccess };
}
