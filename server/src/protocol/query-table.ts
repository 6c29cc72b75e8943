import { QUERY_KIND } from './message-types';
import type { TableQuery, WireQueryKind } from './query-kind';

export type { TableQuery } from './query-kind';

/** Whole table: `uvar tableId` and nothing more. */
export const TABLE_QUERY: WireQueryKind<TableQuery, 'table'> = {
  name: 'table',
  property: undefined,
  tag: QUERY_KIND.TABLE,
  encode() {},
  decode: (_r, _schema, t) => ({ table: t.name }),
  describe: (q) => `${q.table} (whole table)`,
};
