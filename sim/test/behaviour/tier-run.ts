import { CALL_ORIGIN, type TickRecord } from '@tickspace/server/engine';
import type { Tier } from '../../src/behaviour/agent';
import { runInProcess, type InProcessOptions, type SimResult } from '../../src/runners/in-process-runner';

/** One call as the server logged it. */
export interface LoggedCall {
  readonly atMs: number;
  readonly reducer: string;
  readonly args: Record<string, unknown>;
  readonly ok: boolean;
  readonly code: string;
}

/** Items that changed hands in one completed trade. */
export interface ItemFlow {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
  readonly itemId: string;
  readonly quantity: number;
}

/** A position in tiles. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** What the server saw of a run: every client and lifecycle call by sender, and every completed trade's items. */
export interface TierRun {
  readonly result: SimResult;
  readonly calls: ReadonlyMap<string, readonly LoggedCall[]>;
  readonly flows: readonly ItemFlow[];
  /** Every avatar's position (as the server last wrote it), sampled every 10 s of logical time. */
  readonly positions: readonly { readonly atMs: number; readonly at: ReadonlyMap<string, Point> }[];
  /** Identities of a tier. */
  identities(tier: Tier): string[];
  /** Calls of one reducer (successful ones unless `failed` too) per minute of the run, per identity of a tier. */
  ratePerMinute(tier: Tier, reducer: string, okOnly?: boolean): number[];
  /** Sessions (connected to disconnected, or to the end of the run) per identity, ms. */
  sessions(
    identity: string,
  ): { readonly startMs: number; readonly endMs: number; readonly closed: boolean }[];
}

/**
 * Runs a population in process and keeps what the server logged: the tiers' tests measure each
 * tier from its actions, as the commit log has them, never from the agents' own counters.
 */
export async function runTiers(options: InProcessOptions): Promise<TierRun> {
  const calls = new Map<string, LoggedCall[]>();
  const flows: ItemFlow[] = [];
  let tradeItemTable = -1;
  let tradeTable = -1;
  let avatarTable = -1;
  const latest = new Map<string, Point>();
  const positions: { atMs: number; at: ReadonlyMap<string, Point> }[] = [];
  const onTick = (r: TickRecord) => {
    for (const ch of r.changes)
      if (ch.tableId === avatarTable && ch.newRow !== undefined) {
        const row = ch.newRow as { identity: string; x: number; y: number };
        latest.set(row.identity, { x: row.x, y: row.y });
      }
    if (r.now % 10_000 === 0) positions.push({ atMs: r.now, at: new Map(latest) });
    for (const c of r.calls) {
      if (c.origin === CALL_ORIGIN.SCHEDULE) continue;
      let list = calls.get(c.sender);
      if (list === undefined) calls.set(c.sender, (list = []));
      list.push({
        atMs: r.now,
        reducer: c.reducer,
        args: c.args,
        ok: c.result.ok,
        code: c.result.ok ? '' : c.result.code,
      });
    }
    // A completed swap deletes the trade and its items in the accepting call.
    for (let i = 0; i < r.calls.length; i++) {
      const c = r.calls[i]!;
      if (c.reducer !== 'trade_accept' || !c.result.ok) continue;
      const mine = r.changes.filter((ch) => ch.callIndex === i);
      if (!mine.some((ch) => ch.tableId === tradeTable && ch.newRow === undefined)) continue;
      for (const ch of mine) {
        if (ch.tableId !== tradeItemTable || ch.newRow !== undefined || ch.oldRow === undefined) continue;
        const row = ch.oldRow as { side: number; itemId: string; quantity: number; a: string; b: string };
        flows.push({
          atMs: r.now,
          from: row.side === 0 ? row.a : row.b,
          to: row.side === 0 ? row.b : row.a,
          itemId: row.itemId,
          quantity: row.quantity,
        });
      }
    }
  };
  const result = await runInProcess({
    ...options,
    onEngine: (engine, hub) => {
      tradeItemTable = engine.tableList.findIndex((t) => t.name === 'trade_item');
      tradeTable = engine.tableList.findIndex((t) => t.name === 'trade');
      avatarTable = engine.tableList.findIndex((t) => t.name === 'avatar');
      options.onEngine?.(engine, hub);
    },
    onTick: (r) => {
      onTick(r);
      options.onTick?.(r);
    },
  });
  const minutes = result.virtualMs / 60_000;
  const identities = (tier: Tier) =>
    result.members.filter((m) => m.agent.tier === tier).map((m) => m.identity);
  return {
    result,
    calls,
    flows,
    positions,
    identities,
    ratePerMinute: (tier, reducer, okOnly = true) =>
      identities(tier).map(
        (id) =>
          (calls.get(id) ?? []).filter((c) => c.reducer === reducer && (c.ok || !okOnly)).length / minutes,
      ),
    sessions: (identity) => {
      const out: { startMs: number; endMs: number; closed: boolean }[] = [];
      let start = Number.NaN;
      for (const c of calls.get(identity) ?? []) {
        if (c.reducer === '__connected') start = c.atMs;
        if (c.reducer === '__disconnected' && !Number.isNaN(start)) {
          out.push({ startMs: start, endMs: c.atMs, closed: true });
          start = Number.NaN;
        }
      }
      if (!Number.isNaN(start)) out.push({ startMs: start, endMs: result.virtualMs, closed: false });
      return out;
    },
  };
}

/** The q-quantile of values (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))] ?? Number.NaN;
}

/** Median. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
