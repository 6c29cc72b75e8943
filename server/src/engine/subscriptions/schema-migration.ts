import type { VisibilityGuard } from './visibility-guard';
import { TickspaceError } from '../../protocol/errors';
import { describeQuery, queryKindOf, type Query } from '../../protocol/query';
import type { EndedQuery } from '../../protocol/schema-change';
import type { TableDescriptor } from '../../protocol/schema-descriptor';
import type { WireSchema } from '../../protocol/wire-schema';
import { RESET_REASON } from '../../protocol/message-types';
import { encodeReset, encodeSubscribeError } from '../../protocol/server-messages';
import { attachQuery, queryProblem, rebuildView } from './client-queries';
import type { ClientState } from './client-view';
import type { QueryTables } from './query-builder';
import type { TableState } from './queries';

/** A client's queries that wait for the migration's tick, and the tables (new ids) a RESET re-sends. */
export interface DeferredClient {
  readonly client: ClientState;
  readonly queries: [number, Query][];
  readonly resetTableIds: number[];
}

/** What one client's migration decided: its SCHEMA frame's parts and what waits for the tick. */
export interface ClientMigration {
  readonly ended: EndedQuery[];
  readonly deferred: DeferredClient;
  /** Queries attached at the boundary (their views carry over unchanged). */
  readonly attached: number;
}

/** Lookups the planner needs of the subscriptions' new tables. */
export interface MigrationTables extends QueryTables {
  byName(name: string): TableState | undefined;
  readonly version: number;
  /**
   * Runs a query's walks (which call visibility rules) under the visibility budget: a stop throws
   * BUDGET_EXCEEDED before the query changed anything, and the query ends with it.
   */
  within<R>(walk: () => R): R;
}

/** A table's shape on the wire, without its id (an id that moves does not change what rows hold). */
function shapeOf(t: TableDescriptor): string {
  const { id: _id, ...shape } = t;
  return JSON.stringify(shape);
}

/**
 * Names of the public tables whose cached rows a migration invalidates: tables the migration
 * rewrote (`reshaped`: converted or re-laid-out rows) and tables whose wire description changed
 * (columns, key, indexes, visibility). Removed tables are not listed (the client drops them).
 */
export function changedTables(
  before: WireSchema,
  after: WireSchema,
  reshaped: readonly string[],
): Set<string> {
  const out = new Set<string>();
  const rewritten = new Set(reshaped);
  for (const t of after.tables) {
    const old = before.tableByName(t.name);
    if (old === undefined) continue;
    if (rewritten.has(t.name) || shapeOf(old.descriptor) !== shapeOf(t.descriptor)) out.add(t.name);
  }
  return out;
}

/**
 * Whether a query's membership depends on its history (a circle's exit radius keeps rows that
 * entered): rebuilt from the tables, it may hold fewer rows than the client has, so its table is
 * re-sent whole rather than carried over.
 */
function historyDependent(q: Query): boolean {
  const kind = queryKindOf(q).name;
  return kind === 'near' || kind === 'follow';
}

function ended(queryId: number, query: Query, version: number, error: unknown): EndedQuery {
  const code = error instanceof TickspaceError ? error.code : 'INVALID_QUERY';
  const why = error instanceof Error ? error.message : String(error);
  return {
    queryId,
    code,
    message: `schema version ${version} ended the subscription ${describeQuery(query)}: ${why}`,
  };
}

/**
 * Moves one client's queries to the new tables at a migration's boundary. A query whose table,
 * index, column or followed table is gone ends. A table the migration changed, one holding a
 * query that ended or a history-dependent query, one following a changed table, every table of a
 * congested client (its cache lags) and the `forced` ones wait for the tick: they are rebuilt from
 * the tick's state and re-sent as a RESET. Every other query is rebuilt now on the same rows the
 * client holds, so the tick's changes reach it as usual and it gets nothing extra.
 */
export function migrateClient(
  client: ClientState,
  specs: readonly [number, Query][],
  changed: ReadonlySet<string>,
  forced: ReadonlySet<string>,
  tables: MigrationTables,
): ClientMigration {
  const congested = client.congestedSince >= 0;
  const byTable = new Map<string, [number, Query][]>();
  for (const s of specs) {
    const list = byTable.get(s[1].table);
    if (list === undefined) byTable.set(s[1].table, [s]);
    else list.push(s);
  }
  const out: ClientMigration = {
    ended: [],
    deferred: { client, queries: [], resetTableIds: [] },
    attached: 0,
  };
  let attached = 0;
  for (const [name, list] of byTable) {
    const st = tables.byName(name);
    if (st === undefined) {
      const gone = new TickspaceError('UNKNOWN_TABLE', `table '${name}' was removed`);
      for (const [id, q] of list) out.ended.push(ended(id, q, tables.version, gone));
      continue;
    }
    const kept: [number, Query][] = [];
    for (const [id, q] of list) {
      const problem = queryProblem(client, id, q, st, tables);
      if (problem === undefined) kept.push([id, q]);
      else out.ended.push(ended(id, q, tables.version, problem));
    }
    const resend =
      congested ||
      forced.has(name) ||
      changed.has(name) ||
      kept.length < list.length ||
      kept.some(([, q]) => historyDependent(q) || ('follow' in q && changed.has(q.follow.table)));
    if (resend) {
      out.deferred.resetTableIds.push(st.store.id);
      out.deferred.queries.push(...kept);
    } else
      for (const [id, q] of kept)
        try {
          attachQuery(client, id, q, st, tables, undefined, tables.within);
          attached++;
        } catch (error) {
          out.ended.push(ended(id, q, tables.version, error));
        }
  }
  return { ...out, attached };
}

/**
 * The migration's tick has committed: a client's waiting queries are built on that state, and
 * its RESET (reason SCHEMA) of the tables the SCHEMA announced is encoded. Returns the frames to
 * send after the tick's update, and how many queries were attached.
 */
export function finishClient(
  d: DeferredClient,
  tick: number,
  wire: WireSchema,
  table: (name: string) => TableState,
  tables: QueryTables,
  budget: { within<R>(walk: () => R): R; retrying<R>(walk: () => R): R },
): { frames: Uint8Array[]; attached: number } {
  const client = d.client;
  const frames: Uint8Array[] = [];
  let attached = 0;
  // The walks run visibility rules: under the budget, like a subscribe's (a stop refuses the query
  // before it changed anything, and the client gets the refusal as the query's error).
  for (const [id, query] of d.queries)
    try {
      attachQuery(client, id, query, table(query.table), tables, undefined, budget.within);
      attached++;
    } catch (error) {
      // Checked at the boundary; what fails now fails because of the tick's own changes.
      const e = error instanceof TickspaceError ? error : new TickspaceError('INVALID_QUERY', String(error));
      frames.push(encodeSubscribeError(id, e.code, e.message));
    }
  const rows = d.resetTableIds.map((tableId) => {
    const ct = client.tables.get(tableId);
    return { tableId, rows: ct === undefined ? [] : budget.retrying(() => rebuildView(ct)) };
  });
  frames.push(encodeReset(wire, tick, rows, { reason: RESET_REASON.SCHEMA, stateOfTick: tick }));
  return { frames, attached };
}

/**
 * Tables (new ids) a congested client stopped watching while its updates were coalesced: its
 * cache may still hold their rows, and the dirty set about to be dropped is the only record of
 * them, so the migration re-sends them empty (as resyncAll does).
 */
export function unwatchedTables(
  client: ClientState,
  oldNames: ReadonlyMap<number, string>,
  byName: ReadonlyMap<string, TableState>,
): number[] {
  const out: number[] = [];
  for (const tableId of client.dirty.keys()) {
    if (client.tables.has(tableId)) continue;
    const id = byName.get(oldNames.get(tableId) ?? '')?.store.id;
    if (id !== undefined) out.push(id);
  }
  return out;
}

/**
 * The visibility budget of a migration's re-subscriptions (the walks at its boundary and at its
 * tick), as a subscribe's: a stop refuses the query, or for a RESET's rebuild runs it again. A
 * stopped rule's rows must then leave every cache (what resyncAll does), but not halfway through
 * the migration, whose SCHEMA and RESET frames would interleave with the resync's: the caller
 * resyncs once the migration is finished ({@link takeStopped}).
 */
export class MigrationBudget {
  readonly #guard: VisibilityGuard;
  #stopped = false;

  constructor(guard: VisibilityGuard) {
    this.#guard = guard;
  }

  readonly within = <R>(walk: () => R): R => this.#guard.within(walk, () => void (this.#stopped = true));

  readonly retrying = <R>(walk: () => R): R => this.#guard.retrying(walk, () => void (this.#stopped = true));

  /** Whether a rule was stopped since the last call (the caller then resyncs every client). */
  takeStopped(): boolean {
    const stopped = this.#stopped;
    this.#stopped = false;
    return stopped;
  }
}
