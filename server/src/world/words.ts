import { SERVER_IDENTITY, type Identity, type ReadonlyDb } from '../engine';
import { withArticle } from './articles';
import type { FrontierTables } from './tables';

export { article, withArticle } from './articles';

/**
 * Words for the server's own messages, which every client may show (ours rebuilds sentences from
 * the code and the content; a bot, a CLI or another client shows the message as it is): items by
 * their display names, times as durations from now. The ids stay in each error's `details`.
 */

/** An item's display name; its id when the content no longer has it. */
export function itemName(db: ReadonlyDb<FrontierTables>, itemId: string): string {
  return db.item_def.find(itemId)?.name ?? itemId;
}

/** "3 Stone": a quantity and the item's display name. */
export function itemAmount(db: ReadonlyDb<FrontierTables>, itemId: string, quantity: number): string {
  return `${quantity} ${itemName(db, itemId)}`;
}

/** A building kind's display name ("Storage Chest"); its id when the content no longer has it. */
export function buildingName(db: ReadonlyDb<FrontierTables>, kind: string): string {
  return db.building_def.find(kind)?.name ?? kind;
}

/** A resource kind's display name ("Oak Tree"); its id when the content no longer has it. */
export function resourceName(db: ReadonlyDb<FrontierTables>, resourceId: string): string {
  return db.resource_def.find(resourceId)?.name ?? resourceId;
}

/**
 * A placed building as the player `viewer` reads it: "your Storage Chest", "Alice's Storage
 * Chest", "the town's Market Hall" (the server owns what town projects raise), or "a Storage
 * Chest" when the owner has no profile.
 */
export function buildingOf(
  db: ReadonlyDb<FrontierTables>,
  building: { buildingId: string; owner: Identity },
  viewer: Identity,
): string {
  const name = buildingName(db, building.buildingId);
  if (building.owner === viewer) return `your ${name}`;
  if (building.owner === SERVER_IDENTITY) return `the town's ${name}`;
  const owner = db.player.find(building.owner)?.name;
  return owner === undefined ? withArticle(name) : `${owner}'s ${name}`;
}

/** "1 tile", "4.2 tiles": a distance in tiles to one decimal, as players read it. */
export function tiles(distance: number): string {
  const d = Math.round(distance * 10) / 10;
  return d === 1 ? '1 tile' : `${d} tiles`;
}

/** The sentence form of a phrase: its first letter capitalised. */
export function capitalised(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

/** "You have 2 Stone" or "You have no Stone": what the caller holds of an item. */
export function youHave(db: ReadonlyDb<FrontierTables>, itemId: string, quantity: number): string {
  return quantity === 0
    ? `You have no ${itemName(db, itemId)}`
    : `You have ${itemAmount(db, itemId, quantity)}`;
}

/** "in 2.5 s", "in 1 min 5 s": how long from `nowMs` until `atMs` (never negative). */
export function inDuration(atMs: number, nowMs: number): string {
  return `in ${duration(Math.max(0, atMs - nowMs))}`;
}

/** "2.5 s", "40 s", "1 min 5 s": a duration for people. */
export function duration(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}
