import { TickspaceError } from '../protocol/errors';
import type { AnyRow } from './change-set';
import type { TableStore } from './table-store';

/** A table's contents as stored (a snapshot or a rebuilt state): its rows in order and its counter. */
export interface StoredTable {
  readonly rows: readonly AnyRow[];
  readonly autoInc: number;
}

/** A logged row change, as recovery and time travel re-apply it. */
export interface LoggedChange {
  tableId: number;
  kind: number;
  oldRow: AnyRow | undefined;
  newRow: AnyRow | undefined;
}

/**
 * Empties every table, then fills the named ones with their stored rows, in order (iteration order
 * after a restore equals the order when the rows were read).
 * @throws TickspaceError UNKNOWN_TABLE for a name no table has
 */
export function refillTables(
  tables: Readonly<Record<string, TableStore>>,
  tableList: readonly TableStore[],
  stored: Record<string, StoredTable>,
): void {
  for (const store of tableList) store.rawClear();
  for (const [name, data] of Object.entries(stored)) {
    const store = Object.hasOwn(tables, name) ? tables[name] : undefined;
    if (store === undefined)
      throw new TickspaceError('UNKNOWN_TABLE', `restore: unknown table '${name}'`, {
        details: { table: name },
      });
    for (const row of data.rows) store.rawInsert(row);
    store.autoInc = data.autoInc;
  }
}

/** Re-applies logged changes in order, without running reducers. */
export function redoChanges(tableList: readonly TableStore[], changes: readonly LoggedChange[]): void {
  for (const op of changes) tableList[op.tableId]!.redo(op);
}
