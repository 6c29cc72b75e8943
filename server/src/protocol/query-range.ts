import { QUERY_KIND } from './message-types';
import { readWireIndex, wireIndexNumber, type TableQuery, type WireQueryKind } from './query-kind';
import { compileValueCodec } from './row-codec';

/**
 * Rows whose value in a one-column btree index lies in `[gte, lt)`; either bound may be left out
 * (a leaderboard bracket, the entities under 20 hp).
 */
export interface RangeQuery extends TableQuery {
  readonly range: { readonly index: string; readonly gte?: unknown; readonly lt?: unknown };
}

const GTE = 1;
const LT = 2;

/** Index range: `uvar indexNo, u8 bounds present (1: gte, 2: lt)`, then each present bound by the column's codec. */
export const RANGE_QUERY: WireQueryKind<RangeQuery, 'range'> = {
  name: 'range',
  property: 'range',
  tag: QUERY_KIND.RANGE,
  encode(w, _schema, t, q) {
    const ix = wireIndexNumber(t, q.range.index);
    const codec = compileValueCodec(t.descriptor.columns[t.descriptor.indexes[ix]!.columns[0]!]!);
    const { gte, lt } = q.range;
    w.uvar(ix).u8((gte === undefined ? 0 : GTE) | (lt === undefined ? 0 : LT));
    if (gte !== undefined) codec.encode(w, gte);
    if (lt !== undefined) codec.encode(w, lt);
  },
  decode(r, _schema, t) {
    const ix = readWireIndex(r, t);
    const codec = compileValueCodec(t.descriptor.columns[ix.columns[0]!]!);
    const bounds = r.u8();
    if (bounds > (GTE | LT)) r.fail(`range bounds byte ${bounds} is not 0 to 3`);
    const range: { index: string; gte?: unknown; lt?: unknown } = { index: ix.name };
    if ((bounds & GTE) !== 0) range.gte = codec.decode(r);
    if ((bounds & LT) !== 0) range.lt = codec.decode(r);
    return { table: t.name, range };
  },
  describe: (q) =>
    `${q.table} where ${q.range.index} in [${q.range.gte === undefined ? '-inf' : String(q.range.gte)}, ${q.range.lt === undefined ? 'inf' : String(q.range.lt)})`,
};
