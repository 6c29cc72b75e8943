import type { BinaryWriter } from '../../protocol/binary-writer';
import type { WireTable } from '../../protocol/wire-schema';
import { OP, type AnyRow, type ChangeOp } from '../change-set';
import type { TableStore } from '../table-store';
import { mapKey } from '../values';

/** No cell: the row does not exist on that side of the change, or the table is not spatial. */
export const NO_CELL = -1;
const BODY_UNENCODED = -1;
const byIntKey = (a: NetChange, b: NetChange) => (a.key as number) - (b.key as number);
const BODY_NOOP = -2;
/** A catch-up that found the client's version equal to the row now. */
const NO_CATCH_UP = 0;

/** One row's net change over a tick: the row before the tick and after it. */
export interface NetChange {
  readonly mk: unknown;
  readonly key: unknown;
  /** The row before the tick (undefined: inserted this tick). */
  old: AnyRow | undefined;
  /** The row after the tick (undefined: deleted this tick). */
  new: AnyRow | undefined;
  oldCell: number;
  newCell: number;
  /**
   * Spatial coordinates of the old and new row (NaN where that row is absent or the table is not
   * spatial), read once per tick so that per-client area tests are plain arithmetic.
   */
  ox: number;
  oy: number;
  nx: number;
  ny: number;
  /** Arena offsets of the encoded update body; see {@link TableTick.body}. */
  bodyStart: number;
  bodyEnd: number;
}

/** The update run of one grid cell: rows that changed in place without leaving the cell. */
export interface CellChunk {
  readonly cell: number;
  readonly changes: NetChange[];
  /** Arena offsets of the run (`uvar count` + entries), once built. */
  start: number;
  end: number;
  /** Entries in the run; 0 when every change was a no-op. */
  count: number;
  built: boolean;
}

/**
 * One table's changes in one tick, collapsed to one net change per row, with every piece of wire
 * encoding done at most once and kept in the tick's arena: update bodies, full rows, keys, each
 * cell's update run and the whole-table section. Subscribers share these bytes.
 */
export class TableTick {
  /** The tick these changes belong to. */
  readonly tick: number;
  readonly store: TableStore;
  readonly wire: WireTable;
  readonly #arena: BinaryWriter;
  readonly net = new Map<unknown, NetChange>();
  /** Net changes in first-touch order (deterministic). */
  readonly list: NetChange[] = [];
  /** Per cell: changes that stayed inside it (spatial tables). */
  readonly stays = new Map<number, CellChunk>();
  /** Changes that entered, left or crossed cells (spatial tables). */
  readonly crossers: NetChange[] = [];
  /** Per cell: every row it holds after the tick, built on first use and shared by every moved query. */
  readonly #cellRows = new Map<number, CellRows>();
  readonly #refs: number[] = [];
  readonly #rowRefs = new Map<unknown, number>();
  readonly #keyRefs = new Map<unknown, number>();
  /** Catch-ups encoded this tick, by the version the client held (see {@link catchUp}). */
  readonly #catchUps = new Map<AnyRow, NetChange | typeof NO_CATCH_UP>();
  #wholeStart = -1;
  #wholeEnd = -1;
  /** Counters for metrics and benchmarks. */
  encodedChunks = 0;
  encodedRows = 0;

  constructor(tick: number, store: TableStore, wire: WireTable, arena: BinaryWriter) {
    this.tick = tick;
    this.store = store;
    this.wire = wire;
    this.#arena = arena;
  }

  /** Folds one change op into the net change of its row. */
  add(op: ChangeOp): void {
    const row = op.kind === OP.DELETE ? op.oldRow! : op.newRow!;
    const key = this.store.keyOf(row);
    const mk = mapKey(key);
    const nc = this.net.get(mk);
    if (nc === undefined) {
      const c: NetChange = {
        mk,
        key,
        old: op.oldRow,
        new: op.newRow,
        oldCell: NO_CELL,
        newCell: NO_CELL,
        ox: NaN,
        oy: NaN,
        nx: NaN,
        ny: NaN,
        bodyStart: BODY_UNENCODED,
        bodyEnd: 0,
      };
      this.net.set(mk, c);
      this.list.push(c);
    } else nc.new = op.newRow;
  }

  /** Drops rows inserted and deleted within the tick; sorts spatial changes into cells. */
  finish(): void {
    const list = this.list;
    let w = 0;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (c.old === undefined && c.new === undefined) {
        this.net.delete(c.mk);
        continue;
      }
      list[w++] = c;
    }
    list.length = w;
    const grid = this.store.spatial;
    if (grid === undefined) return;
    const xs = this.store.spatialX!;
    const ys = this.store.spatialY!;
    for (let i = 0; i < list.length; i++) {
      const c = list[i]!;
      if (c.old !== undefined) {
        c.ox = c.old[xs] as number;
        c.oy = c.old[ys] as number;
        c.oldCell = grid.cellOf(c.ox, c.oy);
      }
      if (c.new !== undefined) {
        c.nx = c.new[xs] as number;
        c.ny = c.new[ys] as number;
        c.newCell = grid.cellOf(c.nx, c.ny);
      }
      if (c.old !== undefined && c.new !== undefined && c.oldCell === c.newCell) {
        let chunk = this.stays.get(c.newCell);
        if (chunk === undefined) {
          chunk = { cell: c.newCell, changes: [], start: 0, end: 0, count: 0, built: false };
          this.stays.set(c.newCell, chunk);
        }
        chunk.changes.push(c);
      } else this.crossers.push(c);
    }
    // Each cell's changes in key order: clients' update lists merge these runs (small key deltas).
    if (this.wire.intKey)
      for (const chunk of this.stays.values()) if (chunk.changes.length > 1) chunk.changes.sort(byIntKey);
  }

  /**
   * Every row of a cell after the tick with its coordinates before and after, built once per tick
   * whatever the number of moved queries that re-check the cell. Undefined for an empty cell.
   */
  cellRows(cell: number): CellRows | undefined {
    let cr = this.#cellRows.get(cell);
    if (cr === undefined) {
      const keys = this.store.spatial!.keysIn(cell);
      if (keys === undefined) return undefined;
      cr = new CellRows(this.store, this.net, keys);
      this.#cellRows.set(cell, cr);
    }
    return cr;
  }

  /** Encodes an update's body once; returns false for a no-op update (nothing to send). */
  body(c: NetChange): boolean {
    if (c.bodyStart === BODY_UNENCODED) {
      const a = this.#arena;
      const start = a.length;
      if (this.wire.update.encode(a, c.old!, c.new!)) {
        c.bodyStart = start;
        c.bodyEnd = a.length;
      } else c.bodyStart = BODY_NOOP;
    }
    return c.bodyStart !== BODY_NOOP;
  }

  /**
   * An update from the row a client holds (`sent`, older than the tick) to the row now (a level of
   * detail's catch-up); undefined when they are equal. Encoded once per version held: clients that
   * last received the same row object (rows are never changed in place) share the change and its
   * bytes.
   */
  catchUp(mk: unknown, sent: AnyRow, row: AnyRow): NetChange | undefined {
    const cached = this.#catchUps.get(sent);
    if (cached !== undefined) return cached === NO_CATCH_UP ? undefined : cached;
    const a = this.#arena;
    const start = a.length;
    if (!this.wire.update.encode(a, sent, row)) {
      this.#catchUps.set(sent, NO_CATCH_UP);
      return undefined;
    }
    const c: NetChange = {
      mk,
      key: this.store.keyOf(row),
      old: sent,
      new: row,
      oldCell: NO_CELL,
      newCell: NO_CELL,
      ox: NaN,
      oy: NaN,
      nx: NaN,
      ny: NaN,
      bodyStart: start,
      bodyEnd: a.length,
    };
    this.#catchUps.set(sent, c);
    return c;
  }

  #ref(start: number): number {
    const i = this.#refs.length;
    this.#refs.push(start, this.#arena.length);
    return i;
  }

  /** Ref (index into {@link refs}) of a full row's bytes, encoded once per tick. */
  rowRef(mk: unknown, row: AnyRow): number {
    let i = this.#rowRefs.get(mk);
    if (i === undefined) {
      const start = this.#arena.length;
      this.wire.row.encode(this.#arena, row);
      this.encodedRows++;
      i = this.#ref(start);
      this.#rowRefs.set(mk, i);
    }
    return i;
  }

  /** Ref of a key's bytes, encoded once per tick. */
  keyRef(mk: unknown, key: unknown): number {
    let i = this.#keyRefs.get(mk);
    if (i === undefined) {
      const start = this.#arena.length;
      this.wire.key.encode(this.#arena, key);
      i = this.#ref(start);
      this.#keyRefs.set(mk, i);
    }
    return i;
  }

  /** Start and end offsets of refs: `refs[i]`, `refs[i + 1]`. */
  get refs(): readonly number[] {
    return this.#refs;
  }

  /** Builds a cell's update run once (entries sorted by key, so integer key deltas stay small). */
  chunk(chunk: CellChunk): CellChunk {
    if (chunk.built) return chunk;
    chunk.built = true;
    const live: NetChange[] = [];
    for (const c of chunk.changes) if (this.body(c)) live.push(c);
    if (this.wire.intKey) live.sort(byIntKey);
    chunk.count = live.length;
    if (live.length === 0) return chunk;
    this.encodedChunks++;
    const a = this.#arena;
    chunk.start = a.length;
    a.uvar(live.length);
    this.#writeEntries(live);
    chunk.end = a.length;
    return chunk;
  }

  #writeEntries(live: readonly NetChange[]): void {
    const a = this.#arena;
    let prev = 0;
    for (let i = 0; i < live.length; i++) {
      const c = live[i]!;
      prev = this.wire.writeEntryKey(a, c.key, prev);
      // Copies the body from earlier in the same arena; a growth reallocates first, which keeps the view valid.
      const view = a.view();
      a.raw(view.subarray(c.bodyStart, c.bodyEnd));
    }
  }

  /**
   * The whole-table section (tableId, deletes, inserts, one update run) built once: every
   * whole-table subscriber without a visibility rule receives exactly these bytes.
   * Returns [start, end) arena offsets, or undefined when the tick changed nothing visible.
   */
  wholeSection(): [number, number] | undefined {
    if (this.#wholeStart === -1) {
      const dels: NetChange[] = [];
      const ins: NetChange[] = [];
      const ups: NetChange[] = [];
      for (const c of this.list) {
        if (c.new === undefined) dels.push(c);
        else if (c.old === undefined) ins.push(c);
        else if (this.body(c)) ups.push(c);
      }
      if (dels.length + ins.length + ups.length === 0) {
        this.#wholeStart = -2;
        return undefined;
      }
      if (this.wire.intKey) ups.sort(byIntKey);
      this.encodedChunks++;
      const a = this.#arena;
      this.#wholeStart = a.length;
      a.uvar(this.wire.id).uvar(dels.length);
      for (const c of dels) this.wire.key.encode(a, c.key);
      a.uvar(ins.length);
      for (const c of ins) this.wire.row.encode(a, c.new!);
      if (ups.length === 0) a.uvar(0);
      else {
        a.uvar(1).uvar(ups.length);
        this.#writeEntries(ups);
      }
      this.#wholeEnd = a.length;
    }
    return this.#wholeStart < 0 ? undefined : [this.#wholeStart, this.#wholeEnd];
  }
}

/**
 * The rows of one grid cell after a tick, in the grid's key order, in parallel arrays: key, map
 * key, row now, row before the tick (undefined if inserted this tick), the row's net change
 * (undefined if unchanged), and the coordinates before (NaN if inserted) and after.
 */
export class CellRows {
  readonly keys: readonly unknown[];
  readonly mks: unknown[];
  readonly rows: AnyRow[];
  readonly olds: (AnyRow | undefined)[];
  readonly changes: (NetChange | undefined)[];
  /** `ox, oy, nx, ny` for row i at `4 * i`. */
  readonly xy: Float64Array;

  constructor(store: TableStore, net: ReadonlyMap<unknown, NetChange>, keys: readonly unknown[]) {
    const n = keys.length;
    const xs = store.spatialX!;
    const ys = store.spatialY!;
    this.keys = keys.slice();
    this.mks = new Array<unknown>(n);
    this.rows = new Array<AnyRow>(n);
    this.olds = new Array<AnyRow | undefined>(n);
    this.changes = new Array<NetChange | undefined>(n);
    this.xy = new Float64Array(4 * n);
    for (let i = 0; i < n; i++) {
      const key = keys[i];
      const mk = mapKey(key);
      const row = store.find(key)!;
      const change = net.get(mk);
      const old = change === undefined ? row : change.old;
      this.mks[i] = mk;
      this.rows[i] = row;
      this.olds[i] = old;
      this.changes[i] = change;
      const x = row[xs] as number;
      const y = row[ys] as number;
      this.xy[4 * i] = old === undefined ? NaN : old === row ? x : (old[xs] as number);
      this.xy[4 * i + 1] = old === undefined ? NaN : old === row ? y : (old[ys] as number);
      this.xy[4 * i + 2] = x;
      this.xy[4 * i + 3] = y;
    }
  }
}
