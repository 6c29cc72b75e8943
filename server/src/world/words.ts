import type { ReadonlyDb } from '../engine';
import type { FrontierTables } from './tables';

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
