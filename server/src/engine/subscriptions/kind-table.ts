import { TABLE_QUERY, type TableQuery } from '../../protocol/query-table';
import type { AnyRow } from '../change-set';
import type { ClientState, ClientTable } from './client-view';
import { wholeQueries } from './equality-pass';
import type { LiveQuery, TableState, Walk } from './queries';
import type { QueryKind } from './query-kind';

/** Every row of a table the viewer may see. Stateless: membership is a function of the row. */
export class WholeQuery implements LiveQuery {
  readonly sharesChunks = true;
  readonly id: number;
  readonly client: ClientState;
  readonly table: TableState;
  readonly ct: ClientTable;
  constructor(id: number, client: ClientState, table: TableState, ct: ClientTable) {
    this.id = id;
    this.client = client;
    this.table = table;
    this.ct = ct;
  }
  matches(row: AnyRow): boolean {
    return this.table.visible(row, this.client.identity);
  }
  register(): void {
    const st = this.table;
    st.whole.add(this);
    if (st.declared === undefined) return;
    const id = this.client.identity;
    let set = st.wholeByViewer.get(id);
    if (set === undefined) st.wholeByViewer.set(id, (set = new Set()));
    set.add(this);
  }
  unregister(): void {
    const st = this.table;
    st.whole.delete(this);
    const id = this.client.identity;
    const set = st.wholeByViewer.get(id);
    if (set === undefined) return;
    set.delete(this);
    if (set.size === 0) st.wholeByViewer.delete(id);
  }
  /** The whole table is walked, and its size is known without walking it; a viewer's owned rows are found. */
  start(): Walk {
    const owned = this.table.ownedRows(this.client.identity);
    if (owned !== undefined) return { rows: owned.length, found: owned };
    return { rows: this.table.store.count(), found: undefined };
  }
  walk(): Walk {
    return this.start();
  }
  memberRows(): AnyRow[] {
    // A declared visibility names its viewers' rows: found through an index, not a walk of every row.
    return (
      this.table.ownedRows(this.client.identity) ?? this.table.store.iter().filter((r) => this.matches(r))
    );
  }
  cells(): number {
    return 0;
  }
  holds(_mk: unknown, row: AnyRow): boolean {
    return this.matches(row);
  }
  resync(): void {}
}

/** The whole-table kind: no checks beyond the table's existence (the caller's). */
export const TABLE_KIND: QueryKind<TableQuery> = {
  wire: TABLE_QUERY,
  build: (_query, p) => new WholeQuery(p.queryId, p.client, p.ct.table, p.ct),
  pass: wholeQueries,
};
