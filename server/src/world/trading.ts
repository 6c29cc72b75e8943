import { t, type Identity, type Row } from '../engine';
import { meOf, notify, requirePlayer } from './actions';
import { reject } from './errors';
import { planInventory } from './inventory';
import type { Ctx, FrontierRuntime, Me } from './runtime';
import { frontierSchema, type FrontierTables } from './tables';
import { itemAmount, itemName, tiles, youHave } from './words';

type TradeRow = Row<FrontierTables['trade']>;
type TradeItemRow = Row<FrontierTables['trade_item']>;

/**
 * Codes of the notices trading leaves the parties (notice rows, not rejections): the partner
 * declined an invitation, cancelled an open trade, or the swap went through (with what each gave
 * and received).
 */
const TRADE_NOTICES = {
  TRADE_DECLINED: 'TRADE_DECLINED',
  TRADE_CANCELLED: 'TRADE_CANCELLED',
  TRADE_COMPLETE: 'TRADE_COMPLETE',
} as const;

/** "1 × Rope and 3 × Stone"-style list of a trade side's items, by their display names. */
function describeItems(ctx: Ctx, items: readonly TradeItemRow[]): string {
  if (items.length === 0) return 'nothing';
  const parts = items.map((i) => `${i.quantity} × ${itemName(ctx.db, i.itemId)}`);
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

/** Closes every open trade of a player (on disconnect). */
export function closeTradesOf(ctx: Ctx, who: Identity): void {
  const trades = [...ctx.db.trade.filter('by_a', who), ...ctx.db.trade.filter('by_b', who)];
  for (const trade of trades) deleteTrade(ctx, trade.id);
}

function deleteTrade(ctx: Ctx, id: number): void {
  for (const item of ctx.db.trade_item.filter('by_trade', id))
    ctx.db.trade_item.delete([item.tradeId, item.side, item.itemId]);
  ctx.db.trade.delete(id);
}

/**
 * Trading between two nearby players: `trade_open` invites the partner (a trade row with `bJoined`
 * false), who answers with `trade_respond` (decline closes it; any offer or acceptance of theirs
 * also counts as taking it up). `trade_offer` sets how much of an item the caller puts in (any
 * change clears both acceptances: a counter-offer), and `trade_accept` marks the caller's side; the
 * second acceptance performs the swap as one transaction, which fails with nothing changed if
 * either side no longer holds its items or cannot fit what it receives. A trade with nothing on
 * either side cannot be accepted. Declines, cancellations and completed swaps leave the other party
 * a notice ({@link TRADE_NOTICES}).
 */
export function createTradingReducers(rt: FrontierRuntime) {
  const requireNear = (ctx: Ctx, a: Me, b: Me) => {
    const radius = ctx.db.settings.find(0)!.tradeRadiusTiles;
    const d = Math.hypot(a.x - b.x, a.y - b.y);
    if (!b.online) reject('TOO_FAR', `${b.name} is offline.`, { partner: b.identity });
    if (d > radius)
      reject('TOO_FAR', `${b.name} is ${tiles(d)} away; walk within ${tiles(radius)} to trade.`, {
        partner: b.identity,
        distance: d,
      });
  };
  const requireTrade = (ctx: Ctx, id: number, who: Identity): { trade: TradeRow; side: 0 | 1 } => {
    const trade = ctx.db.trade.find(id);
    if (trade === undefined || (trade.a !== who && trade.b !== who))
      reject('UNKNOWN_TRADE', 'That trade is over: it was completed, cancelled or declined.', { trade: id });
    return { trade, side: trade.a === who ? 0 : 1 };
  };

  /** `trade_open { partner }`: rejects NOT_JOINED, SELF_TARGET, UNKNOWN_PLAYER, TOO_FAR, TRADE_EXISTS. */
  const tradeOpen = frontierSchema.reducer('trade_open', { partner: t.identity() }, (ctx, { partner }) => {
    const me = requirePlayer(ctx);
    if (partner === me.identity) reject('SELF_TARGET', 'You cannot trade with yourself.');
    const other = meOf(ctx.db, partner);
    if (other === undefined)
      reject('UNKNOWN_PLAYER', 'That player has never been in this world.', { partner });
    requireNear(ctx, me, other);
    const existing = [
      ...ctx.db.trade.filter('by_a', me.identity),
      ...ctx.db.trade.filter('by_b', me.identity),
    ].find((tr) => tr.a === partner || tr.b === partner);
    if (existing !== undefined)
      reject('TRADE_EXISTS', `You already have a trade open with ${other.name}.`, {
        trade: existing.id,
      });
    ctx.db.trade.insert({
      a: me.identity,
      b: partner,
      aAccepted: false,
      bAccepted: false,
      openedMs: ctx.now,
      bJoined: false,
    });
  });

  /**
   * `trade_respond { trade, accept }`: the invited player takes up the invitation (`accept`) or
   * declines it (the trade closes and the inviter gets a TRADE_DECLINED notice). Rejects NOT_JOINED,
   * UNKNOWN_TRADE, NOT_INVITED (the inviter answering their own invitation).
   */
  const tradeRespond = frontierSchema.reducer(
    'trade_respond',
    { trade: t.u32(), accept: t.bool() },
    (ctx, args) => {
      const me = requirePlayer(ctx);
      const { trade, side } = requireTrade(ctx, args.trade, me.identity);
      if (side === 0)
        reject('NOT_INVITED', 'Only the player you invited answers your invitation.', { trade: trade.id });
      if (!args.accept) {
        deleteTrade(ctx, trade.id);
        notify(ctx, trade.a, TRADE_NOTICES.TRADE_DECLINED, `${me.name} declined the trade.`);
        return;
      }
      if (!trade.bJoined) ctx.db.trade.update({ ...trade, bJoined: true });
    },
  );

  /**
   * `trade_offer { trade, itemId, quantity }`: sets the caller's offer of one item (0 withdraws it)
   * and clears both acceptances. Rejects NOT_JOINED, UNKNOWN_TRADE, UNKNOWN_ITEM, MISSING_ITEMS,
   * TRADE_TOO_LARGE.
   */
  const tradeOffer = frontierSchema.reducer(
    'trade_offer',
    { trade: t.u32(), itemId: t.string(), quantity: t.u32() },
    (ctx, args) => {
      const me = requirePlayer(ctx);
      const { trade, side } = requireTrade(ctx, args.trade, me.identity);
      if (!ctx.db.item_def.has(args.itemId))
        reject('UNKNOWN_ITEM', 'That item is no longer in the game.', { itemId: args.itemId });
      const have = planInventory(ctx.db, me.containerId).count(args.itemId);
      if (have < args.quantity)
        reject('MISSING_ITEMS', `${youHave(ctx.db, args.itemId, have)}, not ${args.quantity}.`, {
          itemId: args.itemId,
          have,
        });
      const key = [trade.id, side, args.itemId] as const;
      const current = ctx.db.trade_item.find(key);
      if (args.quantity === 0) {
        if (current !== undefined) ctx.db.trade_item.delete(key);
      } else if (current !== undefined) ctx.db.trade_item.update({ ...current, quantity: args.quantity });
      else {
        const kinds = ctx.db.trade_item.filter('by_trade', trade.id).filter((i) => i.side === side).length;
        if (kinds >= rt.options.maxTradeItems)
          reject(
            'TRADE_TOO_LARGE',
            `Each side of a trade holds at most ${rt.options.maxTradeItems} kinds of item; take one off first.`,
          );
        ctx.db.trade_item.insert({
          tradeId: trade.id,
          side,
          itemId: args.itemId,
          quantity: args.quantity,
          a: trade.a,
          b: trade.b,
        });
      }
      // An offer of the invited player takes up the invitation.
      const joined = trade.bJoined || side === 1;
      if (trade.aAccepted || trade.bAccepted || joined !== trade.bJoined)
        ctx.db.trade.update({ ...trade, aAccepted: false, bAccepted: false, bJoined: joined });
    },
  );

  /**
   * `trade_accept { trade }`: accepts the current offers; the second acceptance swaps the items.
   * Rejects NOT_JOINED, UNKNOWN_TRADE, TRADE_EMPTY (neither side offers anything), and on the swap
   * TOO_FAR, MISSING_ITEMS, INVENTORY_FULL (nothing changes, the acceptance included). The swap
   * leaves both parties a TRADE_COMPLETE notice saying what they gave and received.
   */
  const tradeAccept = frontierSchema.reducer('trade_accept', { trade: t.u32() }, (ctx, args) => {
    const me = requirePlayer(ctx);
    const { trade, side } = requireTrade(ctx, args.trade, me.identity);
    const items = ctx.db.trade_item.filter('by_trade', trade.id);
    if (items.length === 0)
      reject('TRADE_EMPTY', 'Nothing is on offer yet: put something in the trade before you accept.', {
        trade: trade.id,
      });
    const accepted = {
      ...trade,
      aAccepted: side === 0 ? true : trade.aAccepted,
      bAccepted: side === 1 ? true : trade.bAccepted,
      // Accepting takes up the invitation too.
      bJoined: trade.bJoined || side === 1,
    };
    if (!(accepted.aAccepted && accepted.bAccepted)) {
      ctx.db.trade.update(accepted);
      return;
    }
    const pa = meOf(ctx.db, trade.a);
    const pb = meOf(ctx.db, trade.b);
    if (pa === undefined || pb === undefined)
      reject('UNKNOWN_PLAYER', 'Your trade partner is no longer in this world.');
    requireNear(ctx, me, me.identity === pa.identity ? pb : pa);
    const planA = planInventory(ctx.db, pa.containerId);
    const planB = planInventory(ctx.db, pb.containerId);
    // Take both offers out first, then put them in: each side's room counts the slots it frees.
    for (const item of items) {
      const [from, who] = item.side === 0 ? [planA, pa] : [planB, pb];
      if (!from.remove(item.itemId, item.quantity))
        reject(
          'MISSING_ITEMS',
          `${who.identity === me.identity ? 'You no longer have' : `${who.name} no longer has`} ${itemAmount(ctx.db, item.itemId, item.quantity)}.`,
          {
            side: item.side,
            itemId: item.itemId,
          },
        );
    }
    for (const item of items) {
      const [to, who] = item.side === 0 ? [planB, pb] : [planA, pa];
      if (!to.add(ctx.db, item.itemId, item.quantity))
        reject(
          'INVENTORY_FULL',
          `${who.identity === me.identity ? 'You have' : `${who.name} has`} no room for ${itemAmount(ctx.db, item.itemId, item.quantity)}.`,
          {
            side: 1 - item.side,
            itemId: item.itemId,
          },
        );
    }
    planA.commit(ctx.db);
    planB.commit(ctx.db);
    deleteTrade(ctx, trade.id);
    const fromA = items.filter((i) => i.side === 0);
    const fromB = items.filter((i) => i.side === 1);
    notify(
      ctx,
      pa.identity,
      TRADE_NOTICES.TRADE_COMPLETE,
      `Trade with ${pb.name} complete: you gave ${describeItems(ctx, fromA)} and received ${describeItems(ctx, fromB)}.`,
    );
    notify(
      ctx,
      pb.identity,
      TRADE_NOTICES.TRADE_COMPLETE,
      `Trade with ${pa.name} complete: you gave ${describeItems(ctx, fromB)} and received ${describeItems(ctx, fromA)}.`,
    );
  });

  /**
   * `trade_cancel { trade }`: either side closes the trade; the other gets a TRADE_CANCELLED
   * notice. Rejects NOT_JOINED, UNKNOWN_TRADE.
   */
  const tradeCancel = frontierSchema.reducer('trade_cancel', { trade: t.u32() }, (ctx, args) => {
    const me = requirePlayer(ctx);
    const { trade, side } = requireTrade(ctx, args.trade, me.identity);
    deleteTrade(ctx, trade.id);
    notify(
      ctx,
      side === 0 ? trade.b : trade.a,
      TRADE_NOTICES.TRADE_CANCELLED,
      `${me.name} cancelled the trade.`,
    );
  });

  return { tradeOpen, tradeRespond, tradeOffer, tradeAccept, tradeCancel };
}
