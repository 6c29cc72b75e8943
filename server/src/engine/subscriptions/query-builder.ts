import {
  queryKindOf,
  queryLod,
  WIRE_QUERY_KINDS,
  type Query,
  type QueryKindName,
  type QueryOfKind,
} from '../../protocol/query';
import type { ClientState, ClientTable } from './client-view';
import { FOLLOW_KIND } from './kind-follow';
import { INDEX_KIND } from './kind-index';
import { NEAR_KIND } from './kind-near';
import { RANGE_KIND } from './kind-range';
import { RECT_KIND } from './kind-rect';
import { TABLE_KIND } from './kind-table';
import type { LiveQuery } from './queries';
import { invalidQuery, type QueryKind, type QueryTables, type TablePass } from './query-kind';

export type { QueryTables } from './query-kind';

/**
 * The engine half of every query kind, by the name of its wire half. Typed so that a kind in
 * {@link WIRE_QUERY_KINDS} without an engine half here does not compile.
 */
export const QUERY_KINDS: { readonly [N in QueryKindName]: QueryKind<QueryOfKind<N>> } = {
  table: TABLE_KIND,
  index: INDEX_KIND,
  rect: RECT_KIND,
  near: NEAR_KIND,
  follow: FOLLOW_KIND,
  range: RANGE_KIND,
};

/**
 * The distinct per-tick passes of the registered kinds, in registry order (kinds that share
 * structures share a pass): the tick runs each once per changed table.
 */
export const TABLE_PASSES: readonly TablePass[] = [
  ...new Set(WIRE_QUERY_KINDS.map((w) => QUERY_KINDS[w.name].pass as TablePass)),
];

/**
 * Checks a client's query against the schema and the limits and makes its query object, by the
 * query's kind. Registering it is the caller's.
 * @throws TickspaceError UNKNOWN_INDEX, UNKNOWN_TABLE, INVALID_ARGUMENT or INVALID_QUERY
 */
export function buildQuery(
  client: ClientState,
  queryId: number,
  query: Query,
  ct: ClientTable,
  tables: QueryTables,
): LiveQuery {
  const kind: QueryKind<Query> = QUERY_KINDS[queryKindOf(query).name];
  if (queryLod(query) !== undefined && kind.lod !== true)
    throw invalidQuery(query, 'a level of detail (lod) needs a circle query (near or follow)');
  return kind.build(query, { client, queryId, ct, tables });
}
