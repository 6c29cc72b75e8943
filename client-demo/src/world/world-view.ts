import { PRIMARY_KEYS, type ClientTableName, type RowOf } from './rows';

/** Stops a listener. */
export type Unsubscribe = () => void;

/**
 * Read access to one table of the client's view of the world, with change listeners. The live
 * view wraps the SDK's client cache; the time-travel viewer and the benchmark fill a memory view.
 */
export interface ViewTable<R> {
  /** The row with this primary key (a tuple for composite keys), or undefined. */
  find(key: unknown): R | undefined;
  /** Whether a row with this key is held. */
  has(key: unknown): boolean;
  /** Number of rows held. */
  count(): number;
  /** Every row held (a fresh array). */
  iter(): R[];
  /** Called after a row enters the view. */
  onInsert(listener: (row: R) => void): Unsubscribe;
  /** Called after a held row changes. */
  onUpdate(listener: (oldRow: R, newRow: R) => void): Unsubscribe;
  /** Called after a row leaves the view. */
  onDelete(listener: (row: R) => void): Unsubscribe;
}

/** The client's view of the Frontier tables. */
export interface WorldView {
  /** One table of the view. */
  table<N extends ClientTableName>(name: N): ViewTable<RowOf<N>>;
}

/** A writable in-memory table: what the time-travel viewer and tests fill. */
export interface MemoryTable<R> extends ViewTable<R> {
  /** Inserts or replaces a row (fires onUpdate when a row with the same key was held). */
  put(row: R): void;
  /** Removes the row with this key; returns whether it was held. */
  delete(key: unknown): boolean;
  /** Replaces the whole content, firing the listeners for what changed. */
  replaceAll(rows: readonly R[]): void;
}

/** A {@link WorldView} whose tables can be written. */
export interface MemoryView extends WorldView {
  table<N extends ClientTableName>(name: N): MemoryTable<RowOf<N>>;
}

/** Map key of a primary key value: strings and numbers as is, bigints and tuples as strings. */
export function keyString(key: unknown): string | number {
  if (typeof key === 'number' || typeof key === 'string') return key;
  if (Array.isArray(key)) return key.map((k) => (typeof k === 'bigint' ? `${k}n` : String(k))).join('\u0000');
  return typeof key === 'bigint' ? `${key}n` : String(key);
}

/** Builds the function that extracts a table's primary key from a row. */
function keyOf(name: ClientTableName): (row: Readonly<Record<string, unknown>>) => unknown {
  const cols: readonly string[] = PRIMARY_KEYS[name];
  if (cols.length === 1) {
    const c = cols[0]!;
    return (row) => row[c];
  }
  return (row) => cols.map((c) => row[c]);
}

class Listeners<F extends (...args: never[]) => void> {
  #list: F[] = [];
  add(fn: F): Unsubscribe {
    this.#list.push(fn);
    return () => {
      const i = this.#list.indexOf(fn);
      if (i >= 0) this.#list.splice(i, 1);
    };
  }
  emit(...args: Parameters<F>): void {
    const list = this.#list;
    for (let i = 0; i < list.length; i++) list[i]!(...args);
  }
}

class MemoryTableImpl<R extends Readonly<Record<string, unknown>>> implements MemoryTable<R> {
  readonly #rows = new Map<string | number, R>();
  readonly #key: (row: R) => unknown;
  readonly #inserted = new Listeners<(row: R) => void>();
  readonly #updated = new Listeners<(oldRow: R, newRow: R) => void>();
  readonly #deleted = new Listeners<(row: R) => void>();

  constructor(key: (row: R) => unknown) {
    this.#key = key;
  }

  find(key: unknown): R | undefined {
    return this.#rows.get(keyString(key));
  }
  has(key: unknown): boolean {
    return this.#rows.has(keyString(key));
  }
  count(): number {
    return this.#rows.size;
  }
  iter(): R[] {
    return [...this.#rows.values()];
  }
  onInsert(listener: (row: R) => void): Unsubscribe {
    return this.#inserted.add(listener);
  }
  onUpdate(listener: (oldRow: R, newRow: R) => void): Unsubscribe {
    return this.#updated.add(listener);
  }
  onDelete(listener: (row: R) => void): Unsubscribe {
    return this.#deleted.add(listener);
  }
  put(row: R): void {
    const k = keyString(this.#key(row));
    const old = this.#rows.get(k);
    this.#rows.set(k, row);
    if (old === undefined) this.#inserted.emit(row);
    else this.#updated.emit(old, row);
  }
  delete(key: unknown): boolean {
    const k = keyString(key);
    const old = this.#rows.get(k);
    if (old === undefined) return false;
    this.#rows.delete(k);
    this.#deleted.emit(old);
    return true;
  }
  replaceAll(rows: readonly R[]): void {
    const next = new Map<string | number, R>();
    for (const row of rows) next.set(keyString(this.#key(row)), row);
    for (const [k, old] of [...this.#rows]) if (!next.has(k)) this.delete(this.#key(old));
    for (const row of next.values()) {
      const old = this.#rows.get(keyString(this.#key(row)));
      if (old === undefined || !shallowEqual(old, row)) this.put(row);
    }
  }
}

function shallowEqual(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  for (const k in a) {
    const x = a[k];
    const y = b[k];
    if (x instanceof Uint8Array && y instanceof Uint8Array) {
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    } else if (x !== y) return false;
  }
  return true;
}

/**
 * Creates an empty in-memory world view.
 * @example
 * const view = createMemoryView();
 * view.table('player').put(row);
 * view.table('player').count(); // -> 1
 */
export function createMemoryView(): MemoryView {
  const tables = new Map<string, MemoryTableImpl<Readonly<Record<string, unknown>>>>();
  return {
    table<N extends ClientTableName>(name: N): MemoryTable<RowOf<N>> {
      let t = tables.get(name);
      if (t === undefined) {
        t = new MemoryTableImpl(keyOf(name));
        tables.set(name, t);
      }
      return t as unknown as MemoryTable<RowOf<N>>;
    },
  };
}
