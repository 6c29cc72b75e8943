import { NEAR_QUERY, type NearQuery } from '../../protocol/query-near';
import { checkLod, checkRadii, finite, inGrid, requireSpatial, withinCellLimit } from './kind-spatial';
import { invalidQuery, type QueryKind } from './query-kind';
import { spatialChanges } from './spatial-pass';
import { SpatialQuery } from './spatial-query';

/** A fixed circle with hysteresis: valid radii, a finite centre, inside the grid. */
export const NEAR_KIND: QueryKind<NearQuery> = {
  wire: NEAR_QUERY,
  build(query, p) {
    const st = p.ct.table;
    requireSpatial(query, st);
    const { x, y, radius } = query.near;
    const exitRadius = checkRadii(query, query.near);
    if (!finite(x, y)) throw invalidQuery(query, 'the centre must be finite');
    if (!inGrid(st, x - exitRadius, x + exitRadius, y - exitRadius, y + exitRadius))
      throw invalidQuery(query, 'the circle lies outside the spatial grid');
    const lod = checkLod(query, p.tables);
    const q = new SpatialQuery(p.queryId, p.client, st, p.ct, { circle: { x, y, radius, exitRadius } }, lod);
    return withinCellLimit(query, q, 2 * q.exitR, p.tables);
  },
  pass: spatialChanges,
  lod: true,
};
