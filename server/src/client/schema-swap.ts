import {
  compileWireSchema,
  TickspaceError,
  type AnyErrorCode,
  type Query,
  type SchemaChange,
  type SchemaDescriptor,
  type WireSchema,
} from '../protocol';
import type { CacheEvent, TableCache } from './client-table';

/** What a runtime migration changed for this client (see {@link Connection.onSchemaChanged}). */
export interface SchemaChangedEvent {
  /** The new schema's version. */
  readonly version: number;
  /** The new schema (also `conn.schema` from now on). */
  readonly schema: SchemaDescriptor;
  /** Tables whose shape changed (columns, key, indexes): their rows were re-sent in it, a new column holding its value or default. */
  readonly reshapedTables: readonly string[];
  /**
   * Every table whose rows were re-sent whole (a RESET): the reshaped ones, those whose rows the
   * migration rewrote in place, and those held by a circle query (`near`, `follow`), which the
   * server rebuilds rather than carries over. Their diff ran as onInsert/onUpdate/onDelete.
   */
  readonly resentTables: readonly string[];
  /** Tables new in this schema. */
  readonly addedTables: readonly string[];
  /** Tables the schema no longer has: their caches are empty now (their onDelete listeners ran). */
  readonly removedTables: readonly string[];
  /** Subscriptions the migration ended (their table, or a column or index they use, is gone); the others go on. */
  readonly endedSubscriptions: readonly {
    readonly id: number;
    readonly query: Query | undefined;
    readonly error: TickspaceError<AnyErrorCode>;
  }[];
}

/** A migration announced by SCHEMA whose RESETs are still on their way. */
export interface PendingSchemaChange {
  readonly event: SchemaChangedEvent;
  /** Names of tables whose RESET (reason SCHEMA) has not arrived yet. */
  readonly waiting: Set<string>;
}

/**
 * Applies a SCHEMA message to the caches, before the next frame is decoded: every cached table
 * gets the new schema's codecs (by name: table ids may move), tables the schema no longer has are
 * emptied (their deletes go to `events`). The rows of reshaped tables stay as they are until their
 * RESET, which follows later in the same tick. Returns the new codecs and the event to emit once
 * those RESETs are in.
 */
export function swapSchema(
  tables: ReadonlyMap<string, TableCache>,
  before: WireSchema | undefined,
  change: SchemaChange,
  ended: SchemaChangedEvent['endedSubscriptions'],
  events: CacheEvent[] | undefined,
): { wire: WireSchema; pending: PendingSchemaChange } {
  const wire = compileWireSchema(change.schema);
  const removed: string[] = [];
  for (const t of tables.values()) {
    const next = wire.tableByName(t.name);
    if (next !== undefined) t.setWire(next);
    else if (before?.tableByName(t.name) !== undefined) {
      t.drop(events);
      removed.push(t.name);
    }
  }
  for (const t of before?.tables ?? [])
    if (wire.tableByName(t.name) === undefined && !removed.includes(t.name)) removed.push(t.name);
  const resent = change.resetTableIds.map((id) => wire.table(id)!.name);
  const shape = (d: { readonly id: number } | undefined) => JSON.stringify({ ...d, id: 0 });
  const reshaped = wire.tables
    .filter((t) => {
      const old = before?.tableByName(t.name);
      return old !== undefined && shape(old.descriptor) !== shape(t.descriptor);
    })
    .map((t) => t.name);
  const added = wire.tables.filter((t) => before?.tableByName(t.name) === undefined).map((t) => t.name);
  return {
    wire,
    pending: {
      event: {
        version: change.version,
        schema: change.schema,
        reshapedTables: reshaped,
        resentTables: resent,
        addedTables: added,
        removedTables: removed,
        endedSubscriptions: ended,
      },
      waiting: new Set(resent),
    },
  };
}
