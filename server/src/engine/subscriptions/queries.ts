import type { WireTable } from '../../protocol/wire-schema';
import type { AnyRow } from '../change-set';
import type { Identity } from '../identity';
import type { TableStore } from '../table-store';
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
