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
  readonly #ids: Record<string, number>;
  readonly #positionEveryMs: number;
  readonly #connected: string;
  readonly #disconnected: string;
  readonly #pos = new Map<string, Tracked>();
  /** trade id -> [a, b] */
  readonly #trades = new Map<number, [string, string]>();

  /** @param tableNames table names by table id (the engine's `tableList` order, or the log schema's). */
  constructor(streams: StreamSet, tableNames: readonly string[], options: FrontierEventOptions = {}) {
    this.streams = streams;
    this.#ids = Object.fromEntries(tableNames.map((n, i) => [n, i]));
    this.#positionEveryMs = options.positionEveryMs ?? 500;
    this.#connected = options.connectedName ?? '__connected';
    this.#disconnected = options.disconnectedName ?? '__disconnected';
  }

  /** Adds one tick's calls and changes. Ticks must come in order. */
  ingest(record: TickLike): void {
    const t = record.now;
    const streams = this.streams;
    for (const call of record.calls) {
      const who = call.sender;
      if (call.origin === 2) {
        if (call.reducer === this.#connected) streams.push(who, { type: STREAM_EVENT.SESSION_START, timeMs: t });
        else if (call.reducer === this.#disconnected) streams.push(who, { type: STREAM_EVENT.SESSION_END, timeMs: t });
        continue;
      }
      if (call.origin !== 0) continue;
      const p = this.#pos.get(who);
      const args = call.args ?? {};
      let dx = Number.NaN;
      let dy = Number.NaN;
      let partner: string | undefined;
      if (call.reducer === 'move') {
        dx = Number(args.dx);
        dy = Number(args.dy);
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
    const avatar = this.#ids['avatar'] ?? this.#ids['player'];
    const action = this.#ids['action'];
    const trade = this.#ids['trade'];
    const notice = this.#ids['notice'];
    for (const ch of record.changes) {
      const row = ch.newRow ?? ch.oldRow;
      if (row === undefined) continue;
      if (ch.tableId === avatar) {
        const who = row.identity as string;
        const x = row.x as number;
        const y = row.y as number;
        let p = this.#pos.get(who);
        if (p === undefined) this.#pos.set(who, (p = { x, y, sampledMs: Number.NEGATIVE_INFINITY }));
        const moved = p.x !== x || p.y !== y;
        p.x = x;
        p.y = y;
        if (moved && t - p.sampledMs >= this.#positionEveryMs) {
          p.sampledMs = t;
          streams.push(who, { type: STREAM_EVENT.POSITION, timeMs: t, x, y });
        }
      } else if (ch.tableId === action && ch.kind === 2) {
        streams.push(row.owner as string, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'action_end' });
      } else if (ch.tableId === trade) {
        const id = row.id as number;
        const a = row.a as string;
        const b = row.b as string;
        if (ch.kind === 2) this.#trades.delete(id);
        else this.#trades.set(id, [a, b]);
        // The party that did not cause the change is the one it invites to react.
        const caller = record.calls[ch.callIndex]?.sender;
        if (caller !== a) streams.push(a, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'trade' });
        if (caller !== b) streams.push(b, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'trade' });
      } else if (ch.tableId === notice && ch.kind === 0) {
        streams.push(row.owner as string, { type: STREAM_EVENT.UPDATE, timeMs: t, name: 'notice' });
      }
    }
  }
}
