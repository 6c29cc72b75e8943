import { TickspaceError } from '../protocol/errors';
import type { AnyRow } from './change-set';
import type { ModuleDef } from './module';
import { SCHEDULE_TABLE, scheduleTable } from './system-tables';
import type { TableDef } from './schema';
import type { StoreContext } from './store-context';
import { TableStore } from './table-store';

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
  /**
   * The tables the plan made at publish time reshapes (the boundary plans again, against the same
   * base unless another version was recorded in between): what a warm hook must not read.
   */
  readonly reshaped?: readonly string[];
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
  return tableDefs(module).map(([name, def], id) => new TableStore(id, name, def, store));
}

/**
 * A migration boundary's table stores for `module`, carrying the rows of `old` (see carryStores).
 * A table kept with its id, its layout (see TableStore.sameLayout) and its rows keeps its store
 * itself, handed the new declaration: nothing is rebuilt or moved, and the code that reads it stays
 * as optimised as before the boundary (new stores, with newly compiled row codecs, made the ticks
 * after a migration slow too). The others get new stores: those of `prebuilt` (empty stores of
 * `module` built when the publish was accepted, see prepareSwap) where it has one for that table,
 * so that the boundary compiles no row codec.
 * @throws TickspaceError INVALID_SCHEMA for a table name the engine reserves
 */
export function migrateTableStores(
  module: ModuleDef,
  store: StoreContext,
  old: readonly TableStore[],
  reshaped: readonly string[],
  prebuilt: readonly TableStore[] = [],
): TableStore[] {
  const cleared = new Set(reshaped);
  const next = tableDefs(module).map(([name, def], id) => {
    const prev = old[id];
    if (prev !== undefined && prev.name === name && !cleared.has(name) && prev.sameLayout(def)) {
      prev.redefine(def);
      return prev;
    }
    const ready = prebuilt[id];
    if (ready !== undefined && ready.name === name && ready.def === def && ready.count() === 0) return ready;
    return new TableStore(id, name, def, store);
  });
  carryStores(old, next, reshaped);
  return next;
}

/** A module's tables in declaration order, then the system tables. */
function tableDefs(module: ModuleDef): [string, TableDef][] {
  const defs: [string, TableDef][] = Object.entries(module.tables);
  for (const [name] of defs)
    if (name.startsWith('__'))
      throw new TickspaceError(
        'INVALID_SCHEMA',
        `table name '${name}' is reserved: names starting with '__' belong to the engine`,
      );
  defs.push([SCHEDULE_TABLE, scheduleTable]);
  return defs;
}

/**
 * Moves the rows of `old` into `next` at a migration boundary, the way `carryTables` does for
 * start-up, replay and the log's readers: kept tables keep their rows and auto-increment counter,
 * reshaped ones keep the counter only (the `__migrate` call re-inserts their rows), new ones start
 * empty, dropped ones go. A store in both lists stays as it is. A kept table whose columns and key
 * are unchanged has its old store's contents moved into the new one (see TableStore.adoptRows): re-inserting every row of every table made a migration's tick
 * cost in proportion to the whole world instead of the tables it changes. The other old stores are
 * cleared so the state hash no longer counts their rows.
 */
function carryStores(
  old: readonly TableStore[],
  next: readonly TableStore[],
  reshaped: readonly string[],
): void {
  // Old stores whose rows are dealt with: those in both lists (kept as they are, see
  // migrateTableStores), then those whose rows a new store adopts.
  const inOld = new Set(old);
  const moved = new Set<TableStore>(next.filter((s) => inOld.has(s)));
  const byName = new Map(old.filter((s) => !moved.has(s)).map((s) => [s.name, s]));
  const cleared = new Set(reshaped);
  for (const s of next) {
    if (inOld.has(s)) continue;
    const prev = byName.get(s.name);
    if (prev === undefined || cleared.has(s.name) || !s.canAdopt(prev)) continue;
    s.adoptRows(prev);
    moved.add(prev);
  }
  const kept = new Map<string, { rows: readonly AnyRow[]; autoInc: number }>();
  for (const s of old)
    if (!moved.has(s))
      kept.set(s.name, { rows: cleared.has(s.name) ? [] : s.rowsView().slice(), autoInc: s.autoInc });
  for (const s of old) if (!moved.has(s)) s.rawClear();
  for (const s of next) {
    const prev = kept.get(s.name);
    if (prev === undefined) continue;
    for (const row of prev.rows) s.rawInsert(row);
    s.autoInc = prev.autoInc;
  }
}
