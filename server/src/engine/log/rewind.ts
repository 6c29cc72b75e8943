import { TickspaceError } from '../../protocol/errors';
import type { AnyRow } from '../change-set';
import type { Engine } from '../engine';
import type { ModuleDef } from '../module';
import { SCHEDULE_TABLE } from '../system-tables';
import type { TableStore } from '../table-store';

/** The name under which a rewind is logged (a system call: replay re-applies its changes). */
export const REWIND_CALL = '__rewind';

/** Counts of what one rewind wrote. */
export interface RewindStats {
  inserted: number;
  updated: number;
  deleted: number;
}

function valueEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return false;
}

/** Whether two rows of one table hold the same values (bit-exact for floats: -0 differs from 0). */
function rowsEqual(store: TableStore, a: AnyRow, b: AnyRow): boolean {
  const names = store.columnNames;
  for (let i = 0; i < names.length; i++) if (!valueEqual(a[names[i]!], b[names[i]!])) return false;
  return true;
}

/**
 * Writes, inside the running transaction, the inserts, updates and deletes that turn every table
 * of `live` into its contents in `past`. Scheduled calls are shifted by `shiftTicks` so each keeps
 * the delay it had left at the past tick instead of firing at once.
 *
 * Updates that would collide on a unique column with a row not yet rewritten are done as a
 * delete followed by a final insert, once every conflicting row has its past value.
 */
export function writeRewind(
  live: Engine<ModuleDef>,
  past: Engine<ModuleDef>,
  shiftTicks: number,
): RewindStats {
  const stats: RewindStats = { inserted: 0, updated: 0, deleted: 0 };
  const targets: AnyRow[][] = past.tableList.map((store) => {
    const rows = store.rowsView();
    if (store.name !== SCHEDULE_TABLE || shiftTicks === 0) return rows.slice();
    const shiftMs = shiftTicks * live.tickMs;
    return rows.map((r) => ({
      ...r,
      atMs: (r.atMs as number) + shiftMs,
      dueTick: (r.dueTick as number) + shiftTicks,
    }));
  });
  for (const store of live.tableList) {
    const pastStore = past.tableList[store.id]!;
    for (const row of store.iter()) {
      const key = store.keyOf(row);
      if (!pastStore.has(key)) {
        store.delete(key);
        stats.deleted++;
      }
    }
  }
  const inserts: [TableStore, AnyRow][] = [];
  for (const store of live.tableList) {
    for (const row of targets[store.id]!) {
      const current = store.find(store.keyOf(row));
      if (current === undefined) inserts.push([store, row]);
      else if (!rowsEqual(store, current, row)) {
        try {
          store.update(row as Record<string, unknown>);
          stats.updated++;
        } catch (error) {
          if (!(error instanceof TickspaceError) || error.code !== 'UNIQUE_VIOLATION') throw error;
          store.delete(store.keyOf(row));
          stats.deleted++;
          inserts.push([store, row]);
        }
      }
    }
  }
  for (const [store, row] of inserts) {
    store.insert(row as Record<string, unknown>);
    stats.inserted++;
  }
  return stats;
}
