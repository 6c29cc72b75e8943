import type { AnyRow } from '../change-set';
import { packCell } from '../spatial-grid';
import { mapKey } from '../values';
import type { LodSpec } from '../../protocol/query-lod';
import type { ClientState, ClientTable } from './client-view';
import { LodBand } from './lod-band';
import type { LiveQuery, TableState, Walk } from './queries';

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

/** Where a row lies relative to a spatial query's area. */
export const ZONE = { IN: 0, BAND: 1, OUT: 2 } as const;
/** One of {@link ZONE}. */
export type Zone = (typeof ZONE)[keyof typeof ZONE];

/** Largest cell coordinate the spatial grid packs. */
const GRID_MAX = 2 ** 25 - 1;

/**
 * The spatial queries touching one grid cell and the cell's class for each, in dense arrays with
 * swap-remove: the fan-out iterates these for every changed cell, every tick.
 */
export class CellSubscribers {
  readonly queries: SpatialQuery[] = [];
  readonly classes: CellClass[] = [];
  readonly #pos = new Map<SpatialQuery, number>();

  get size(): number {
    return this.queries.length;
  }

  has(q: SpatialQuery): boolean {
    return this.#pos.has(q);
  }

  /** The cell's class for `q` (OUT when not listed). */
  classOf(q: SpatialQuery): CellClass {
    const i = this.#pos.get(q);
    return i === undefined ? CELL.OUT : this.classes[i]!;
  }

  set(q: SpatialQuery, cls: CellClass): void {
    const i = this.#pos.get(q);
    if (i !== undefined) this.classes[i] = cls;
    else {
      this.#pos.set(q, this.queries.length);
      this.queries.push(q);
      this.classes.push(cls);
    }
  }

  delete(q: SpatialQuery): void {
    const i = this.#pos.get(q);
    if (i === undefined) return;
    const last = this.queries.length - 1;
    if (i !== last) {
      const moved = this.queries[last]!;
      this.queries[i] = moved;
      this.classes[i] = this.classes[last]!;
      this.#pos.set(moved, i);
    }
    this.queries.pop();
    this.classes.pop();
    this.#pos.delete(q);
  }
}

/**
 * A rectangle, a fixed circle or a circle that follows a row. Stateful: with hysteresis a row's
 * membership depends on whether it was a member, so members are tracked with the tick in which
 * each was last evaluated (a row is evaluated at most once per query per tick).
 */
export class SpatialQuery implements LiveQuery {
  readonly sharesChunks = true;
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
  /** Squared step of a following circle: the centre stays put while the row is nearer than the step. */
  readonly stepR2: number;
  /** The level of detail of a circle that declares one (see {@link LodBand}). */
  readonly lod: LodBand | undefined;
  /**
   * Member row map key -> primary key: exactly the rows the query holds. Changed only on enter and
   * leave, and read only for rows in the hysteresis band (the one place where history decides).
   */
  readonly members = new Map<unknown, unknown>();
  readonly #xs: string;
  readonly #ys: string;
  /** Current centre; `has` false while a followed row is missing. */
  cx = 0;
  cy = 0;
  has = false;
  /** Centre before this tick's move (equal to the current one unless `moved`). */
  pcx = 0;
  pcy = 0;
  phas = false;
  /** Set when the followed row moved this tick; the cell index still holds the pre-move classes. */
  moved = false;
  /** Cell box currently registered in the table's cell index (inclusive). */
  bx0 = 0;
  by0 = 0;
  bx1 = -1;
  by1 = -1;
  /** This query's class of each cell of the box, row-major: a local copy of its cell index entries. */
  #boxClasses: Uint8Array = new Uint8Array(0);
  /**
   * While `moved`: the cell box and classes of the new area, computed once by {@link prepareMove}
   * and read by {@link revisits} and the moved pass (row-major, `mx1 - mx0 + 1` wide). The buffer
   * alternates with `#boxClasses`, so a moving query allocates only when its box grows.
   */
  mx0 = 0;
  my0 = 0;
  mx1 = -1;
  my1 = -1;
  #moveClasses: Uint8Array = new Uint8Array(0);

  constructor(
    id: number,
    client: ClientState,
    table: TableState,
    ct: ClientTable,
    area:
      | { readonly rect: { minX: number; minY: number; maxX: number; maxY: number } }
      | { readonly circle: { x: number; y: number; radius: number; exitRadius: number } }
      | {
          readonly followCircle: {
            table: TableState;
            key: unknown;
            mk: unknown;
            radius: number;
            exitRadius: number;
            step: number;
          };
        },
    lod?: LodSpec,
  ) {
    this.id = id;
    this.lod = lod === undefined ? undefined : new LodBand(lod, client.handle, id);
    this.client = client;
    this.table = table;
    this.ct = ct;
    this.#xs = table.store.spatialX ?? '';
    this.#ys = table.store.spatialY ?? '';
    if ('rect' in area) {
      this.shape = 'rect';
      ({ minX: this.minX, minY: this.minY, maxX: this.maxX, maxY: this.maxY } = area.rect);
      this.enterR2 = this.exitR = this.exitR2 = this.stepR2 = 0;
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
        this.stepR2 = 0;
        this.cx = area.circle.x;
        this.cy = area.circle.y;
        this.has = true;
      } else {
        this.follow = {
          table: area.followCircle.table,
          key: area.followCircle.key,
          mk: area.followCircle.mk,
        };
        this.stepR2 = area.followCircle.step * area.followCircle.step;
      }
    }
    this.settle();
  }

  /**
   * Where a row lies relative to the area: IN (the enter test holds), BAND (only the stay test
   * holds: membership depends on history) or OUT. `prev` measures against the pre-move centre.
   */
  zone(row: AnyRow, prev: boolean): Zone {
    if (!(prev ? this.phas : this.has)) return ZONE.OUT;
    const x = row[this.#xs] as number;
    const y = row[this.#ys] as number;
    if (this.shape === 'rect')
      return x >= this.minX && x <= this.maxX && y >= this.minY && y <= this.maxY ? ZONE.IN : ZONE.OUT;
    const dx = x - (prev ? this.pcx : this.cx);
    const dy = y - (prev ? this.pcy : this.cy);
    const d2 = dx * dx + dy * dy;
    return d2 <= this.enterR2 ? ZONE.IN : d2 <= this.exitR2 ? ZONE.BAND : ZONE.OUT;
  }

  /**
   * Whether membership this tick is distance arithmetic alone: a circle with a centre before and
   * after the tick, on a table without a visibility rule. Then a row inside the enter radius on
   * both sides was and is a member, one outside the exit radius on both sides was and is not, and
   * only the rest needs {@link wasMember} and {@link isMember}.
   */
  get plainCircle(): boolean {
    return this.shape === 'circle' && this.has && this.phas && this.table.visibility === undefined;
  }

  #visible(row: AnyRow): boolean {
    return this.table.visibility === undefined || this.table.visible(row, this.client.identity);
  }

  /**
   * Whether the row was a member before this tick, from the row as it was and the pre-move area:
   * inside the enter radius it was (if visible), outside the exit radius it was not, and only in
   * between does the member map decide.
   */
  wasMember(mk: unknown, old: AnyRow | undefined): boolean {
    if (old === undefined) return false;
    const z = this.zone(old, true);
    if (z === ZONE.IN) return this.#visible(old);
    return z === ZONE.BAND && this.members.has(mk);
  }

  /** Whether the row is a member now, given whether it was. */
  isMember(row: AnyRow | undefined, was: boolean): boolean {
    if (row === undefined) return false;
    const z = this.zone(row, false);
    return (z === ZONE.IN || (z === ZONE.BAND && was)) && this.#visible(row);
  }

  /** Squared distance of (x, y) from the current centre (circles). */
  d2(x: number, y: number): number {
    const dx = x - this.cx;
    const dy = y - this.cy;
    return dx * dx + dy * dy;
  }

  /**
   * Whether every point of cell (gx, gy) lies within the level of detail's near radius of the
   * current centre (widened as {@link classify} widens), so the cell's updates all go out now.
   */
  nearCell(gx: number, gy: number): boolean {
    const cs = this.table.store.spatial!.cellSize;
    const eps = cs * 1e-9;
    const fx = Math.max(Math.abs(gx * cs - eps - this.cx), Math.abs((gx + 1) * cs + eps - this.cx));
    const fy = Math.max(Math.abs(gy * cs - eps - this.cy), Math.abs((gy + 1) * cs + eps - this.cy));
    return fx * fx + fy * fy <= this.lod!.nearR2;
  }

  /**
   * How far beyond the level of detail's near radius every point of cell (gx, gy) lies from the
   * current centre (the cell widened by a hair, as in {@link nearCell}); 0 or less when some point
   * of the cell is within it.
   */
  farMargin(gx: number, gy: number): number {
    const cs = this.table.store.spatial!.cellSize;
    const eps = cs * 1e-9;
    const x0 = gx * cs - eps;
    const x1 = (gx + 1) * cs + eps;
    const y0 = gy * cs - eps;
    const y1 = (gy + 1) * cs + eps;
    const fx = this.cx < x0 ? x0 - this.cx : this.cx > x1 ? this.cx - x1 : 0;
    const fy = this.cy < y0 ? y0 - this.cy : this.cy > y1 ? this.cy - y1 : 0;
    const d2 = fx * fx + fy * fy;
    const nearR2 = this.lod!.nearR2;
    if (d2 <= nearR2) return 0;
    // A hair less than the true margin, so that a rounding error never overstates it.
    return (Math.sqrt(d2) - Math.sqrt(nearR2)) * (1 - 1e-9);
  }

  /**
   * Classifies cell (gx, gy) against the current area. The cell is widened by a hair so that a
   * row whose `floor(x / cellSize)` rounding put it in the cell is inside the rectangle used here.
   */
  classify(gx: number, gy: number): CellClass {
    if (!this.has) return CELL.OUT;
    const cs = this.table.store.spatial!.cellSize;
    const eps = cs * 1e-9;
    const x0 = gx * cs - eps;
    const x1 = (gx + 1) * cs + eps;
    const y0 = gy * cs - eps;
    const y1 = (gy + 1) * cs + eps;
    if (this.shape === 'rect') {
      if (x1 < this.minX || x0 > this.maxX || y1 < this.minY || y0 > this.maxY) return CELL.OUT;
      return x0 >= this.minX && x1 <= this.maxX && y0 >= this.minY && y1 <= this.maxY
        ? CELL.FULL
        : CELL.PARTIAL;
    }
    const cx = this.cx;
    const cy = this.cy;
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
      return [
        c(Math.floor(this.minX / cs)),
        c(Math.floor(this.minY / cs)),
        c(Math.floor(this.maxX / cs)),
        c(Math.floor(this.maxY / cs)),
      ];
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

  /** The class the cell index holds for this query in cell (gx, gy): OUT outside the registered box. */
  indexed(gx: number, gy: number): CellClass {
    if (gx < this.bx0 || gx > this.bx1 || gy < this.by0 || gy > this.by1) return CELL.OUT;
    return this.#boxClasses[(gy - this.by0) * (this.bx1 - this.bx0 + 1) + (gx - this.bx0)]! as CellClass;
  }

  /** Records this query's class for `cell` in the table's cell index (the shared cell -> queries map). */
  setIndexed(cell: number, cls: CellClass): void {
    const cells = this.table.cells;
    let byQuery = cells.get(cell);
    if (cls === CELL.OUT) {
      if (byQuery === undefined) return;
      byQuery.delete(this);
      if (byQuery.size === 0) cells.delete(cell);
      return;
    }
    if (byQuery === undefined) cells.set(cell, (byQuery = new CellSubscribers()));
    byQuery.set(this, cls);
  }

  /** Re-registers every cell of the current area in the table's cell index (subscribe, resync). */
  reindex(): void {
    this.unindex();
    const [x0, y0, x1, y1] = this.box();
    const classes = new Uint8Array(Math.max(0, (x1 - x0 + 1) * (y1 - y0 + 1)));
    let i = 0;
    for (let gy = y0; gy <= y1; gy++)
      for (let gx = x0; gx <= x1; gx++, i++) {
        const cls = this.classify(gx, gy);
        classes[i] = cls;
        this.setIndexed(packCell(gx, gy), cls);
      }
    this.setBox(x0, y0, x1, y1, classes);
  }

  /** Removes the query from the cell index. */
  unindex(): void {
    for (let gy = this.by0; gy <= this.by1; gy++)
      for (let gx = this.bx0; gx <= this.bx1; gx++)
        if (this.indexed(gx, gy) !== CELL.OUT) this.setIndexed(packCell(gx, gy), CELL.OUT);
    this.setBox(0, 0, -1, -1, new Uint8Array(0));
  }

  /** Records the cell box the index covers and this query's class for each of its cells (row-major). */
  setBox(x0: number, y0: number, x1: number, y1: number, classes: Uint8Array): void {
    this.bx0 = x0;
    this.by0 = y0;
    this.bx1 = x1;
    this.by1 = y1;
    this.#boxClasses = classes;
  }

  /** Ends a move: the current area is the one the next tick starts from. */
  settle(): void {
    this.moved = false;
    this.pcx = this.cx;
    this.pcy = this.cy;
    this.phas = this.has;
  }

  /**
   * For a moved query, before the moved pass updates the index: whether the moved pass will
   * re-check the rows of this cell (its class changed, or it is partial). Those rows are left to it.
   * Reads the classes {@link prepareMove} computed, which are exactly what the moved pass indexes.
   */
  revisits(gx: number, gy: number): boolean {
    const before = this.indexed(gx, gy);
    return before === CELL.PARTIAL || before !== this.moveClass(gx, gy);
  }

  /** Computes the new area's cell box and the class of each of its cells, once per move. */
  prepareMove(): void {
    const [x0, y0, x1, y1] = this.box();
    const n = Math.max(0, (x1 - x0 + 1) * (y1 - y0 + 1));
    let classes = this.#moveClasses;
    if (classes.length < n || classes === this.#boxClasses) classes = this.#moveClasses = new Uint8Array(n);
    let i = 0;
    for (let gy = y0; gy <= y1; gy++)
      for (let gx = x0; gx <= x1; gx++, i++) classes[i] = this.classify(gx, gy);
    this.mx0 = x0;
    this.my0 = y0;
    this.mx1 = x1;
    this.my1 = y1;
  }

  /** The new area's class of cell (gx, gy) while moved (OUT outside the new box). */
  moveClass(gx: number, gy: number): CellClass {
    if (gx < this.mx0 || gx > this.mx1 || gy < this.my0 || gy > this.my1) return CELL.OUT;
    return this.#moveClasses[(gy - this.my0) * (this.mx1 - this.mx0 + 1) + (gx - this.mx0)]! as CellClass;
  }

  /** Makes the prepared box the registered one (the moved pass has brought the cell index up to date). */
  commitMove(): void {
    const old = this.#boxClasses;
    this.setBox(this.mx0, this.my0, this.mx1, this.my1, this.#moveClasses);
    this.#moveClasses = old;
  }

  /**
   * Sets the centre from the followed row (absent or invisible: no centre); with a step, only once
   * the row is a step or more from the centre. Returns whether the centre changed.
   */
  recenter(row: AnyRow | undefined): boolean {
    const f = this.follow!;
    const store = f.table.store;
    const has = row !== undefined && f.table.visible(row, this.client.identity);
    const x = has ? (row[store.spatialX!] as number) : 0;
    const y = has ? (row[store.spatialY!] as number) : 0;
    if (has === this.has) {
      const dx = x - this.cx;
      const dy = y - this.cy;
      // With no step (0) only an unmoved row keeps the centre: `dx * dx + dy * dy < 0` never holds.
      if ((dx === 0 && dy === 0) || (has && dx * dx + dy * dy < this.stepR2)) return false;
    }
    this.moved = true;
    this.cx = x;
    this.cy = y;
    this.has = has;
    return true;
  }

  register(): void {
    this.table.spatial.add(this);
    if (this.lod !== undefined) this.table.lod.add(this);
    this.reindex();
    const f = this.follow;
    if (f !== undefined) {
      let set = f.table.followers.get(f.mk);
      if (set === undefined) f.table.followers.set(f.mk, (set = new Set()));
      set.add(this);
    }
  }

  unregister(): void {
    this.table.spatial.delete(this);
    this.table.lod.delete(this);
    this.unindex();
    const f = this.follow;
    if (f !== undefined) {
      const set = f.table.followers.get(f.mk)!;
      set.delete(this);
      if (set.size === 0) f.table.followers.delete(f.mk);
    }
  }

  /**
   * Fills the members from the current state (enter test: no hysteresis yet). Returns the rows it
   * examined.
   */
  seed(): number {
    this.members.clear();
    // Seeding goes with a fresh copy of every member on the client (SUBSCRIBED, RESET).
    this.lod?.lagging.clear();
    if (!this.has) return 0;
    let examined = 0;
    const store = this.table.store;
    const grid = store.spatial!;
    // Walks the query's own cell box (not withinRadius), so seeding and the incremental path agree on every border case.
    const [x0, y0, x1, y1] = this.box();
    for (let gy = y0; gy <= y1; gy++)
      for (let gx = x0; gx <= x1; gx++) {
        if (this.classify(gx, gy) === CELL.OUT) continue;
        const keys = grid.keysIn(packCell(gx, gy));
        if (keys === undefined) continue;
        examined += keys.length;
        for (let i = 0; i < keys.length; i++) {
          const row = store.find(keys[i])!;
          if (this.isMember(row, false)) this.members.set(mapKey(keys[i]), keys[i]);
        }
      }
    return examined;
  }

  /** Seeding costs the rows of the cells the area touches. */
  start(): Walk {
    return { rows: this.seed(), found: undefined };
  }

  walk(): Walk {
    return { rows: this.members.size, found: undefined };
  }

  memberRows(): AnyRow[] {
    const store = this.table.store;
    const out: AnyRow[] = [];
    for (const key of this.members.values()) out.push(store.find(key)!);
    return out;
  }

  cells(): number {
    const [x0, y0, x1, y1] = this.box();
    return Math.max(0, x1 - x0 + 1) * Math.max(0, y1 - y0 + 1);
  }

  holds(mk: unknown): boolean {
    return this.members.has(mk);
  }

  resync(): void {
    if (this.follow !== undefined) {
      this.recenter(this.follow.table.store.find(this.follow.key));
      this.settle();
    }
    this.reindex();
    this.seed();
  }
}
