import { sameValue, wireMapKey, type BinaryReader, type WireTable } from '../protocol';
import type { SharedRows, SharedTableRows } from './shared-rows';

/** What the cache needs of an update codec: read a body and apply it to the old row. */
export interface UpdateBody {
  decode(
    reader: BinaryReader,
    old: Readonly<Record<string, unknown>> | undefined,
  ): Record<string, unknown> | undefined;
}

type AnyRow = Record<string, unknown>;

/** A change a frame made to the cache; listeners run after the whole frame is applied. */
export type CacheEvent =
  | { readonly kind: 'insert'; readonly table: TableCache<any, any>; readonly row: AnyRow }
  | {
      readonly kind: 'update';
      readonly table: TableCache<any, any>;
      readonly old: AnyRow;
      readonly row: AnyRow;
    }
  | { readonly kind: 'delete'; readonly table: TableCache<any, any>; readonly row: AnyRow };

function sameRow(a: AnyRow, b: AnyRow, names: readonly string[]): boolean {
  for (let i = 0; i < names.length; i++) if (!sameValue(a[names[i]!], b[names[i]!])) return false;
  return true;
}

/**
 * The client's cache of one table (`conn.db.<table>`): the rows its subscriptions hold, with the
 * same read verbs as the server (`find`, `has`, `iter`, `count`, `filter`) and `on...` listeners
 * that return an unsubscribe function. Read-only: rows change only through server frames.
 * @example
 * const off = conn.db.player.onInsert((p) => console.log('joined', p.name));
 * conn.db.player.find(me); // -> the row, or undefined
 */
export interface ClientTable<R extends AnyRow = AnyRow, K = unknown> {
  /** The table's name. */
  readonly name: string;
  /** The row with this primary key (a tuple for a composite key), or undefined. */
  find(key: K): R | undefined;
  /** Whether the cache holds a row with this key. */
  has(key: K): boolean;
  /** Number of cached rows. */
  count(): number;
  /** The cached rows (a copy). */
  iter(): R[];
  /**
   * Cached rows whose index columns equal `value` (a tuple for a composite index). The index is
   * built on first use and kept up to date after that.
   * @throws TickspaceError UNKNOWN_INDEX if the table declares no such index.
   */
  filter(index: string, value: unknown): R[];
  /** Calls `listener` after a row enters the cache. Returns the unsubscribe function. */
  onInsert(listener: (row: R) => void): () => void;
  /** Calls `listener` with the old and new row after a cached row changes. */
  onUpdate(listener: (old: R, row: R) => void): () => void;
  /** Calls `listener` after a row leaves the cache (deleted, or out of every subscription). */
  onDelete(listener: (row: R) => void): () => void;
}

/**
 * The SDK's implementation of {@link ClientTable}: the read verbs above plus the writes the
 * connection applies from server frames. Internal to the SDK: consumers see only the interface.
 */
export class TableCache<R extends AnyRow = AnyRow, K = unknown> implements ClientTable<R, K> {
  /** The table's name. */
  readonly name: string;
  #wire: WireTable | undefined;
  readonly #sharedRows: SharedRows | undefined;
  /** This table's rows shared with other connections' caches, when the connection shares rows. */
  #shared: SharedTableRows | undefined;
  readonly #rows = new Map<unknown, R>();
  // Listener lists are replaced, never mutated: a dispatch in progress keeps running the list it
  // started with, and the hot path (one list per event) allocates nothing.
  #onInsert: readonly ((row: R) => void)[] = [];
  #onUpdate: readonly ((old: R, row: R) => void)[] = [];
  #onDelete: readonly ((row: R) => void)[] = [];
  /** Lazily built equality indexes: index name -> value map key -> row map keys. */
  readonly #indexes = new Map<string, Map<unknown, Set<unknown>>>();

  constructor(name: string, wire: WireTable | undefined, sharedRows?: SharedRows) {
    this.name = name;
    this.#wire = wire;
    this.#sharedRows = sharedRows;
    this.#shared = wire === undefined ? undefined : sharedRows?.table(wire);
  }

  /** The row with this primary key (a tuple for a composite key), or undefined. */
  find(key: K): R | undefined {
    return this.#rows.get(wireMapKey(key));
  }

  /** Whether the cache holds a row with this key. */
  has(key: K): boolean {
    return this.#rows.has(wireMapKey(key));
  }

  /** Number of cached rows. */
  count(): number {
    return this.#rows.size;
  }

  /** The cached rows (a copy). */
  iter(): R[] {
    return [...this.#rows.values()];
  }

  /**
   * Cached rows whose index columns equal `value` (a tuple for a composite index). The index is
   * built on first use and kept up to date after that.
   * @throws TickspaceError-like Error UNKNOWN_INDEX if the table declares no such index.
   */
  filter(index: string, value: unknown): R[] {
    const byValue = this.#index(index);
    const keys = byValue.get(wireMapKey(value));
    if (keys === undefined) return [];
    const out: R[] = [];
    for (const k of keys) out.push(this.#rows.get(k)!);
    return out;
  }

  /** Calls `listener` after a row enters the cache. Returns the unsubscribe function. */
  onInsert(listener: (row: R) => void): () => void {
    this.#onInsert = withListener(this.#onInsert, listener);
    return () => void (this.#onInsert = withoutListener(this.#onInsert, listener));
  }

  /** Calls `listener` with the old and new row after a cached row changes. */
  onUpdate(listener: (old: R, row: R) => void): () => void {
    this.#onUpdate = withListener(this.#onUpdate, listener);
    return () => void (this.#onUpdate = withoutListener(this.#onUpdate, listener));
  }

  /** Calls `listener` after a row leaves the cache (deleted, or out of every subscription). */
  onDelete(listener: (row: R) => void): () => void {
    this.#onDelete = withListener(this.#onDelete, listener);
    return () => void (this.#onDelete = withoutListener(this.#onDelete, listener));
  }

  // ---- used by the connection -------------------------------------------------------------

  /** @internal */
  setWire(wire: WireTable): void {
    this.#wire = wire;
    this.#shared = this.#sharedRows?.table(wire);
    this.#indexes.clear();
  }

  #columns(): readonly string[] {
    return this.#wire?.columnNames ?? [];
  }

  #index(name: string): Map<unknown, Set<unknown>> {
    let byValue = this.#indexes.get(name);
    if (byValue !== undefined) return byValue;
    const ix = this.#wire?.descriptor.indexes.find((i) => i.name === name);
    if (ix === undefined)
      throw Object.assign(new Error(`table '${this.name}' has no index '${name}'`), {
        code: 'UNKNOWN_INDEX',
      });
    byValue = new Map();
    this.#indexes.set(name, byValue);
    for (const [mk, row] of this.#rows) this.#indexAdd(name, byValue, mk, row);
    return byValue;
  }

  #indexValue(name: string, row: R): unknown {
    const ix = this.#wire!.descriptor.indexes.find((i) => i.name === name)!;
    const cols = this.#columns();
    return ix.columns.length === 1 ? row[cols[ix.columns[0]!]!] : ix.columns.map((c) => row[cols[c]!]);
  }

  #indexAdd(name: string, byValue: Map<unknown, Set<unknown>>, mk: unknown, row: R): void {
    const v = wireMapKey(this.#indexValue(name, row));
    let set = byValue.get(v);
    if (set === undefined) byValue.set(v, (set = new Set()));
    set.add(mk);
  }

  #indexRemove(name: string, byValue: Map<unknown, Set<unknown>>, mk: unknown, row: R): void {
    const v = wireMapKey(this.#indexValue(name, row));
    const set = byValue.get(v);
    if (set === undefined) return;
    set.delete(mk);
    if (set.size === 0) byValue.delete(v);
  }

  #set(mk: unknown, old: R | undefined, row: R | undefined): void {
    if (this.#indexes.size !== 0)
      for (const [name, byValue] of this.#indexes) {
        if (old !== undefined) this.#indexRemove(name, byValue, mk, old);
        if (row !== undefined) this.#indexAdd(name, byValue, mk, row);
      }
    if (row === undefined) this.#rows.delete(mk);
    else this.#rows.set(mk, row);
  }

  /** @internal Inserts or replaces a row; records what changed. */
  upsert(decoded: R, events: CacheEvent[] | undefined): void {
    const mk = wireMapKey(this.#wire!.key.of(decoded));
    const row = this.#shared === undefined ? decoded : (this.#shared.intern(mk, decoded) as R);
    const old = this.#rows.get(mk);
    this.#set(mk, old, row);
    if (events === undefined) return;
    if (old === undefined) events.push({ kind: 'insert', table: this, row });
    else if (!sameRow(old, row, this.#columns())) events.push({ kind: 'update', table: this, old, row });
  }

  /**
   * @internal Applies an update body, read from `reader` by `body` (the table's update codec), to the
   * cached row; returns false if the row is not cached (the body is skipped).
   */
  patch(key: unknown, body: UpdateBody, reader: BinaryReader, events: CacheEvent[] | undefined): boolean {
    const mk = wireMapKey(key);
    const old = this.#rows.get(mk);
    const row = (
      this.#shared === undefined ? body.decode(reader, old) : this.#shared.patch(mk, old, body, reader)
    ) as R | undefined;
    if (old === undefined || row === undefined) return false;
    this.#set(mk, old, row);
    if (events !== undefined) events.push({ kind: 'update', table: this, old, row });
    return true;
  }

  /** @internal Removes a row if cached. */
  remove(key: unknown, events: CacheEvent[] | undefined): void {
    const mk = wireMapKey(key);
    const old = this.#rows.get(mk);
    if (old === undefined) return;
    this.#set(mk, old, undefined);
    if (events !== undefined) events.push({ kind: 'delete', table: this, row: old });
  }

  /** @internal The table left the schema (a migration removed it): every row leaves, recorded as deletes. */
  drop(events: CacheEvent[] | undefined): void {
    if (events !== undefined)
      for (const row of this.#rows.values()) events.push({ kind: 'delete', table: this, row });
    this.takeAll();
    this.#wire = undefined;
    this.#shared = undefined;
    this.#indexes.clear();
  }

  /** @internal Removes every row silently; returns the rows it held (for reconciliation). */
  takeAll(): Map<unknown, R> {
    const rows = new Map(this.#rows);
    this.#rows.clear();
    for (const byValue of this.#indexes.values()) byValue.clear();
    return rows;
  }

  /** @internal Records the difference between `before` and the current rows as events. */
  diff(before: ReadonlyMap<unknown, R>, events: CacheEvent[]): void {
    const cols = this.#columns();
    for (const [mk, row] of this.#rows) {
      const old = before.get(mk);
      if (old === undefined) events.push({ kind: 'insert', table: this, row });
      else if (!sameRow(old, row, cols)) events.push({ kind: 'update', table: this, old, row });
    }
    for (const [mk, old] of before)
      if (!this.#rows.has(mk)) events.push({ kind: 'delete', table: this, row: old });
  }

  /** @internal Replaces the content (RESET) and records the difference. */
  replace(rows: R[], events: CacheEvent[]): void {
    const before = this.takeAll();
    for (const r of rows) this.upsert(r, undefined);
    this.diff(before, events);
  }

  /** @internal Runs the listeners of one event; a throwing listener is reported, not propagated. */
  dispatch(event: CacheEvent, report: (error: unknown) => void): void {
    // Loops written out rather than a shared helper: this runs for every row change of every frame.
    if (event.kind === 'update') {
      const list = this.#onUpdate;
      for (let i = 0; i < list.length; i++)
        try {
          list[i]!(event.old as R, event.row as R);
        } catch (error) {
          report(error);
        }
      return;
    }
    const list = event.kind === 'insert' ? this.#onInsert : this.#onDelete;
    for (let i = 0; i < list.length; i++)
      try {
        list[i]!(event.row as R);
      } catch (error) {
        report(error);
      }
  }
}

/** A copy of `list` with `listener` added (once, like a Set). */
function withListener<L>(list: readonly L[], listener: L): readonly L[] {
  return list.includes(listener) ? list : [...list, listener];
}

/** A copy of `list` without `listener`. */
function withoutListener<L>(list: readonly L[], listener: L): readonly L[] {
  return list.filter((l) => l !== listener);
}
