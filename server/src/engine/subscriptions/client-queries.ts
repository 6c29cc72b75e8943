import { queryLod, type Query } from '../../protocol/query';
import type { AnyRow } from '../change-set';
import { mapKey } from '../values';
import { ClientState, ClientTable } from './client-view';
import { buildQuery, type QueryTables } from './query-builder';
import type { TableState } from './queries';
import { invalidQuery } from './query-kind';
import type { SubscriptionCharge } from './subscription-options';

/**
 * Builds a client's query on `st`, charges it, and adds it to the client's view of the table and
 * to the table's structures. Returns the rows the query adds to the client's cache (rows another
 * query of the client on the table already holds are counted, not repeated). Nothing changes when
 * building, `charge` or `within` throws.
 * @param within runs the walks that evaluate visibility rules (the subscriptions' budget), before
 *   anything changes
 * @throws TickspaceError UNKNOWN_INDEX, UNKNOWN_TABLE, INVALID_ARGUMENT, INVALID_QUERY, or what `charge` or `within` throws
 */
export function attachQuery(
  client: ClientState,
  queryId: number,
  query: Query,
  st: TableState,
  tables: QueryTables,
  charge?: SubscriptionCharge,
  within: <R>(walk: () => R) => R = untimed,
): AnyRow[] {
  const ct = client.tables.get(st.store.id) ?? new ClientTable(st, client);
  const q = buildQuery(client, queryId, query, ct, tables);
  // A level of detail holds updates back per row, which overlapping queries would have to agree on.
  if (ct.queries.length > 0 && (queryLod(query) !== undefined || ct.queries.some((o) => lodOf(client, o.id))))
    throw invalidQuery(
      query,
      `the client already watches table '${st.store.name}' ${queryLod(query) !== undefined ? 'with another query' : 'with a level-of-detail query'}; a query with a level of detail must be the only one on its table`,
    );
  // Charged before anything is encoded or changes; a whole table (or a spatial query's members)
  // before it is walked, as its size is known; an index value's rows once they are found.
  // A second query on the table starts reference counts from the first one's rows.
  const first = ct.queries.length > 0 && ct.refs === undefined ? ct.queries[0]! : undefined;
  // The walks run module code only through the table's rule function: without one they need no
  // timing, and a timed run costs a watchdog thread (about 0.1 ms of wall time: more than the
  // walk itself for most of the dozens of queries a game client makes when it joins).
  const walks = st.rule === undefined ? untimed : within;
  const [rows, firstRows] = walks(() => {
    const own = q.start();
    const firstWalk = first?.walk();
    charge?.({ rows: own.rows + (firstWalk?.rows ?? 0), cells: q.cells() });
    return [
      own.found ?? q.memberRows(),
      first === undefined ? undefined : (firstWalk!.found ?? first.memberRows()),
    ] as const;
  });
  const added: AnyRow[] = [];
  if (ct.queries.length === 0) added.push(...rows);
  else {
    if (ct.refs === undefined) {
      const refs = new Map<unknown, number>();
      for (const r of firstRows!) refs.set(mapKey(st.store.keyOf(r)), 1);
      ct.refs = refs;
    }
    for (const r of rows) {
      const mk = mapKey(st.store.keyOf(r));
      const n = ct.refs.get(mk) ?? 0;
      ct.refs.set(mk, n + 1);
      if (n === 0) added.push(r);
    }
  }
  ct.queries.push(q);
  ct.refresh();
  client.tables.set(st.store.id, ct);
  client.queries.set(queryId, q);
  client.specs.set(queryId, query);
  q.register();
  return added;
}

/** Runs a walk as it is (for tables without a visibility rule). */
const untimed = <R>(walk: () => R): R => walk();

/** Whether the client's query `id` declares a level of detail. */
function lodOf(client: ClientState, id: number): boolean {
  const spec = client.specs.get(id);
  return spec !== undefined && queryLod(spec) !== undefined;
}

/**
 * Whether `query` would build on `st` now, without adding it anywhere: the error it would fail
 * with, or undefined.
 */
export function queryProblem(
  client: ClientState,
  queryId: number,
  query: Query,
  st: TableState,
  tables: QueryTables,
): unknown {
  try {
    buildQuery(client, queryId, query, new ClientTable(st, client), tables);
    return undefined;
  } catch (error) {
    return error;
  }
}

/**
 * Rebuilds a client table's view from its queries' current members (reference counts included
 * when several queries share the table) and returns the rows the client should hold.
 */
export function rebuildView(ct: ClientTable): AnyRow[] {
  const store = ct.table.store;
  const byKey = new Map<unknown, AnyRow>();
  const refs = new Map<unknown, number>();
  for (const q of ct.queries)
    for (const r of q.memberRows()) {
      const mk = mapKey(store.keyOf(r));
      byKey.set(mk, r);
      refs.set(mk, (refs.get(mk) ?? 0) + 1);
    }
  ct.refs = ct.queries.length > 1 ? refs : undefined;
  return [...byKey.values()];
}
