import { TickspaceError } from '../../protocol/errors';
import { FOLLOW_QUERY, followStepProblem, type FollowQuery } from '../../protocol/query-follow';
import { checkValue, mapKey } from '../values';
import { checkLod, checkRadii, requireSpatial, withinCellLimit } from './kind-spatial';
import { invalidQuery, type QueryKind } from './query-kind';
import { spatialChanges } from './spatial-pass';
import { SpatialQuery } from './spatial-query';

/**
 * A circle following a row: valid radii and step, a followed table with a spatial index and a key
 * of its primary key's shape. The area starts where the row is now (nowhere while it does not exist).
 */
export const FOLLOW_KIND: QueryKind<FollowQuery> = {
  wire: FOLLOW_QUERY,
  build(query, p) {
    const st = p.ct.table;
    requireSpatial(query, st);
    const exitRadius = checkRadii(query, query.follow);
    const stepProblem = followStepProblem(query.follow);
    if (stepProblem !== undefined) throw invalidQuery(query, stepProblem);
    const ft = p.tables.table(query.follow.table);
    if (ft.store.spatial === undefined)
      throw invalidQuery(query, `followed table '${ft.store.name}' has no spatial index`);
    const pk = ft.store.pkColumns.map((i) => ft.store.columns[i]!);
    const parts = pk.length === 1 ? [query.follow.key] : query.follow.key;
    if (!Array.isArray(parts) || parts.length !== pk.length)
      throw invalidQuery(query, `the followed key needs ${pk.length} values`);
    for (let i = 0; i < pk.length; i++) {
      const problem = checkValue(pk[i]!, parts[i]);
      if (problem !== undefined)
        throw new TickspaceError('INVALID_ARGUMENT', `followed key of '${ft.store.name}': ${problem}`, {
          details: { table: ft.store.name },
        });
    }
    const key = query.follow.key;
    const lod = checkLod(query, p.tables);
    const q = new SpatialQuery(
      p.queryId,
      p.client,
      st,
      p.ct,
      {
        followCircle: {
          table: ft,
          key,
          mk: mapKey(key),
          radius: query.follow.radius,
          exitRadius,
          step: query.follow.step ?? 0,
        },
      },
      lod,
    );
    q.recenter(ft.store.find(key));
    q.settle();
    return withinCellLimit(query, q, 2 * q.exitR, p.tables);
  },
  pass: spatialChanges,
  lod: true,
};
