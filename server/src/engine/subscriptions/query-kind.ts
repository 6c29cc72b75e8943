import { TickspaceError } from '../../protocol/errors';
import { describeQuery, type Query, type TableQuery, type WireQueryKind } from '../../protocol/query';
import type { ClientState, ClientTable } from './client-view';
import type { LiveQuery, TableState } from './queries';
import type { TableTick } from './tick-changes';

/** What a query kind's `build` needs of the subscriptions: other tables (a followed one) and the cell limit. */
export interface QueryTables {
  /** @throws TickspaceError UNKNOWN_TABLE */
  table(name: string): TableState;
  readonly maxCells: number;
  /** Largest `lod.every` a query may declare. */
  readonly maxLodEvery: number;
}

/** Where a query being built will live: its client, its id, and the client's view of its table. */
export interface QueryPlace {
  readonly client: ClientState;
  readonly queryId: number;
  readonly ct: ClientTable;
  readonly tables: QueryTables;
}

/**
 * A per-tick pass over one table's net changes for the queries of one or more kinds, woken
 * through that table's structures (a value map, a cell index) rather than query by query. Passes
 * are found at registration time: the tick calls each distinct pass once per changed table.
 */
export type TablePass = (st: TableState, tt: TableTick) => void;

/**
 * The engine half of one query kind (its wire half is {@link WireQueryKind}). `build` checks a
 * client's query against the schema and the limits and makes its {@link LiveQuery}, which carries
 * the rest: how it registers in its table's structures, its members, its visibility, its cost.
 * Each kind lives in a `kind-<name>.ts` file and is listed in `QUERY_KINDS` (query-builder.ts).
 */
export interface QueryKind<Q extends TableQuery> {
  readonly wire: WireQueryKind<Q>;
  /**
   * Makes the query object. Registering it (and charging for it) is the caller's.
   * @throws TickspaceError UNKNOWN_INDEX, UNKNOWN_TABLE, INVALID_ARGUMENT or INVALID_QUERY
   */
  build(query: Q, place: QueryPlace): LiveQuery;
  /** The pass that maintains this kind's queries each tick (shared by kinds that share structures). */
  readonly pass: TablePass;
  /** True for kinds that honour a level of detail (`lod`); the others refuse one. */
  readonly lod?: true;
}

/** INVALID_QUERY naming the query: what is wrong with it, and why. */
export function invalidQuery(
  query: Query,
  why: string,
  details: Record<string, unknown> = {},
): TickspaceError {
  return new TickspaceError('INVALID_QUERY', `query ${describeQuery(query)}: ${why}`, {
    details: { table: query.table, ...details },
  });
}
