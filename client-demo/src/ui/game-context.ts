import type { ToastAction } from './toasts';
import type { AvatarRow, FrontierArgs, FrontierReducer, InventoryRow, PlayerRow } from '../world/rows';
import type { WorldView } from '../world/world-view';

/** Kinds of toast message. */
export const TOAST_KIND = { ERROR: 'error', INFO: 'info', SUCCESS: 'success' } as const;
/** One of {@link TOAST_KIND}. */
export type ToastKind = (typeof TOAST_KIND)[keyof typeof TOAST_KIND];

/** What the UI panels need from the game: the world, who we are, and a way to act. */
export interface GameContext {
  readonly view: WorldView;
  /** The local identity, once connected. */
  identity(): string | undefined;
  /** The local player's row, once joined. */
  me(): PlayerRow | undefined;
  /** The local player's entity (position, as the server last sent it), once joined. */
  avatar(): AvatarRow | undefined;
  /**
   * Calls a reducer. Resolves true when it committed; on rejection the error is shown as a
   * toast (with the reducer's message) and the promise resolves false, so panels never need a catch.
   */
  call<N extends FrontierReducer>(reducer: N, args: FrontierArgs<N>): Promise<boolean>;
  /** Shows a short message, with an optional button for the next step. */
  toast(text: string, kind?: ToastKind, code?: string, action?: ToastAction): void;
}

/** The local player's backpack stacks, by slot. */
export function backpack(ctx: GameContext): InventoryRow[] {
  const me = ctx.me();
  if (me === undefined) return [];
  return ctx.view
    .table('inventory')
    .iter()
    .filter((r) => r.containerId === me.containerId)
    .sort((a, b) => a.slot - b.slot);
}

/** Item counts in the local player's backpack. */
export function itemCounts(ctx: GameContext): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of backpack(ctx)) counts.set(r.itemId, (counts.get(r.itemId) ?? 0) + r.quantity);
  return counts;
}

/** Display name of an item id. */
export function itemName(ctx: GameContext, itemId: string): string {
  return ctx.view.table('item_def').find(itemId)?.name ?? itemId;
}
