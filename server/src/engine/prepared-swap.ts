import type { WireSchema } from '../protocol/wire-schema';
import type { ModuleDef } from './module';
import { buildTableStores } from './runtime-migration';
import { compileServerSchema, type ServerSchema } from './server-schema';
import { compileReducerTable, type ReducerTable } from './server-schema/reducer-table';
import type { StoreContext } from './store-context';
import type { TableStore } from './table-store';

/** A reducer table and the wire schema it was compiled against (its callable reducers share that wire's codecs). */
export interface CompiledReducers {
  readonly wire: WireSchema;
  readonly table: ReducerTable;
}

/** What a migrating version's boundary would otherwise build: its empty table stores and its schema. */
export interface PreparedTables {
  /** One empty store per table of the new module (system tables last), by table id. */
  readonly stores: readonly TableStore[];
  /** The new schema (its `version` is set at the boundary), reducers compiled on its wire. */
  readonly schema: ServerSchema;
}

/**
 * What a publish compiles when it is accepted, outside every tick, so that its tick boundary
 * switches pointers instead of compiling: row codecs, hashers and indexes of new table stores,
 * the wire codecs and argument validators. Built at the boundary, they made the first tick of a
 * new version several times a normal one (the goal is no tick over 2x the p99 before it).
 *
 * Nothing here depends on a tick's rows, only on the module and on the wire the version will
 * replace, so replay (which compiles at the boundary) gets the same tables and codecs.
 */
export interface PreparedSwap {
  /**
   * For a version that keeps the schema: its reducer table on the wire that runs when it was
   * published. The boundary uses it only when that wire is still the running one (else compiles).
   */
  readonly reducers: CompiledReducers | undefined;
  /** For a version that migrates: what its boundary builds, when the migration does happen. */
  readonly tables: PreparedTables | undefined;
}

/**
 * Compiles ahead what `version`'s boundary needs. `baseWire` is the wire the version will replace
 * (the running one, or the one the publish queued before it brings).
 * @throws TickspaceError INVALID_SCHEMA (a reserved table or reducer name; a reducer the wire has
 *   under another id), as the boundary would; nothing is queued
 * @example
 * const prepared = prepareSwap(v2.module, false, engine.schema.wire, store);
 */
export function prepareSwap(
  module: ModuleDef,
  migrates: boolean,
  baseWire: WireSchema,
  store: StoreContext,
): PreparedSwap {
  if (!migrates)
    return {
      reducers: { wire: baseWire, table: compileReducerTable(module.reducers, baseWire) },
      tables: undefined,
    };
  // Empty stores touch no hash and no transaction: building them against the engine's context now
  // is what the boundary would do, minus the compiling.
  const stores = buildTableStores(module, store);
  return {
    reducers: undefined,
    tables: { stores, schema: compileServerSchema({ tableList: stores, module }) },
  };
}

/** The wire a prepared version brings (a migrating one its new wire), for the next publish to compile against. */
export function wireAfter(prepared: PreparedSwap, baseWire: WireSchema): WireSchema {
  return prepared.tables?.schema.wire ?? baseWire;
}
