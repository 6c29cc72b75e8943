import { CALL_ORIGIN } from '@tickspace/server/engine';
/**
 * Economy and call counters from tick records, server side (the in-process runner and the
 * detector's offline path both have them): calls by reducer, errors by code, and what the world
 * produced (items gathered, crafted, buildings completed).
 */

/** The parts of a tick record (live or logged) these counters read. */
export interface TickLike {
  readonly tick: number;
  readonly now: number;
  readonly calls: readonly {
    readonly origin: number;
    readonly reducer: string;
    readonly sender: string;
    readonly args?: Record<string, unknown> | undefined;
    readonly result: { readonly ok: boolean; readonly code?: string };
  }[];
  readonly changes: readonly {
    readonly tableId: number;
    readonly kind: number;
    readonly callIndex: number;
    readonly oldRow: Record<string, unknown> | undefined;
    readonly newRow: Record<string, unknown> | undefined;
  }[];
}

/** Totals of a run. */
export interface WorldTotals {
  ticks: number;
  /** Client calls by reducer. */
  readonly calls: Record<string, number>;
  /** Failed client calls by error code. */
  readonly errors: Record<string, number>;
  /** Successful gathers and the items they yielded. */
  gathers: number;
  itemsGathered: number;
  /** Successful crafts and the items they produced. */
  crafts: number;
  itemsCrafted: number;
  /** Buildings placed and completed. */
  placed: number;
  built: number;
  /** Chat messages and completed trades. */
  chats: number;
  trades: number;
}

/** Counts calls, errors and economy figures from tick records. */
export class WorldStats {
  readonly totals: WorldTotals = {
    ticks: 0,
    calls: {},
    errors: {},
    gathers: 0,
    itemsGathered: 0,
    crafts: 0,
    itemsCrafted: 0,
    placed: 0,
    built: 0,
    chats: 0,
    trades: 0,
  };
  readonly #ids: Record<string, number>;

  /** @param tableNames table names by table id (the engine's `tableList` order). */
  constructor(tableNames: readonly string[]) {
    this.#ids = Object.fromEntries(tableNames.map((n, i) => [n, i]));
  }

  /** Adds one tick. */
  ingest(record: TickLike): void {
    const t = this.totals;
    t.ticks++;
    for (const call of record.calls) {
      if (call.origin !== CALL_ORIGIN.CLIENT) continue;
      t.calls[call.reducer] = (t.calls[call.reducer] ?? 0) + 1;
      if (!call.result.ok) {
        const code = call.result.code ?? 'UNKNOWN';
        t.errors[code] = (t.errors[code] ?? 0) + 1;
      } else if (call.reducer === 'say') t.chats++;
      else if (call.reducer === 'place_building') t.placed++;
    }
    const node = this.#ids['resource_node'];
    const inventory = this.#ids['inventory'];
    const building = this.#ids['building'];
    const trade = this.#ids['trade'];
    let lastCall = -1;
    let lastKind = '';
    for (const ch of record.changes) {
      const call = record.calls[ch.callIndex];
      if (call === undefined) continue;
      if (
        ch.tableId === node &&
        call.reducer === 'gather_finish' &&
        ch.kind !== 0 &&
        ch.callIndex !== lastCall
      ) {
        t.gathers++;
        lastCall = ch.callIndex;
        lastKind = 'gather';
      }
      if (ch.tableId === inventory && (call.reducer === 'craft_finish' || call.reducer === 'craft')) {
        if (ch.callIndex !== lastCall || lastKind !== 'craft') {
          t.crafts++;
          lastCall = ch.callIndex;
          lastKind = 'craft';
        }
      }
      if (ch.tableId === inventory && call.reducer === 'gather_finish') t.itemsGathered += gained(ch);
      if (ch.tableId === inventory && (call.reducer === 'craft_finish' || call.reducer === 'craft'))
        t.itemsCrafted += Math.max(0, gained(ch));
      if (ch.tableId === building && ch.newRow?.complete === true && ch.oldRow?.complete !== true) t.built++;
      if (ch.tableId === trade && ch.kind === 2 && call.reducer === 'trade_accept') t.trades++;
    }
  }
}

/** Quantity an inventory change added (negative if it removed). */
function gained(ch: TickLike['changes'][number]): number {
  const before = (ch.oldRow?.quantity as number | undefined) ?? 0;
  const after = (ch.newRow?.quantity as number | undefined) ?? 0;
  return after - before;
}
