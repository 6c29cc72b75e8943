import { TickspaceError } from '../protocol/errors';
import { openForCli } from './common';

/**
 * Refuses a rewind of a region (a data directory whose schema has the regions kit's `ts_outbox`)
 * to before its last handoff: set back there, the region would hold again a player who has since
 * left (the other region holds them too: two owners), or lose one who arrived, with their items;
 * and its applied-id set would forget handoffs the senders have already deleted from their
 * outboxes. A region's history before a handoff stays readable (`asOf`, `history`, `replay`).
 * @throws TickspaceError INVALID_ARGUMENT naming the last handoff's tick and reducer.
 */
export async function refuseRewindPastHandoff(dir: string, target: number): Promise<void> {
  const db = await openForCli(dir, { readOnly: true });
  try {
    if (!db.manifest.schema.tables.some((t) => t.name === 'ts_outbox')) return;
    let last: { tick: number; reducer: string } | undefined;
    for (const tick of db.ticks(Math.max(target + 1, db.store.firstTick), db.store.lastTick, {
      changes: false,
    }))
      for (const call of tick.calls)
        if (call.reducer.startsWith('handoff_')) last = { tick: tick.tick, reducer: call.reducer };
    if (last !== undefined)
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `rewind ${target}: ${dir} is a region, and it took part in a handoff after that tick (${last.reducer} at tick ${last.tick}); a rewind to before it would give a player two owners or none. Rewind to tick ${last.tick} or later`,
        { details: { target, handoffTick: last.tick, reducer: last.reducer } },
      );
  } finally {
    await db.close();
  }
}
