import type { AvatarRow, FrontierCall, TradeRow } from './game-port';
import type { Situation } from './planner';
import { TRADE_RESPONSE, type TradeResponse } from './style';

/** A trade reducer call the rules chose. */
export type TradeCall = Extract<
  FrontierCall,
  { readonly reducer: 'trade_open' | 'trade_offer' | 'trade_accept' | 'trade_cancel' }
>;

/** Cancelling an own trade that has not moved for this long, ms. */
const STALE_TRADE_MS = 20_000;

/**
 * The player's answer to the trades it is part of, one call at a time: offer a spare item,
 * accept once the other side has put something in (or accepted), cancel an own trade that went
 * stale. `handled` remembers the state each trade was answered in, so an unchanged trade is not
 * answered twice. Undefined when nothing needs doing.
 */
export function tradeReply(
  s: Situation,
  response: TradeResponse,
  handled: Map<number, string>,
  nowMs: number,
): TradeCall | undefined {
  const db = s.view.db;
  const me = s.me.identity;
  for (const trade of db.trade.iter() as Iterable<TradeRow>) {
    if (trade.a !== me && trade.b !== me) continue;
    const mine = trade.a === me;
    const side = mine ? 0 : 1;
    const items = [...db.trade_item.iter()].filter((i) => i.tradeId === trade.id);
    const myItems = items.filter((i) => i.side === side);
    const theirItems = items.filter((i) => i.side !== side);
    const iAccepted = mine ? trade.aAccepted : trade.bAccepted;
    const theyAccepted = mine ? trade.bAccepted : trade.aAccepted;
    const state = `${myItems.length}/${theirItems.length}/${iAccepted}/${theyAccepted}`;
    if (handled.get(trade.id) === state) {
      if (mine && nowMs - trade.openedMs > STALE_TRADE_MS) {
        handled.delete(trade.id);
        return { reducer: 'trade_cancel', args: { trade: trade.id } };
      }
      continue;
    }
    handled.set(trade.id, state);
    if (mine) {
      if (myItems.length === 0) {
        const spare = spareItem(s);
        if (spare === undefined) return { reducer: 'trade_cancel', args: { trade: trade.id } };
        return { reducer: 'trade_offer', args: { trade: trade.id, itemId: spare, quantity: 1 } };
      }
      if ((theyAccepted || theirItems.length > 0) && !iAccepted)
        return { reducer: 'trade_accept', args: { trade: trade.id } };
      continue;
    }
    if (response === TRADE_RESPONSE.IGNORE || iAccepted) continue;
    if (response === TRADE_RESPONSE.COUNTER && myItems.length === 0) {
      const spare = spareItem(s);
      if (spare !== undefined)
        return { reducer: 'trade_offer', args: { trade: trade.id, itemId: spare, quantity: 1 } };
    }
    if (theirItems.length > 0) return { reducer: 'trade_accept', args: { trade: trade.id } };
  }
  return undefined;
}

/**
 * A trade with the nearest online player within trade reach, if the player is in no trade and has
 * something spare to offer. Undefined otherwise.
 */
export function tradeOpening(s: Situation): TradeCall | undefined {
  const db = s.view.db;
  const me = s.me;
  for (const trade of db.trade.iter())
    if (trade.a === me.identity || trade.b === me.identity) return undefined;
  if (spareItem(s) === undefined) return undefined;
  const radius = s.content.settings.tradeRadiusTiles - 1;
  let best: AvatarRow | undefined;
  let bestD = radius;
  for (const p of db.avatar.iter()) {
    if (p.identity === me.identity || !p.online) continue;
    const d = Math.hypot(p.x - me.x, p.y - me.y);
    if (d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return best === undefined ? undefined : { reducer: 'trade_open', args: { partner: best.identity } };
}

/** The most plentiful item that is not a tool, if more than one of it is held. */
function spareItem(s: Situation): string | undefined {
  let best: string | undefined;
  let most = 1;
  for (const [id, n] of s.counts) {
    const def = s.content.items.get(id);
    if (def !== undefined && def.toolKind !== '') continue;
    if (n > most) {
      most = n;
      best = id;
    }
  }
  return best;
}
