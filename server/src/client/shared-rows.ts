import { sameValue, TickspaceError, type BinaryReader, type WireTable } from '../protocol';
import type { UpdateBody } from './client-table';

type AnyRow = Record<string, unknown>;

/** Options of {@link createSharedRows}. */
export interface SharedRowsOptions {
  /**
   * Rows remembered per table; past it the table's memory starts again from empty (rows already
   * cached stay; the next updates are decoded in full once more). @default 65_536
   */
  readonly maxRowsPerTable?: number;
}

/**
 * Row objects shared by the client caches of many connections in one process (in-process bots
 * on the loopback transport): when connections receive the same update bytes for the same row in
 * the same state, the first one decodes them and the others take its result, so a row that 1,000
 * bots see is decoded, allocated and held once per change instead of 1,000 times. Pass one to
 * {@link ConnectOptions.sharedRows} of every such connection. The cached rows are then the same
 * objects across connections: read-only, as they always were.
 * @example
 * const sharedRows = createSharedRows();
 * const a = await connect({ transport, sharedRows });
 * const b = await connect({ transport, sharedRows });
 * // a.db.avatar.find(id) === b.db.avatar.find(id) once both hold it
 */
export interface SharedRows {
  /** Rows currently remembered, over every table (for tests and metrics). */
  readonly size: number;
  /** Updates taken from another connection's decode (not decoded again). */
  readonly reused: number;
  /** @internal The shared rows of one table shape. */
  table(wire: WireTable): SharedTableRows;
}

/**
 * Makes the shared row memory for a set of connections.
 * @throws TickspaceError INVALID_ARGUMENT if `maxRowsPerTable` is below 1.
 */
export function createSharedRows(options: SharedRowsOptions = {}): SharedRows {
  const maxRows = options.maxRowsPerTable ?? 65_536;
  if (!(maxRows >= 1))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `createSharedRows: maxRowsPerTable must be >= 1, got ${maxRows}`,
      {
        details: { maxRowsPerTable: maxRows },
      },
    );
  const tables = new Map<string, SharedTableRows>();
  const counters = { reused: 0 };
  return {
    get size() {
      let n = 0;
      for (const t of tables.values()) n += t.size;
      return n;
    },
    get reused() {
      return counters.reused;
    },
    table(wire) {
      // Keyed by the table's shape, not its name: two servers in one process may both have an `avatar`.
      const d = wire.descriptor;
      const shape = `${d.name}|${JSON.stringify(d.columns)}|${d.primaryKey.join(',')}`;
      let t = tables.get(shape);
      if (t === undefined) tables.set(shape, (t = new SharedTableRows(wire.columnNames, maxRows, counters)));
      return t;
    },
  };
}

/** The newest version of one row that some connection holds, and how it came from the one before. */
interface Entry {
  row: AnyRow;
  /** The row `bytes` were applied to; undefined when `row` came whole (an insert). */
  prev: AnyRow | undefined;
  bytes: Uint8Array | undefined;
}

/** @internal The shared rows of one table: per map key, the newest version seen. */
export class SharedTableRows {
  readonly #names: readonly string[];
  readonly #maxRows: number;
  readonly #counters: { reused: number };
  readonly #rows = new Map<unknown, Entry>();

  constructor(names: readonly string[], maxRows: number, counters: { reused: number }) {
    this.#names = names;
    this.#maxRows = maxRows;
    this.#counters = counters;
  }

  get size(): number {
    return this.#rows.size;
  }

  #same(a: AnyRow, b: AnyRow): boolean {
    const names = this.#names;
    for (let i = 0; i < names.length; i++) if (!sameValue(a[names[i]!], b[names[i]!])) return false;
    return true;
  }

  #put(mk: unknown, entry: Entry): void {
    if (this.#rows.size >= this.#maxRows && !this.#rows.has(mk)) this.#rows.clear();
    this.#rows.set(mk, entry);
  }

  /** A whole row arrived (insert, reset): the shared object if it holds the same values, else this one, remembered. */
  intern(mk: unknown, row: AnyRow): AnyRow {
    const e = this.#rows.get(mk);
    if (e !== undefined && this.#same(e.row, row)) return e.row;
    this.#put(mk, { row, prev: undefined, bytes: undefined });
    return row;
  }

  /**
   * An update body for the row `old` (undefined: not cached, the body is skipped) at the reader:
   * the row another connection decoded from the same bytes and the same row, or a fresh decode.
   */
  patch(mk: unknown, old: AnyRow | undefined, body: UpdateBody, reader: BinaryReader): AnyRow | undefined {
    const e = this.#rows.get(mk);
    if (old === undefined) return body.decode(reader, undefined);
    if (e !== undefined && e.prev === old && e.bytes !== undefined && reader.skipIf(e.bytes)) {
      this.#counters.reused++;
      return e.row;
    }
    const start = reader.offset;
    const row = body.decode(reader, old)!;
    if (e === undefined || e.row === old) {
      // This connection is the first to take the row from its newest shared version to the next.
      this.#put(mk, { row, prev: old, bytes: reader.copySince(start) });
      return row;
    }
    // Off the shared chain (it missed a change, or joined after one): rejoin when the values agree.
    return this.#same(e.row, row) ? e.row : row;
  }
}
