import { CALL_ORIGIN } from '@tickspace/server/engine';
import type { TickLike } from '../runners/world-stats';
import { STREAM_EVENT, type StreamSet } from './action-stream';

/** Options of {@link FrontierEventSource}. */
export interface FrontierEventOptions {
  /** A moving player's position is sampled at most this often, ms. @default 500 */
  readonly positionEveryMs?: number;
  /** Reducer names that are lifecycle calls, logged by the engine. @default '__connected' / '__disconnected' */
  readonly connectedName?: string;
  readonly disconnectedName?: string;
}

interface Tracked {
  x: number;
  y: number;
  sampledMs: number;
}

/**
 * Turns Frontier tick records (live from `engine.onTick`, or decoded from the commit log) into
 * per-identity action streams: client calls with the caller's position, direction or partner;
 * session marks from the lifecycle calls; sampled positions of moving players; and the updates
 * each player received that invite a reaction (its action ended, a trade it is in changed, a notice).
 * Knows Frontier's table and reducer names; the features themselves do not.
 */
export class FrontierEventSource {
  readonly streams: StreamSet;
  readonly #avatar: number;
  readonly #action: number;
  readonly #trade: number;
  readonly #tradeItem: number;
  readonly #notice: number;
  readonly #positionEveryMs: number;
  readonly #connected: string;
  readonly #disconnected: string;
  readonly #pos = new Map<string, Tracked>();
  /** trade id -> [a, b] */
  readonly #trades = new Map<number, [string, string]>();
  /** trade id -> item units on offer by side a and side b (for the item flow of a completed swap) */
  readonly #offers = new Map<number, Map<string, number>>();

  /** @param tableNames table names by table id (the engine's `tableList` order, or the log schema's). */
  constructor(streams: StreamSet, tableNames: readonly string[], options: FrontierEventOptions = {}) {
    this.streams = streams;
    const ids: Record<string, number> = Object.fromEntries(tableNames.map((n, i) => [n, i]));
    this.#avatar = ids['avatar'] ?? ids['player'] ?? -1;
    this.#action = ids['action'] ?? -1;
    this.#trade = ids['trade'] ?? -1;
    this.#tradeItem = ids['trade_item'] ?? -1;
    this.#notice = ids['notice'] ?? -1;
    this.#positionEveryMs = options.positionEveryMs ?? 500;
    this.#connected = options.connectedName ?? '__connected';
    this.#disconnected = options.disconnectedName ?? '__disconnected';
  }

  /**
   * Adds one tick's calls and changes. Ticks must come in order. Each call is followed by the
   * changes it made, so events keep the order in which they happened within the tick.
   */
  ingest(record: TickLike): void {
    const changes = record.changes;
    let c = 0;
    for (let i = 0; i < record.calls.length; i++) {
      // Changes belong to calls in order; any before this call (none expected) are flushed first.
      while (c < changes.length && changes[c]!.callIndex < i) this.#change(record, changes[c++]!);
      this.#call(record.now, record.calls[i]!);
      while (c < changes.length && changes[c]!.callIndex === i) this.#change(record, changes[c++]!);
    }
    while (c < changes.length) this.#change(record, changes[c++]!);
  }

  #call(t: number, call: TickLike['calls'][number]): void {
    const streams = this.streams;
    const who = call.sender;
    if (call.origin === CALL_ORIGIN.LIFECYCLE) {
      if (call.reducer === this.#connected)
        streams.push(who, { type: STREAM_EVENT.SESSION_START, timeMs: t });
      else if (call.reducer === this.#disconnected)
        streams.push(who, { type: STREAM_EVENT.SESSION_END, timeMs: t });
      return;
    }
    if (call.origin !== CALL_ORIGIN.CLIENT) return;
    const p = this.#pos.get(who);
    const args = call.args ?? {};
    let dx = Number.NaN;
    let dy = Number.NaN;
    let partner: string | undefined;
    if (call.reducer === 'move') {
      dx = Number(args.dx);
      dy = Number(args.dy);
    } else if (call.reducer === 'walk_to' && p !== undefined) {
      // A click-to-walk steers as a held key does: its heading is from where the caller stands to
      // the point (unknown before the first position, like the call's x and y).
      const ex = Number(args.x) - p.x;
      const ey = Number(args.y) - p.y;
      const len = Math.hypot(ex, ey);
      dx = len > 0 ? ex / len : 0;
      dy = len > 0 ? ey / len : 0;
    } else if (call.reducer === 'trade_open') partner = args.partner as string;
    else if (call.reducer.startsWith('trade_')) {
      const pair = this.#trades.get(Number(args.trade));
      if (pair !== undefined) partner = pair[0] === who ? pair[1] : pair[0];
    }
    streams.push(who, {
      type: STREAM_EVENT.CALL,
      timeMs: t,
      name: call.reducer,
      ok: call.result.ok,
      x: p?.x ?? Number.NaN,
      y: p?.y ?? Number.NaN,
      dx,
      dy,
      ...(partner !== undefined ? { partner } : {}),
    });
  }

  #change(record: TickLike, ch: TickLike['changes'][number]): void {
    const t = record.now;
    const streams = this.streams;
    const row = ch.newRow ?? ch.oldRow;
    if (row === undefined) return;
    if (ch.tableId === this.#avatar) {
      const who = row.identity as string;
      const x = row.x as number;
      const y = row.y as number;
      let p = this.#pos.get(who);
      if (p === undefined) {
        const from = ch.oldRow ?? row;
        this.#pos.set(
          who,
          (p = { x: from.x as number, y: from.y as number, sampledMs: Number.NEGATIVE_INFINITY }),
        );
      }
      const moved = p.x !== x || p.y !== y;
      p.x = x;
      p.y = y;
      if (moved && t - p.sampledMs >= this.#positionEveryMs) {
        p.sampledMs = t;
        streams.push(who, { type: STREAM_EVENT.POSITION, timeMs: t, x, y });
      }
    } else if (ch.tableId === this.#action && ch.kind === 2) {
      streams.push(row.owner as string, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'action_end' });
    } else if (ch.tableId === this.#tradeItem) {
      const id = row.tradeId as number;
      const call = record.calls[ch.callIndex];
      // A swap deletes the offers before the trade row: keep them until the trade row goes.
      if (ch.kind === 2 && call?.reducer === 'trade_accept') return;
      let offers = this.#offers.get(id);
      if (offers === undefined) this.#offers.set(id, (offers = new Map()));
      const key = `${String(row.side)}/${String(row.itemId)}`;
      if (ch.kind === 2) offers.delete(key);
      else offers.set(key, Number(row.quantity));
    } else if (ch.tableId === this.#trade) {
      const id = row.id as number;
      const a = row.a as string;
      const b = row.b as string;
      if (ch.kind === 2) {
        this.#trades.delete(id);
        const offers = this.#offers.get(id);
        this.#offers.delete(id);
        // Only the second acceptance deletes a trade inside trade_accept: the swap went through.
        if (record.calls[ch.callIndex]?.reducer === 'trade_accept' && offers !== undefined) {
          let fromA = 0;
          let fromB = 0;
          for (const [key, q] of offers)
            if (key.startsWith('0/')) fromA += q;
            else fromB += q;
          streams.push(a, { type: STREAM_EVENT.TRADE, timeMs: t, partner: b, given: fromA, received: fromB });
          streams.push(b, { type: STREAM_EVENT.TRADE, timeMs: t, partner: a, given: fromB, received: fromA });
        }
      } else this.#trades.set(id, [a, b]);
      // The party that did not cause the change is the one it invites to react.
      const caller = record.calls[ch.callIndex]?.sender;
      if (caller !== a) streams.push(a, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'trade' });
      if (caller !== b) streams.push(b, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'trade' });
    } else if (ch.tableId === this.#notice && ch.kind === 0) {
      streams.push(row.owner as string, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'notice' });
    }
  }
}
