import {
  compileWireSchema,
  TickspaceError,
  type SchemaChange,
  type SchemaDescriptor,
  type SectionVisitor,
  type WireSchema,
} from '../protocol';
import { TableCache, type CacheEvent } from './client-table';
import { Reconciliation } from './reconciliation';
import { swapSchema, type PendingSchemaChange, type SchemaChangedEvent } from './schema-swap';
import type { SharedRows } from './shared-rows';

/**
 * A connection's client cache: one {@link TableCache} per table name, the wire schema they decode
 * with, and the two ways that schema and those rows change without plain updates: a reconnect's
 * reconciliation (rows land silently and are diffed once every query is back) and a runtime
 * migration's swap (new codecs at SCHEMA, the reshaped tables' rows at their RESETs).
 */
export class ClientCache {
  readonly #tables = new Map<string, TableCache>();
  readonly #report: (error: unknown) => void;
  #wire: WireSchema | undefined;
  #reconcile: Reconciliation | undefined;
  /** A migration announced by SCHEMA whose RESETs have not all arrived. */
  #schemaChange: PendingSchemaChange | undefined;
  /** Where the visitor records cache events for the frame being applied; undefined applies silently. */
  #events: CacheEvent[] | undefined;

  readonly #sharedRows: SharedRows | undefined;

  constructor(report: (error: unknown) => void, sharedRows?: SharedRows) {
    this.#report = report;
    this.#sharedRows = sharedRows;
  }

  /** The schema the caches decode with, and calls and queries are encoded with. */
  get wire(): WireSchema | undefined {
    return this.#wire;
  }

  /** The cache of one table (made on first use, also for names the schema lacks). */
  table(name: string): TableCache {
    let t = this.#tables.get(name);
    if (t === undefined)
      this.#tables.set(name, (t = new TableCache(name, this.#wire?.tableByName(name), this.#sharedRows)));
    return t;
  }

  /** The handshake's schema: every cached table takes its codecs from it. */
  adopt(descriptor: SchemaDescriptor): WireSchema {
    const wire = compileWireSchema(descriptor);
    this.#wire = wire;
    for (const t of this.#tables.values()) {
      const w = wire.tableByName(t.name);
      if (w !== undefined) t.setWire(w);
    }
    return wire;
  }

  /**
   * Starts applying one frame: its changes are recorded in `events`, unless a reconciliation is
   * under way (then they land silently and the diff reports them at the end).
   */
  beginFrame(events: CacheEvent[]): void {
    this.#events = this.#reconcile === undefined ? events : undefined;
  }

  /** Applies table contents to the cache as they are decoded; built once, not per frame. */
  readonly visitor: SectionVisitor = {
    delete: (t, key) => this.table(t.name).remove(key, this.#events),
    insert: (t, row) => this.table(t.name).upsert(row, this.#events),
    update: (t, key, reader) => {
      const ok = this.table(t.name).patch(key, t.update, reader, this.#events);
      if (!ok)
        this.#report(
          new TickspaceError(
            'PROTOCOL_ERROR',
            `update of ${t.name} ${String(key)}, a row the cache does not hold`,
          ),
        );
    },
    reset: (t, rows) => {
      const list: CacheEvent[] = [];
      this.table(t.name).replace(rows, list);
      if (this.#events !== undefined) this.#events.push(...list);
      // A reshaped table's rows are in the new shape: one fewer for the pending schema change.
      this.#schemaChange?.waiting.delete(t.name);
    },
  };

  // ---- reconnects ---------------------------------------------------------------------------

  /** Whether a reconnect's reconciliation is under way. */
  get reconciling(): boolean {
    return this.#reconcile !== undefined;
  }

  /** The link dropped: rows leave the cache silently until the queries are back (once per outage). */
  startReconcile(): void {
    this.#schemaChange = undefined;
    this.#reconcile ??= new Reconciliation(this.#tables.values());
  }

  /** A query re-sent after the reconnect: the diff waits for its answer. */
  expect(queryId: number): void {
    this.#reconcile?.expect(queryId);
  }

  /**
   * A query's answer (or end) arrived, or, without `queryId`, the handshake sent none again: once
   * none is awaited the reconciliation ends, its difference goes to `events`, and this returns true.
   */
  answered(queryId: number | undefined, events: CacheEvent[]): boolean {
    const r = this.#reconcile;
    if (r === undefined) return false;
    if (queryId !== undefined ? !r.answered(queryId) : !r.done) return false;
    this.#reconcile = undefined;
    r.diff(events);
    return true;
  }

  /** The connection closed for good: the rows from before the drop come back, silently (stale but complete). */
  endReconcile(): void {
    this.#reconcile?.restore();
    this.#reconcile = undefined;
  }

  // ---- runtime migrations -------------------------------------------------------------------

  /**
   * SCHEMA: swaps every table's codecs (see {@link swapSchema}). Returns the event of an earlier
   * change still waiting for RESETs, which this one supersedes (emit it first).
   */
  swap(
    change: SchemaChange,
    ended: SchemaChangedEvent['endedSubscriptions'],
  ): SchemaChangedEvent | undefined {
    const superseded = this.#schemaChange?.event;
    const swapped = swapSchema(this.#tables, this.#wire, change, ended, this.#events);
    this.#wire = swapped.wire;
    this.#schemaChange = swapped.pending;
    return superseded;
  }

  /** The pending schema change's event, once every RESET it announced has been applied (then it is taken). */
  takeSchemaChanged(): SchemaChangedEvent | undefined {
    const c = this.#schemaChange;
    if (c === undefined || c.waiting.size > 0) return undefined;
    this.#schemaChange = undefined;
    return c.event;
  }
}
