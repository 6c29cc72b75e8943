import { QUERY_KIND } from './message-types';
import type { CircleArea } from './query-near';
import type { LodSpec } from './query-lod';
import { readWireTable, wireTableByName, type TableQuery, type WireQueryKind } from './query-kind';

/**
 * Rows within a circle that follows a row (usually the player's own entity): the server moves the
 * area as that row moves, without round trips. The followed table needs a spatial index (its x/y
 * columns give the centre). While the followed row does not exist, the query holds no rows.
 */
export interface FollowQuery extends TableQuery {
  readonly follow: CircleArea & { readonly table: string; readonly key: unknown };
  /** Far rows update less often (see {@link LodSpec}). @default undefined (every row every tick) */
  readonly lod?: LodSpec;
}

/** Following circle: `uvar followTableId, key, f64 radius, exitRadius`. */
export const FOLLOW_QUERY: WireQueryKind<FollowQuery, 'follow'> = {
  name: 'follow',
  property: 'follow',
  tag: QUERY_KIND.FOLLOW,
  encode(w, schema, _t, q) {
    const f = wireTableByName(schema, q.follow.table);
    w.uvar(f.id);
    f.key.encode(w, q.follow.key);
    w.f64(q.follow.radius).f64(q.follow.exitRadius ?? q.follow.radius);
  },
  decode(r, schema, t) {
    const f = readWireTable(r, schema);
    const key = f.key.decode(r);
    return { table: t.name, follow: { table: f.name, key, radius: r.f64(), exitRadius: r.f64() } };
  },
  describe: (q) => `${q.table} following ${q.follow.table} ${String(q.follow.key)} r=${q.follow.radius}`,
};
