import type { WireTable } from '../../protocol/wire-schema';
import type { AnyRow } from '../change-set';
import type { Identity } from '../identity';
import type { TableStore } from '../table-store';
import { mapKey } from '../values';
import type { ClientState, ClientTable } from './client-view';
import type { IndexQuery } from './kind-index';
import type { WholeQuery } from './kind-table';
import type { CellSubscribers, SpatialQuery } from './spatial-query';
import type { DeclaredVisibility } from '../schema';
import { declaredRule, isDeclaredVisibility, type VisibilityRule } from '../visibility';
import type { VisibilityGuard } from './visibility-guard';

/** What walking a query's rows costs, and the rows when they had to be found to count them. */
export interface Walk {
  readonly rows: number;
  readonly found: AnyRow[] | undefined;
}

/**
 * One client's live query, whatever its kind. The subscriptions call these at subscribe,
 * unsubscribe and resync time; the per-tick passes work on the kinds' own classes.
 */
export interface LiveQuery {
  /** The client's query id. */
  readonly id: number;
  readonly client: ClientState;
  readonly table: TableState;
  readonly ct: ClientTable;
  /**
   * True when the query holds every visible row of its table or of a grid cell it fully covers:
   * alone on a table without a visibility rule, its updates may then come from shared bytes.
   */
  readonly sharesChunks: boolean;
  /** Adds the query to its table's structures, where the tick's pass finds it. */
  register(): void;
  /** Removes it from them. */
  unregister(): void;
  /** Builds the state the query keeps from the current tables (members) and says what finding its rows costs. */
  start(): Walk;
  /** What walking the rows it holds now costs. */
  walk(): Walk;
  /** The rows it holds now. */
  memberRows(): AnyRow[];
  /** The grid cells it covers (0 unless spatial): the cells part of its cost. */
  cells(): number;
  /** Whether it holds this row (which exists) now. */
  holds(mk: unknown, row: AnyRow): boolean;
  /** Rebuilds its state from the current tables (after a rewind or a failed tick). */
  resync(): void;
}

/** Subscription bookkeeping of one public table: which queries to wake for which change. */
export class TableState {
  readonly store: TableStore;
  readonly wire: WireTable;
  /** The table's visibility, either form, as a rule (undefined: every row is visible). */
  readonly visibility: VisibilityRule | undefined;
  /** The module's own rule function: module code, run under the visibility budget. */
  readonly rule: VisibilityRule | undefined;
  /** A declared visibility: read from the row, so a change is routed to the viewers it names. */
  readonly declared: DeclaredVisibility | undefined;
  readonly whole = new Set<WholeQuery>();
  /** With a declared visibility: the whole-table queries by their client's identity. */
  readonly wholeByViewer = new Map<Identity, Set<WholeQuery>>();
  /** Index name -> value map key -> equality queries. */
  readonly byIndex = new Map<string, Map<unknown, Set<IndexQuery>>>();
  /**
   * Packed grid cell -> the spatial queries whose area touches it, with the cell's class for each
   * (PARTIAL or FULL; a cell outside an area is not listed). A change in a cell wakes only these.
   */
  readonly cells = new Map<number, CellSubscribers>();
  readonly spatial = new Set<SpatialQuery>();
  /** The spatial queries here with a level of detail: the end of each tick walks their lagging rows. */
  readonly lod = new Set<SpatialQuery>();
  /** Row map key -> spatial queries (on any table) that follow this row. */
  readonly followers = new Map<unknown, Set<SpatialQuery>>();
  /** Kind name -> its queries here, for kinds that need no structure of their own above. */
  readonly byKind = new Map<string, Set<LiveQuery>>();
  /** Set when the visibility budget stopped this table's rule: every row is hidden from then on. */
  stopped = false;
  readonly #guard: VisibilityGuard;

  constructor(store: TableStore, wire: WireTable, guard: VisibilityGuard) {
    this.store = store;
    this.wire = wire;
    this.#guard = guard;
    const v = store.def.options.visibility as unknown;
    this.rule = typeof v === 'function' ? (v as VisibilityRule) : undefined;
    this.declared = isDeclaredVisibility(v) ? v : undefined;
    this.visibility = this.rule ?? (this.declared === undefined ? undefined : declaredRule(this.declared));
    this.stopped = guard.stopped.has(store.name);
  }

  /**
   * With a declared visibility and no `everyoneWhen`: the rows `viewer` may see, found through the
   * primary key or a one-column index on each `to` column, in that column order; undefined when a
   * column has neither (the caller walks the table).
   */
  ownedRows(viewer: Identity): AnyRow[] | undefined {
    const plan = (this.#ownedPlan ??= ownedPlan(this.store, this.declared));
    if (plan === null) return undefined;
    const store = this.store;
    if (plan.length === 1) {
      const p = plan[0]!;
      if (p === PRIMARY_KEY) {
        const row = store.find(viewer);
        return row === undefined ? [] : [row];
      }
      return store.filter(p, viewer);
    }
    const out: AnyRow[] = [];
    const seen = new Set<unknown>();
    for (const p of plan)
      for (const row of p === PRIMARY_KEY ? [store.find(viewer)] : store.filter(p, viewer)) {
        if (row === undefined) continue;
        const mk = mapKey(store.keyOf(row));
        if (seen.has(mk)) continue;
        seen.add(mk);
        out.push(row);
      }
    return out;
  }
  #ownedPlan: readonly string[] | null | undefined;

  /** Whether any query reads this table or follows one of its rows. */
  get active(): boolean {
    return (
      this.whole.size > 0 ||
      this.byIndex.size > 0 ||
      this.spatial.size > 0 ||
      this.followers.size > 0 ||
      this.byKind.size > 0
    );
  }

  /** Adds a query to its kind's set (see {@link byKind}). */
  addToKind(kind: string, q: LiveQuery): void {
    let set = this.byKind.get(kind);
    if (set === undefined) this.byKind.set(kind, (set = new Set()));
    set.add(q);
  }

  /** Removes a query from its kind's set; the last one removes the set, so the table can go idle. */
  deleteFromKind(kind: string, q: LiveQuery): void {
    const set = this.byKind.get(kind);
    if (set === undefined) return;
    set.delete(q);
    if (set.size === 0) this.byKind.delete(kind);
  }

  /**
   * The visibility rule. A declared one is read from the row. A module's function that throws
   * hides the row rather than failing the tick, and so
   * does one the visibility budget stopped. The call is marked in flight for the guard: a stop
   * runs no `finally`, so the mark then names the rule that was running (see VisibilityGuard).
   */
  visible(row: AnyRow, viewer: Identity): boolean {
    const rule = this.rule;
    if (rule === undefined) return this.visibility === undefined || this.visibility(row, viewer);
    if (this.stopped) return false;
    const guard = this.#guard;
    guard.inFlight = this;
    guard.inFlightRow = row;
    guard.inFlightViewer = viewer;
    try {
      return rule(row, viewer) === true;
    } catch {
      return false;
    } finally {
      guard.inFlight = undefined;
    }
  }
}

/** An owned-rows lookup through the primary key (see {@link TableState.ownedRows}). */
const PRIMARY_KEY = '';

/** How {@link TableState.ownedRows} finds a viewer's rows: per `to` column, the primary key or an index name. */
function ownedPlan(store: TableStore, declared: DeclaredVisibility | undefined): readonly string[] | null {
  if (declared === undefined || declared.everyoneWhen !== undefined) return null;
  const names = Object.keys(store.def.columns);
  const pk = store.pkColumns;
  const plan: string[] = [];
  for (const col of declared.to) {
    if (pk.length === 1 && names[pk[0]!] === col) {
      plan.push(PRIMARY_KEY);
      continue;
    }
    const flags = store.def.columns[col]!.flags;
    const index =
      flags.unique || flags.index !== undefined
        ? col
        : store.def.options.indexes?.find((d) => d.columns.length === 1 && d.columns[0] === col)?.name;
    if (index === undefined) return null;
    plan.push(index);
  }
  return plan;
}
