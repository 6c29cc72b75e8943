import { TickspaceError } from '../../protocol/errors';
import { INDEX_QUERY, type IndexQuery as IndexWireQuery } from '../../protocol/query-index';
import type { AnyRow } from '../change-set';
import { checkValue, compareValues, mapKey, normalizeValue } from '../values';
import type { ClientState, ClientTable } from './client-view';
import { indexQueries, indexValueOf } from './equality-pass';
import type { LiveQuery, TableState, Walk } from './queries';
import { invalidQuery, type QueryKind } from './query-kind';

/** Rows whose index columns equal a value. Stateless. */
export class IndexQuery implements LiveQuery {
  readonly sharesChunks = false;
  readonly id: number;
  readonly client: ClientState;
  readonly table: TableState;
  readonly ct: ClientTable;
  readonly index: string;
  readonly columns: readonly string[];
  /** The value, or a tuple for a composite index. */
  readonly value: unknown;
  readonly valueMk: unknown;
  constructor(
    id: number,
    client: ClientState,
    table: TableState,
    ct: ClientTable,
    index: string,
    columns: readonly string[],
    value: unknown,
    valueMk: unknown,
  ) {
    this.id = id;
    this.client = client;
    this.table = table;
    this.ct = ct;
    this.index = index;
    this.columns = columns;
    this.value = value;
    this.valueMk = valueMk;
  }
  matches(row: AnyRow): boolean {
    return (
      compareValues(indexValueOf(this.columns, row), this.value) === 0 &&
      this.table.visible(row, this.client.identity)
    );
  }
  register(): void {
    const st = this.table;
    let byValue = st.byIndex.get(this.index);
    if (byValue === undefined) st.byIndex.set(this.index, (byValue = new Map()));
    let set = byValue.get(this.valueMk);
    if (set === undefined) byValue.set(this.valueMk, (set = new Set()));
    set.add(this);
  }
  unregister(): void {
    const st = this.table;
    const byValue = st.byIndex.get(this.index)!;
    const set = byValue.get(this.valueMk)!;
    set.delete(this);
    if (set.size === 0) byValue.delete(this.valueMk);
    if (byValue.size === 0) st.byIndex.delete(this.index);
  }
  /** An index value's rows are counted by finding them. */
  start(): Walk {
    const found = this.memberRows();
    return { rows: found.length, found };
  }
  walk(): Walk {
    return this.start();
  }
  memberRows(): AnyRow[] {
    return this.table.store.filter(this.index, this.value).filter((r) => this.matches(r));
  }
  cells(): number {
    return 0;
  }
  holds(_mk: unknown, row: AnyRow): boolean {
    return this.matches(row);
  }
  resync(): void {}
}

/** Index equality: the index exists, and the value (or tuple) passes its columns' rules, normalised. */
export const INDEX_KIND: QueryKind<IndexWireQuery> = {
  wire: INDEX_QUERY,
  build(query, p) {
    const st = p.ct.table;
    const store = st.store;
    const ix = st.wire.descriptor.indexes.find((i) => i.name === query.where.index);
    if (ix === undefined)
      throw new TickspaceError('UNKNOWN_INDEX', `table '${store.name}' has no index '${query.where.index}'`, {
        details: { table: store.name, index: query.where.index },
      });
    const cols = ix.columns.map((i) => store.columns[i]!);
    const raw = cols.length === 1 ? [query.where.value] : query.where.value;
    if (!Array.isArray(raw) || raw.length !== cols.length)
      throw invalidQuery(query, `index '${ix.name}' needs a tuple of ${cols.length} values`);
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
      p.queryId,
      p.client,
      st,
      p.ct,
      ix.name,
      ix.columns.map((i) => store.columnNames[i]!),
      value,
      mapKey(value),
    );
  },
  pass: indexQueries,
};
