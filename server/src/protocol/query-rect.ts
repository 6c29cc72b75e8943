import { QUERY_KIND } from './message-types';
import type { TableQuery, WireQueryKind } from './query-kind';

/** An axis-aligned rectangle, bounds inclusive. */
export interface RectArea {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** Rows inside a fixed rectangle (spatial tables). */
export interface RectQuery extends TableQuery {
  readonly rect: RectArea;
}

/** Rectangle: `f64 minX, minY, maxX, maxY`. */
export const RECT_QUERY: WireQueryKind<RectQuery, 'rect'> = {
  name: 'rect',
  property: 'rect',
  tag: QUERY_KIND.RECT,
  encode(w, _schema, _t, q) {
    w.f64(q.rect.minX).f64(q.rect.minY).f64(q.rect.maxX).f64(q.rect.maxY);
  },
  decode: (r, _schema, t) => ({
    table: t.name,
    rect: { minX: r.f64(), minY: r.f64(), maxX: r.f64(), maxY: r.f64() },
  }),
  describe: (q) => `${q.table} in rect [${q.rect.minX}, ${q.rect.minY}, ${q.rect.maxX}, ${q.rect.maxY}]`,
};
