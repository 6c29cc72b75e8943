import type { WireTable } from '../../protocol/wire-schema';
import type { AnyRow } from '../change-set';
import type { Identity } from '../identity';
import { packCell } from '../spatial-grid';
import type { TableStore } from '../table-store';
import { compareValues } from '../values';
import type { ClientState, ClientTable } from './client-view';

/** How a grid cell relates to a spatial query's area. */
export const CELL = {
  /** No point of the cell can be a member. */
  OUT: 0,
  /** Some points may be members: rows are checked one by one. */
  PARTIAL: 1,
  /** Every point of the cell is a member: rows need no check, and updates come from the cell's shared run. */
  FULL: 2,
} as const;
/** One of {@link CELL}. */
export type CellClass = (typeof CELL)[keyof typeof CELL];

type Visibility = (row: AnyRow, viewer: Identity) => boolean;

/** Largest cell coordinate the spatial grid packs. */
const GRID_MAX = 2 ** 25 - 1;

/** Subscription bookkeeping of one public table: which queries to wake for which change. */
export class TableState {
  readonly store: TableStore;
  readonly wire: WireTable;
  readonly visibility: Visibility | undefined;
  readonly whole = new Set<WholeQuery>();
  /** Index name -> value map key -> equality queries. */
  readonly byIndex = new Map<string, Map<unknown, Set<IndexQuery>>>();
  /** Packed grid cell -> spatial queries whose cell box covers it. */
  readonly cells = new Map<number, Set<SpatialQuery>>();
  readonly spatial = new Set<SpatialQuery>();
  /** Row map key -> spatial queries (on any table) that follow this row. */
  readonly followers = new Map<unknown, Set<SpatialQuery>>();

  constructor(store: TableStore, wire: WireTable) {
    this.store = store;
    this.wire = wire;
    const v = store.def.options.visibility as Visibility | undefined;
    this.visibility = typeof v === 'function' ? v : undefined;
  }

  /** Whether any query reads this table or follows one of its rows. */
  get active(): boolean {
    return this.whole.size > 0 || this.byIndex.size > 0 || this.spatial.size > 0 || this.followers.size > 0;
  }

  /** The visibility rule; a rule that throws hides the row rather than failing the tick. */
  visible(row: AnyRow, viewer: Identity): boolean {
    if (this.visibility === undefined) return true;
    try {
      return this.visibility(row, viewer) === true;
    } catch {
      return false;
    }
  }
}

interface QueryBase {
  /** The client's query id. */
  readonly id: number;
  readonly client: ClientState;
  readonly table: TableState;
  readonly ct: ClientTable;
}

/** Every row of a table the viewer may see. Stateless: membership is a function of the row. */
export class WholeQuery implements QueryBase {
  readonly kind = 'whole';
  readonly id: number;
  readonly client: ClientState;
  readonly table: TableState;
  readonly ct: ClientTable;
  constructor(id: number, client: ClientState, table: TableState, ct: ClientTable) {
    this.id = id;
    this.client = client;
    this.table = table;
    this.ct = ct;
  }
  matches(row: AnyRow): boolean {
    return this.table.visible(row, this.client.identity);
  }
}

/** Rows whose index columns equal a value. Stateless. */
export class IndexQuery implements QueryBase {
  readonly kind = 'index';
  readonly id: number;
  readonly client: ClientState;
  readonly table: TableState;
  readonly ct: ClientTable;
  readonly index: string;
  readonly columns: readonly string[];
  /** The value, or a tuple for a composite index. */
  readonly value: unknown;
  readonly valueMk: unknown;
  constructor(id: number, client: ClientState, table: TableState, ct: ClientTable, index: string, columns: readonly string[], value: unknown, valueMk: unknown) {
    this.id = id;
    this.client = client;
    this.table = table;
    this.ct = ct;
    this.index = index;
    this.columns = columns;
    this.value = value;
    this.valueMk = valueMk;
  }
  /** The index value of a row (a tuple for a composite index). */
  static valueOf(columns: readonly string[], row: AnyRow): unknown {
    return columns.length === 1 ? row[columns[0]!] : columns.map((c) => row[c]);
  }
  matches(row: AnyRow): boolean {
    return compareValues(IndexQuery.valueOf(this.columns, row), this.value) === 0 && this.table.visible(row, this.client.identity);
  }
}

/** A member row of a spatial query: the tick it was last evaluated in, and its key. */
export interface Member {
  stamp: number;
  readonly key: unknown;
}

/**
 * A rectangle, a fixed circle or a circle that follows a row. Stateful: with hysteresis a row's
 * membership depends on whether it was a member, so members are tracked with the tick in which
 * each was last evaluated (a row is evaluated at most once per query per tick).
 */
export class SpatialQuery implements QueryBase {
  readonly kind = 'spatial';
  readonly id: number;
  readonly client: ClientState;
  readonly table: TableState;
  readonly ct: ClientTable;
  readonly shape: 'rect' | 'circle';
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  readonly enterR2: number;
  readonly exitR: number;
  readonly exitR2: number;
  readonly follow: { readonly table: TableState; readonly key: unknown; readonly mk: unknown } | undefined;
  readonly members = new Map<unknown, Member>();
  /** Current centre; `has` false while a followed row is missing. */
  cx = 0;
  cy = 0;
  has = false;
  /** Centre before this tick's move. */
  pcx = 0;
  pcy = 0;
  phas = false;
  moved = false;
  /** Cell box currently registered in the table's cell index (inclusive). */
  bx0 = 0;
  by0 = 0;
  bx1 = -1;
  by1 = -1;

  constructor(
    id: number,
    client: ClientState,
    table: TableState,
    ct: ClientTable,
    area:
      | { readonly rect: { minX: number; minY: number; maxX: number; maxY: number } }
      | { readonly circle: { x: number; y: number; radius: number; exitRadius: number } }
      | { readonly followCircle: { table: TableState; key: unknown; mk: unknown; radius: number; exitRadius: number } },
  ) {
    this.id = id;
    this.client = client;
    this.table = table;
    this.ct = ct;
    if ('rect' in area) {
      this.shape = 'rect';
      ({ minX: this.minX, minY: this.minY, maxX: this.maxX, maxY: this.maxY } = area.rect);
      this.enterR2 = this.exitR = this.exitR2 = 0;
      this.follow = undefined;
      this.has = true;
    } else {
      this.shape = 'circle';
      this.minX = this.minY = this.maxX = this.maxY = 0;
      const c = 'circle' in area ? area.circle : area.followCircle;
      this.enterR2 = c.radius * c.radius;
      this.exitR = c.exitRadius;
      this.exitR2 = c.exitRadius * c.exitRadius;
      if ('circle' in area) {
        this.follow = undefined;
        this.cx = area.circle.x;
        this.cy = area.circle.y;
        this.has = true;
      } else this.follow = { table: area.followCircle.table, key: area.followCircle.key, mk: area.followCircle.mk };
    }
    this.pcx = this.cx;
    this.pcy = this.cy;
    this.phas = this.has;
  }

  /** Whether a row is inside the area: the enter test for non-members, the stay test for members. */
  within(row: AnyRow, wasMember: boolean): boolean {
    if (!this.has) return false;
    const x = row[this.table.store.spatialX!] as number;
    const y = row[this.table.store.spatialY!] as number;
    if (this.shape === 'rect') return x >= this.minX && x <= this.maxX && y >= this.minY && y <= this.maxY;
    const dx = x - this.cx;
    const dy = y - this.cy;
    return dx * dx + dy * dy <= (wasMember ? this.exitR2 : this.enterR2);
  }

  /** Full membership test for a row (area, then the table's visibility rule). */
  admits(row: AnyRow, wasMember: boolean): boolean {
    return this.within(row, wasMember) && this.table.visible(row, this.client.identity);
  }

  /**
   * Classifies cell (gx, gy) against the current (`prev` false) or pre-move (`prev` true) area.
   * The cell is widened by a hair so that a row whose `floor(x / cellSize)` rounding put it in
   * the cell is inside the rectangle used here.
   */
  classify(gx: number, gy: number, prev: boolean): CellClass {
    const has = prev ? this.phas : this.has;
    if (!has) return CELL.OUT;
    const cs = this.table.store.spatial!.cellSize;
    const eps = cs * 1e-9;
    const x0 = gx * cs - eps;
    const x1 = (gx + 1) * cs + eps;
    const y0 = gy * cs - eps;
    const y1 = (gy + 1) * cs + eps;
    if (this.shape === 'rect') {
      if (x1 < this.minX || x0 > this.maxX || y1 < this.minY || y0 > this.maxY) return CELL.OUT;
      return x0 >= this.minX && x1 <= this.maxX && y0 >= this.minY && y1 <= this.maxY ? CELL.FULL : CELL.PARTIAL;
    }
    const cx = prev ? this.pcx : this.cx;
    const cy = prev ? this.pcy : this.cy;
    const nx = cx < x0 ? x0 - cx : cx > x1 ? cx - x1 : 0;
    const ny = cy < y0 ? y0 - cy : cy > y1 ? cy - y1 : 0;
    if (nx * nx + ny * ny > this.exitR2) return CELL.OUT;
    const fx = Math.max(Math.abs(x0 - cx), Math.abs(x1 - cx));
    const fy = Math.max(Math.abs(y0 - cy), Math.abs(y1 - cy));
    return fx * fx + fy * fy <= this.enterR2 ? CELL.FULL : CELL.PARTIAL;
  }

  /** The cell box of the current area, or an empty box while there is no centre. */
  box(): [number, number, number, number] {
    if (!this.has) return [0, 0, -1, -1];
    const cs = this.table.store.spatial!.cellSize;
    // Cells beyond the grid's ±2^25 range hold no rows (and cannot be packed): clamp to it.
    const c = (v: number) => Math.min(GRID_MAX, Math.max(-GRID_MAX, v));
    if (this.shape === 'rect')
      return [c(Math.floor(this.minX / cs)), c(Math.floor(this.minY / cs)), c(Math.floor(this.maxX / cs)), c(Math.floor(this.maxY / cs))];
    // `dx * dx + dy * dy <= r * r` also holds a hair beyond r (rounding; squares that underflow to
    // 0), so the box is widened by a margin that covers it: a member must never lie outside the box.
    const m = this.exitR * 1e-9 + cs * 1e-8 + (Math.abs(this.cx) + Math.abs(this.cy)) * 1e-12 + 1e-100;
    return [
      c(Math.floor((this.cx - this.exitR - m) / cs)),
      c(Math.floor((this.cy - this.exitR - m) / cs)),
      c(Math.floor((this.cx + this.exitR + m) / cs)),
      c(Math.floor((this.cy + this.exitR + m) / cs)),
    ];
  }

  /** Moves the registration in the table's cell index from the old box to the current one. */
  reindex(): void {
    const [nx0, ny0, nx1, ny1] = this.box();
    const cells = this.table.cells;
    for (let gy = this.by0; gy <= this.by1; gy++)
      for (let gx = this.bx0; gx <= this.bx1; gx++) {
        if (gx >= nx0 && gx <= nx1 && gy >= ny0 && gy <= ny1) continue;
        const cell = packCell(gx, gy);
        const set = cells.get(cell);
        if (set === undefined) continue;
        set.delete(this);
        if (set.size === 0) cells.delete(cell);
      }
    for (let gy = ny0; gy <= ny1; gy++)
      for (let gx = nx0; gx <= nx1; gx++) {
        if (gx >= this.bx0 && gx <= this.bx1 && gy >= this.by0 && gy <= this.by1) continue;
        const cell = packCell(gx, gy);
        let set = cells.get(cell);
        if (set === undefined) cells.set(cell, (set = new Set()));
        set.add(this);
      }
    this.bx0 = nx0;
    this.by0 = ny0;
    this.bx1 = nx1;
    this.by1 = ny1;
  }

  /** Removes the query from the cell index. */
  unindex(): void {
    const had = this.has;
    this.has = false;
    this.reindex();
    this.has = had;
  }

  /** Ends a move: the current area becomes the one the next tick starts from. */
  settle(): void {
    this.moved = false;
    this.pcx = this.cx;
    this.pcy = this.cy;
    this.phas = this.has;
  }

  /** Sets the centre from the followed row (absent or invisible: no centre). Returns whether it changed. */
  recenter(row: AnyRow | undefined): boolean {
    const f = this.follow!;
    const store = f.table.store;
    const has = row !== undefined && f.table.visible(row, this.client.identity);
    const x = has ? (row[store.spatialX!] as number) : 0;
    const y = has ? (row[store.spatialY!] as number) : 0;
    if (has === this.has && x === this.cx && y === this.cy) return false;
    if (!this.moved) {
      this.pcx = this.cx;
      this.pcy = this.cy;
      this.phas = this.has;
      this.moved = true;
    }
    this.cx = x;
    this.cy = y;
    this.has = has;
    return true;
  }
}

/** Any subscription query. */
export type AnyQuery = WholeQuery | IndexQuery | SpatialQuery;
