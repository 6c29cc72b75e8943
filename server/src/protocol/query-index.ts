import { QUERY_KIND } from './message-types';
import { readWireIndex, wireIndexNumber, type TableQuery, type WireQueryKind } from './query-kind';
import { compileValueCodec } from './row-codec';

/** Rows whose index columns equal `value` (a tuple for a composite index). */
export interface IndexQuery extends TableQuery {
  readonly where: { readonly index: string; readonly value: unknown };
}

/** Index equality: `uvar indexNo`, then each index column's value by its column codec. */
export const INDEX_QUERY: WireQueryKind<IndexQuery, 'index'> = {
  name: 'index',
  property: 'where',
  tag: QUERY_KIND.INDEX_EQ,
  encode(w, _schema, t, q) {
    const ix = wireIndexNumber(t, q.where.index);
    const cols = t.descriptor.indexes[ix]!.columns;
    w.uvar(ix);
    const values = cols.length === 1 ? [q.where.value] : (q.where.value as readonly unknown[]);
    for (let i = 0; i < cols.length; i++)
      compileValueCodec(t.descriptor.columns[cols[i]!]!).encode(w, values[i]);
  },
  decode(r, _schema, t) {
    const ix = readWireIndex(r, t);
    const values = ix.columns.map((c) => compileValueCodec(t.descriptor.columns[c]!).decode(r));
    return { table: t.name, where: { index: ix.name, value: values.length === 1 ? values[0] : values } };
  },
  describe: (q) => `${q.table} where ${q.where.index} = ${String(q.where.value)}`,
};
