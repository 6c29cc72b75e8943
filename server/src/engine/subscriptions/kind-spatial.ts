import { queryLod, type Query } from '../../protocol/query';
import { lodProblem, type LodSpec } from '../../protocol/query-lod';
import type { CircleArea } from '../../protocol/query-near';
import type { TableState } from './queries';
import { invalidQuery, type QueryTables } from './query-kind';
import type { SpatialQuery } from './spatial-query';

/*
 * The checks the spatial kinds (rect, near, follow) share: a spatial table, finite geometry inside
 * the grid, and a cell box under `maxQueryCells`.
 */

/** Whether every number is finite. */
export const finite = (...xs: number[]): boolean => xs.every((x) => Number.isFinite(x));

/** @throws TickspaceError INVALID_QUERY when the table has no spatial index */
export function requireSpatial(query: Query, st: TableState): void {
  if (st.store.spatial === undefined)
    throw invalidQuery(query, `table '${st.store.name}' has no spatial index`);
}

/** Whether the coordinates lie where the grid packs cells (within ±2^25): an area beyond cannot hold rows. */
export function inGrid(st: TableState, ...vs: number[]): boolean {
  const cs = st.store.spatial!.cellSize;
  return vs.every((v) => Math.abs(v / cs) < 2 ** 25 - 2);
}

/**
 * Checks a circle's radii; returns the exit radius (the radius when none is given).
 * @throws TickspaceError INVALID_QUERY
 */
export function checkRadii(query: Query, c: CircleArea): number {
  const exitRadius = c.exitRadius ?? c.radius;
  if (!finite(c.radius, exitRadius) || c.radius < 0 || exitRadius < c.radius)
    throw invalidQuery(query, 'radius must be finite and >= 0, and exitRadius >= radius');
  return exitRadius;
}

/**
 * Refuses a query whose area `span` wide could cover more than `maxQueryCells` cells (an upper
 * bound of its cell box, margins included); returns the query otherwise.
 * @throws TickspaceError INVALID_QUERY
 */
export function withinCellLimit(
  query: Query,
  q: SpatialQuery,
  span: number,
  tables: QueryTables,
): SpatialQuery {
  const side = Math.floor(span / q.table.store.spatial!.cellSize) + 3;
  if (side * side > tables.maxCells)
    throw invalidQuery(
      query,
      `covers up to ${side * side} grid cells, more than maxQueryCells (${tables.maxCells})`,
      { cells: side * side, maxQueryCells: tables.maxCells },
    );
  return q;
}

/**
 * Checks a circle query's level of detail, if it declares one, against `maxLodEvery`.
 * @throws TickspaceError INVALID_QUERY
 */
export function checkLod(query: Query, tables: QueryTables): LodSpec | undefined {
  const lod = queryLod(query);
  if (lod === undefined) return undefined;
  const problem = lodProblem(lod, tables.maxLodEvery);
  if (problem !== undefined) throw invalidQuery(query, problem, { maxLodEvery: tables.maxLodEvery });
  return { radius: lod.radius, every: lod.every };
}
