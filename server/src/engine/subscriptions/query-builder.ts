import { TickspaceError } from '../../protocol/errors';
import { describeQuery, type Query } from '../../protocol/query';
import { checkValue, mapKey, normalizeValue } from '../values';
import type { ClientState, ClientTable } from './client-view';
import { IndexQuery, SpatialQuery, WholeQuery, type AnyQuery, type TableState } from './queries';

/** What {@link buildQuery} needs of the subscriptions: other tables (a followed one) and the cell limit. */
export interface QueryTables {
  /** @throws TickspaceError UNKNOWN_TABLE */
  table(name: string): TableState;
  readonly maxCells: number;
}

const finite = (...xs: number[]) => xs.every((x) => Number.isFinite(x));

function invalid(query: Query, why: string, details: Record<string, unknown> = {}): TickspaceError {
  return new TickspaceError('INVALID_QUERY', `query ${describeQuery(query)}: ${why}`, {
    details: { table: query.table, ...details },
  });
}

/**
 * Checks a client's query against the schema and the limits and makes its query object: an index
 * query (typed, normalised values), a spatial one (rectangle, circle, or a circle following a row,
 * within the grid and under `maxCells` cells) or a whole-table one. Registering it is the caller's.
 * @throws TickspaceError UNKNOWN_INDEX, UNKNOWN_TABLE, INVALID_ARGUMENT or INVALID_QUERY
 */
export function buildQuery(
  client: ClientState,
  queryId: number,
  query: Query,
  ct: ClientTable,
  tables: QueryTables,
): AnyQuery {
  const st = ct.table;
  const store = st.store;
  if ('where' in query) {
    const ix = st.wire.descriptor.indexes.find((i) => i.name === query.where.index);
    if (ix === undefined)
      throw new TickspaceError('UNKNOWN_INDEX', `table '${store.name}' has no index '${query.where.index}'`, {
        details: { table: store.name, index: query.where.index },
      });
    const cols = ix.columns.map((i) => store.columns[i]!);
    const raw = cols.length === 1 ? [query.where.value] : query.where.value;
    if (!Array.isArray(raw) || raw.length !== cols.length)
      throw invalid(query, `index '${ix.name}' needs a tuple of ${cols.length} values`);
    const values = raw.map((v, i) => {
      const problem = checkValue(cols[i]!, v);
      if (problem !== undefined)
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `query on '${store.name}' index '${ix.name}': ${problem}`,
          { details: { table: store.name, index: ix.name } },
        );
      return normalizeValue(cols[i]!, v);
    });
    const value = values.length === 1 ? values[0] : values;
    return new IndexQuery(
      queryId,
      client,
      st,
      ct,
      ix.name,
      ix.columns.map((i) => store.columnNames[i]!),
      value,
      mapKey(value),
    );
  }
  const spatialOnly = () => {
    if (store.spatial === undefined) throw invalid(query, `table '${store.name}' has no spatial index`);
  };
  // The grid packs cell coordinates within ±2^25; an area beyond that cannot hold rows.
  const inGrid = (...vs: number[]) => vs.every((v) => Math.abs(v / store.spatial!.cellSize) < 2 ** 25 - 2);
  let q: SpatialQuery;
  if ('rect' in query) {
    spatialOnly();
    const r = query.rect;
    if (!finite(r.minX, r.minY, r.maxX, r.maxY) || r.minX > r.maxX || r.minY > r.maxY)
      throw invalid(query, 'the rectangle needs finite, ordered bounds');
    if (!inGrid(r.minX, r.minY, r.maxX, r.maxY))
      throw invalid(query, 'the rectangle lies outside the spatial grid');
    q = new SpatialQuery(queryId, client, st, ct, { rect: r });
  } else if ('near' in query || 'follow' in query) {
    spatialOnly();
    const c = 'near' in query ? query.near : query.follow;
    const exitRadius = c.exitRadius ?? c.radius;
    if (!finite(c.radius, exitRadius) || c.radius < 0 || exitRadius < c.radius)
      throw invalid(query, 'radius must be finite and >= 0, and exitRadius >= radius');
    if ('near' in query) {
      if (!finite(query.near.x, query.near.y)) throw invalid(query, 'the centre must be finite');
      if (
        !inGrid(
          query.near.x - exitRadius,
          query.near.x + exitRadius,
          query.near.y - exitRadius,
          query.near.y + exitRadius,
        )
      )
        throw invalid(query, 'the circle lies outside the spatial grid');
      q = new SpatialQuery(queryId, client, st, ct, {
        circle: { x: query.near.x, y: query.near.y, radius: c.radius, exitRadius },
      });
    } else {
      const ft = tables.table(query.follow.table);
      if (ft.store.spatial === undefined)
        throw invalid(query, `followed table '${ft.store.name}' has no spatial index`);
      const pk = ft.store.pkColumns.map((i) => ft.store.columns[i]!);
      const parts = pk.length === 1 ? [query.follow.key] : query.follow.key;
      if (!Array.isArray(parts) || parts.length !== pk.length)
        throw invalid(query, `the followed key needs ${pk.length} values`);
      for (let i = 0; i < pk.length; i++) {
        const problem = checkValue(pk[i]!, parts[i]);
        if (problem !== undefined)
          throw new TickspaceError('INVALID_ARGUMENT', `followed key of '${ft.store.name}': ${problem}`, {
            details: { table: ft.store.name },
          });
      }
      const key = query.follow.key;
      q = new SpatialQuery(queryId, client, st, ct, {
        followCircle: { table: ft, key, mk: mapKey(key), radius: c.radius, exitRadius },
      });
      q.recenter(ft.store.find(key));
      q.settle();
    }
  } else return new WholeQuery(queryId, client, st, ct);
  const cs = store.spatial!.cellSize;
  const span =
    'rect' in query
      ? Math.max(query.rect.maxX - query.rect.minX, query.rect.maxY - query.rect.minY)
      : 2 * q.exitR;
  // An upper bound of the query's cell box, margins included.
  const side = Math.floor(span / cs) + 3;
  if (side * side > tables.maxCells)
    throw invalid(
      query,
      `covers up to ${side * side} grid cells, more than maxQueryCells (${tables.maxCells})`,
      { cells: side * side, maxQueryCells: tables.maxCells },
    );
  return q;
}
