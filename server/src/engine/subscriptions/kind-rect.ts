import { RECT_QUERY, type RectQuery } from '../../protocol/query-rect';
import { finite, inGrid, requireSpatial, withinCellLimit } from './kind-spatial';
import { invalidQuery, type QueryKind } from './query-kind';
import { spatialChanges } from './spatial-pass';
import { SpatialQuery } from './spatial-query';

/** A fixed rectangle: finite, ordered bounds inside the grid. */
export const RECT_KIND: QueryKind<RectQuery> = {
  wire: RECT_QUERY,
  build(query, p) {
    const st = p.ct.table;
    requireSpatial(query, st);
    const r = query.rect;
    if (!finite(r.minX, r.minY, r.maxX, r.maxY) || r.minX > r.maxX || r.minY > r.maxY)
      throw invalidQuery(query, 'the rectangle needs finite, ordered bounds');
    if (!inGrid(st, r.minX, r.minY, r.maxX, r.maxY))
      throw invalidQuery(query, 'the rectangle lies outside the spatial grid');
    const q = new SpatialQuery(p.queryId, p.client, st, p.ct, { rect: r });
    return withinCellLimit(query, q, Math.max(r.maxX - r.minX, r.maxY - r.minY), p.tables);
  },
  pass: spatialChanges,
};
