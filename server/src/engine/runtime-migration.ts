import { TickspaceError } from '../protocol/errors';
import type { AnyRow } from './change-set';
import type { ModuleDef } from './module';
import { SCHEDULE_TABLE, scheduleTable } from './system-tables';
import type { TableDef } from './schema';
import { TableStore, type StoreContext } from './table-store';

/** The name under which a migration is logged (a system call: replay re-applies its changes). */
export const MIGRATE_CALL = '__migrate';

/**
 * What a publish that changes the schema does at its tick boundary. The engine knows no data
 * directory: the caller (the database) plans, converts and dry-runs in `prepare`, and records the
 * new schema version where the log's readers find it, before the tick's record is written.
 */
export interface BoundaryMigration {
  /**
   * Runs at the tick boundary, before anything changes, against the state of the last tick.
   * Throwing refuses the publish: the old module and tables stay. Undefined: the schema is the
   * running one after all (a plain swap).
   */
  prepare(): PreparedBoundaryMigration | undefined;
}

/** A migration ready to run as the boundary tick's `__migrate` call. */
export interface PreparedBoundaryMigration {
  /** Kept tables whose rows are cleared at the boundary and re-inserted by `insert`. */
  readonly reshaped: readonly string[];
  /** The `__migrate` call's logged payload. */
  readonly payload: Record<string, unknown>;
  /** The `__migrate` call's body: inserts the converted rows into the new tables. */
  insert(): void;
}

/**
 * The table stores of a module: its tables in declaration order, then the system tables.
 * @throws TickspaceError INVALID_SCHEMA for a table name the engine reserves
 */
export function buildTableStores(module: ModuleDef, store: StoreContext): TableStore[] {
  const defs: [string, TableDef][] = Object.entries(module.tables);
  for (const [name] of defs)
    if (name.startsWith('__'))
      throw new TickspaceError(
        'INVALID_SCHEMA',
        `table name '${name}' is reserved: names starting with '__' belong to the engine`,
      );
  defs.push([SCHEDULE_TABLE, scheduleTable]);
  return defs.map(([name, def], id) => new TableStore(id, name, def, store));
}

/**
 * Moves the rows of `old` into `next` at a migration boundary, the way `carryTables` does for
 * start-up, replay and the log's readers: kept tables keep their rows and auto-increment counter,
 * reshaped ones keep the counter only (the `__migrate` call re-inserts their rows), new ones start
 * empty, dropped ones go. The old stores are cleared so the state hash no longer counts their rows.
 */
export function carryStores(
  old: readonly TableStore[],
  next: readonly TableStore[],
  reshaped: readonly string[],
): void {
  const byName = new Map(old.map((s) => [s.name, s]));
  const cleared = new Set(reshaped);
  const kept = new Map<string, { rows: readonly AnyRow[]; autoInc: number }>();
  for (const s of old) kept.set(s.name, { rows: s.rowsView().slice(), autoInc: s.autoInc });
  for (const s of old) s.rawClear();
  for (const s of next) {
    const prev = byName.has(s.name) ? kept.get(s.name) : undefined;
    if (prev === undefined) continue;
    if (!cleared.has(s.name)) for (const row of prev.rows) s.rawInsert(row);
    s.autoInc = prev.autoInc;
  }
}
