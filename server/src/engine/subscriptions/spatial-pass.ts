import type { AnyRow } from '../change-set';
import { cellX, cellY, packCell } from '../spatial-grid';
import type { TableState } from './queries';
import { CELL, type SpatialQuery } from './spatial-query';
import { NO_CELL, type NetChange, type TableTick } from './tick-changes';

/*
 * The per-tick maintenance of spatial queries: rows that changed in place or crossed cells
 * ({@link spatialChanges}), and queries whose area moved ({@link movedQuery}). Each (query, row)
 * pair is evaluated at most once per tick; membership keeps the queries' hysteresis.
 */

/**
 * Evaluates one row for one spatial query: was it a member (old row, pre-move area), is it now?
 * The passes below hand each (query, row) pair to it at most once per tick.
 */
function spatial(
  q: SpatialQuery,
  tt: TableTick,
  mk: unknown,
  key: unknown,
  row: AnyRow | undefined,
  old: AnyRow | undefined,
  change: NetChange | undefined,
): void {
  const was = q.wasMember(mk, old);
  apply(q, tt, mk, key, was, q.isMember(row, was), row, change);
}

/** Records one (query, row) evaluation: membership changes and what the client receives. */
function apply(
  q: SpatialQuery,
  tt: TableTick,
  mk: unknown,
  key: unknown,
  was: boolean,
  is: boolean,
  row: AnyRow | undefined,
  change: NetChange | undefined,
): void {
  if (was === is) {
    if (!is || change === undefined) return;
  } else if (is) q.members.set(mk, key);
  else {
    q.members.delete(mk);
    q.lod?.drop(mk);
  }
  const ct = q.ct;
  if (ct.refs !== undefined) {
    ct.transition(tt, mk, key, was, is, row, change);
    return;
  }
  // One query on the table (the common case, and always so with a level of detail): its
  // transitions are the client's.
  if (was && is) {
    if (change!.old === undefined || held(q, tt, change!)) return;
    if (tt.body(change!)) {
      ct.open(tt);
      ct.ups.push(change!);
    }
  } else ct.transition(tt, mk, key, was, is, row, change);
}

/** Whether a level of detail holds back this update of a member that stays one (see {@link LodBand.hold}). */
function held(q: SpatialQuery, tt: TableTick, c: NetChange): boolean {
  const lod = q.lod;
  return lod !== undefined && lod.hold(tt.tick, c.mk, c.old!, q.d2(c.nx, c.ny));
}

/** A member before and after whose row changed: an update for the client. */
function stayed(q: SpatialQuery, tt: TableTick, c: NetChange): void {
  const ct = q.ct;
  if (ct.refs !== undefined) ct.transition(tt, c.mk, c.key, true, true, c.new, c);
  else if (held(q, tt, c)) return;
  else if (tt.body(c)) {
    ct.open(tt);
    ct.ups.push(c);
  }
}

/**
 * {@link spatial} for the in-place changes of one cell and a {@link SpatialQuery.plainCircle}:
 * membership is arithmetic on the coordinates the tick read once; the member map is read only
 * in the hysteresis band, as {@link SpatialQuery.wasMember} does.
 */
function circleChanges(q: SpatialQuery, tt: TableTick, changes: readonly NetChange[]): void {
  const pcx = q.pcx;
  const pcy = q.pcy;
  const cx = q.cx;
  const cy = q.cy;
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    let dx = c.ox - pcx;
    let dy = c.oy - pcy;
    const before = dx * dx + dy * dy;
    dx = c.nx - cx;
    dy = c.ny - cy;
    circleRow(q, tt, before, dx * dx + dy * dy, c.mk, c.key, c.new, c);
  }
}

/**
 * One row of a plain circle from its squared distances to the centre before and after the tick.
 * Well inside both times: an update at most; outside both: nothing; near the boundary (or a side
 * missing: NaN): the zones of {@link SpatialQuery.wasMember} and {@link SpatialQuery.isMember}.
 */
function circleRow(
  q: SpatialQuery,
  tt: TableTick,
  before: number,
  after: number,
  mk: unknown,
  key: unknown,
  row: AnyRow | undefined,
  change: NetChange | undefined,
): void {
  const in2 = q.enterR2;
  const out2 = q.exitR2;
  if (before <= in2 && after <= in2) {
    if (change !== undefined) stayed(q, tt, change);
  } else if (!(before > out2 && after > out2)) {
    const was = before <= in2 || (before <= out2 && q.members.has(mk));
    apply(q, tt, mk, key, was, after <= in2 || (after <= out2 && was), row, change);
  }
}

/**
 * The rows of one table that changed this tick, against the spatial queries whose cells hold them:
 * in-place changes cell by cell, then the rows that crossed cells.
 */
export function spatialChanges(st: TableState, tt: TableTick): void {
  if (st.spatial.size === 0) return;
  // The cell index still holds each query's classes from before this tick's moves. A moved
  // query leaves the cells it will re-check (see `revisits`) to its moved pass.
  for (const [cell, chunk] of tt.stays) {
    const subs = st.cells.get(cell);
    if (subs === undefined) continue;
    const gx = cellX(cell);
    const gy = cellY(cell);
    const changes = chunk.changes;
    const qs = subs.queries;
    const classes = subs.classes;
    for (let k = 0; k < qs.length; k++) {
      const q = qs[k]!;
      const before = classes[k]!;
      if (q.moved && q.revisits(gx, gy)) continue;
      if (before === CELL.FULL && q.ct.chunkable) {
        // Every row of a cell that stays fully inside is a member before and after: the shared run
        // serves them all, unless a level of detail holds some of them back.
        if (q.lod === undefined || lodChunk(q, tt.tick, gx, gy, changes)) {
          tt.chunk(chunk);
          if (chunk.count > 0) {
            q.ct.open(tt);
            q.ct.chunks.push(chunk);
          }
        } else lodCell(q, tt, gx, gy, changes);
      } else if (q.plainCircle) circleChanges(q, tt, changes);
      else
        for (let i = 0; i < changes.length; i++) {
          const c = changes[i]!;
          spatial(q, tt, c.mk, c.key, c.new, c.old, c);
        }
    }
  }
  for (const c of tt.crossers) {
    const a = c.oldCell === NO_CELL ? undefined : st.cells.get(c.oldCell);
    const b = c.newCell === NO_CELL ? undefined : st.cells.get(c.newCell);
    if (a === undefined && b === undefined) continue;
    const nx = c.newCell === NO_CELL ? 0 : cellX(c.newCell);
    const ny = c.newCell === NO_CELL ? 0 : cellY(c.newCell);
    const gone = c.newCell === NO_CELL;
    if (a !== undefined)
      for (let k = 0; k < a.queries.length; k++) {
        const q = a.queries[k]!;
        if (!q.moved || gone || !q.revisits(nx, ny)) spatial(q, tt, c.mk, c.key, c.new, c.old, c);
      }
    if (b !== undefined)
      for (let k = 0; k < b.queries.length; k++) {
        const q = b.queries[k]!;
        if ((a === undefined || !a.has(q)) && (!q.moved || gone || !q.revisits(nx, ny)))
          spatial(q, tt, c.mk, c.key, c.new, c.old, c);
      }
  }
}

/**
 * Whether a level-of-detail query may take a fully covered cell's shared run: every update of the
 * cell goes out now (the cell lies within the near radius, or the band refreshes this tick) and
 * none of its changed rows lags (a lagging row's update is the walk's, from the row the client
 * holds).
 */
function lodChunk(
  q: SpatialQuery,
  tick: number,
  gx: number,
  gy: number,
  changes: readonly NetChange[],
): boolean {
  const lod = q.lod!;
  if (!lod.refreshes(tick) && !q.nearCell(gx, gy)) return false;
  const lagging = lod.lagging;
  if (lagging.size > 0)
    for (let i = 0; i < changes.length; i++) if (lagging.has(changes[i]!.mk)) return false;
  return true;
}

/**
 * The in-place changes of a fully covered cell that a level of detail may hold back: every row is
 * a member before and after, so only the near radius decides. A cell wholly beyond it, in a tick
 * in which the band does not refresh, holds every update back with no per-row arithmetic.
 */
function lodCell(
  q: SpatialQuery,
  tt: TableTick,
  gx: number,
  gy: number,
  changes: readonly NetChange[],
): void {
  const lod = q.lod!;
  const margin = lod.refreshes(tt.tick) ? 0 : q.farMargin(gx, gy);
  if (margin > 0) {
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      lod.holdFar(c.mk, c.old!);
    }
    lod.keepCellMargin(margin);
    return;
  }
  for (let i = 0; i < changes.length; i++) stayed(q, tt, changes[i]!);
}

/**
 * The end of a tick for a level-of-detail query: every lagging row that is near now (from the
 * centre now) or whose band refreshes this tick receives one update, from the row the client
 * holds to the row now. Runs after the passes and the moved pass, when {@link LodBand.walkDue}.
 */
export function flushLagging(q: SpatialQuery, tt: TableTick): void {
  const lod = q.lod!;
  lod.flushDue = false;
  const refreshing = lod.refreshes(tt.tick);
  const store = q.table.store;
  const xs = store.spatialX!;
  const ys = store.spatialY!;
  lod.resetSlack();
  const lagging = lod.lagging;
  for (const [mk, sent] of lagging) {
    // The row now: this tick's change has it at hand; an unchanged row is the store's.
    const row = tt.net.get(mk)?.new ?? store.find(store.keyOf(sent))!;
    if (!refreshing) {
      const d2 = q.d2(row[xs] as number, row[ys] as number);
      if (d2 > lod.nearR2) {
        lod.keepMargin(d2);
        continue;
      }
      lagging.delete(mk);
    }
    // Clients that last received the same version of the row share the encoded catch-up.
    const c = tt.catchUp(mk, sent, row);
    if (c === undefined) continue;
    q.ct.open(tt);
    q.ct.ups.push(c);
  }
  if (refreshing) lagging.clear();
}

/**
 * A query whose area moved: re-checks every row of the cells whose class changed or that are
 * partial, and brings the cell index up to date.
 */
export function movedQuery(q: SpatialQuery, tt: TableTick): void {
  const nx0 = q.mx0;
  const ny0 = q.my0;
  const nx1 = q.mx1;
  const ny1 = q.my1;
  for (let gy = ny0; gy <= ny1; gy++)
    for (let gx = nx0; gx <= nx1; gx++) {
      const before = q.indexed(gx, gy);
      const after = q.moveClass(gx, gy);
      if (before === after && before !== CELL.PARTIAL) continue;
      const cell = packCell(gx, gy);
      if (before !== after) q.setIndexed(cell, after);
      recheck(q, tt, cell);
    }
  // Members lie in the old box (they were within exitRadius of the old centre), so visiting the
  // cells of both boxes whose class may have changed reaches every row that can enter or leave.
  for (let gy = q.by0; gy <= q.by1; gy++)
    for (let gx = q.bx0; gx <= q.bx1; gx++) {
      if (gx >= nx0 && gx <= nx1 && gy >= ny0 && gy <= ny1) continue;
      if (q.indexed(gx, gy) === CELL.OUT) continue;
      const cell = packCell(gx, gy);
      q.setIndexed(cell, CELL.OUT);
      recheck(q, tt, cell);
    }
  q.commitMove();
}

/**
 * Re-evaluates every row of one cell for a moved query, from the cell's rows as the tick
 * gathered them once for every query (see {@link TableTick.cellRows}); for a plain circle,
 * membership is arithmetic as in {@link circleChanges}.
 */
function recheck(q: SpatialQuery, tt: TableTick, cell: number): void {
  const cr = tt.cellRows(cell);
  if (cr === undefined) return;
  const n = cr.keys.length;
  if (!q.plainCircle) {
    for (let i = 0; i < n; i++) spatial(q, tt, cr.mks[i], cr.keys[i], cr.rows[i], cr.olds[i], cr.changes[i]);
    return;
  }
  const xy = cr.xy;
  const pcx = q.pcx;
  const pcy = q.pcy;
  const cx = q.cx;
  const cy = q.cy;
  for (let i = 0; i < n; i++) {
    let dx = xy[4 * i]! - pcx;
    let dy = xy[4 * i + 1]! - pcy;
    const before = dx * dx + dy * dy;
    dx = xy[4 * i + 2]! - cx;
    dy = xy[4 * i + 3]! - cy;
    circleRow(q, tt, before, dx * dx + dy * dy, cr.mks[i], cr.keys[i], cr.rows[i], cr.changes[i]);
  }
}
