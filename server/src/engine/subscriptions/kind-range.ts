import { TickspaceError } from '../../protocol/errors';
import { RANGE_QUERY, type RangeQuery } from '../../protocol/query-range';
import type { AnyRow } from '../change-set';
import { checkValue, compareValues, normalizeValue } from '../values';
import type { ClientState, ClientTable } from './client-view';
import { stateless } from './equality-pass';
import type { LiveQuery, TableState, Walk } from './queries';
import { invalidQuery, type QueryKind } from './query-kind';
import type { TableTick } from './tick-changes';

/** Rows whose btree index value lies in `[gte, lt)`. Stateless: membership is a function of the row. */
class IndexRangeQuery implements LiveQuery {
  readonly sharesChunks = false;
  readonly id: number;
  readonly client: ClientState;
  readonly table: TableState;
  readonly ct: ClientTable;
  readonly index: string;
  readonly column: string;
  readonly gte: unknown;
  readonly lt: unknown;
  constructor(
    id: number,
    client: ClientState,
    ct: ClientTable,
    index: string,
    column: string,
    gte: unknown,
    lt: unknown,
  ) {
    this.id = id;
    this.client = client;
    this.table = ct.table;
    this.ct = ct;
    this.index = index;
    this.column = column;
    this.gte = gte;
    this.lt = lt;
  }
  matches(row: AnyRow): boolean {
    const v = row[this.column];
    return (
      (this.gte === undefined || compareValues(v, this.gte) >= 0) &&
      (this.lt === undefined || compareValues(v, this.lt) < 0) &&
      this.table.visible(row, this.client.identity)
    );
  }
  register(): void {
    this.table.addToKind('range', this);
  }
  unregister(): void {
    this.table.deleteFromKind('range', this);
  }
  /** The range's rows are counted by finding them (the btree walks only them). */
  start(): Walk {
    const found = this.memberRows();
    return { rows: found.length, found };
  }
  walk(): Walk {
    return this.start();
  }
  memberRows(): AnyRow[] {
    const bounds = { gte: this.gte, lt: this.lt };
    return this.table.store.range(this.index, bounds).filter((r) => this.matches(r));
  }
  cells(): number {
    return 0;
  }
  holds(_mk: unknown, row: AnyRow): boolean {
    return this.matches(row);
  }
  resync(): void {}
}

/**
 * Each changed row against each range query of its table: old and new row decide (no structure
 * per value, so the work is changed rows times range queries on the table).
 */
function rangeQueries(st: TableState, tt: TableTick): void {
  const qs = st.byKind.get('range') as Set<IndexRangeQuery> | undefined;
  if (qs === undefined) return;
  const list = tt.list;
  for (const q of qs) for (let i = 0; i < list.length; i++) stateless(q, tt, list[i]!);
}

/** A range on a one-column btree index; each bound passes the column's rules and is normalised. */
export const RANGE_KIND: QueryKind<RangeQuery> = {
  wire: RANGE_QUERY,
  build(query, p) {
    const st = p.ct.table;
    const store = st.store;
    const name = query.range.index;
    const ix = st.wire.descriptor.indexes.find((i) => i.name === name);
    if (ix === undefined)
      throw new TickspaceError('UNKNOWN_INDEX', `table '${store.name}' has no index '${name}'`, {
        details: { table: store.name, index: name },
      });
    if (ix.kind !== 'btree' || ix.columns.length !== 1)
      throw invalidQuery(query, `index '${name}' is not a one-column btree index`);
    const col = store.columns[ix.columns[0]!]!;
    const bound = (v: unknown, which: string): unknown => {
      if (v === undefined) return undefined;
      const problem = checkValue(col, v);
      if (problem !== undefined)
        throw new TickspaceError(
          'INVALID_ARGUMENT',
          `range on '${store.name}' index '${name}' ${which}: ${problem}`,
          {
            details: { table: store.name, index: name },
          },
        );
      return normalizeValue(col, v);
    };
    const gte = bound(query.range.gte, 'gte');
    const lt = bound(query.range.lt, 'lt');
    return new IndexRangeQuery(p.queryId, p.client, p.ct, name, store.columnNames[ix.columns[0]!]!, gte, lt);
  },
  pass: rangeQueries,
};
