import { QUERY_KIND } from './message-types';
import type { TableQuery, WireQueryKind } from './query-kind';
import type { LodSpec } from './query-lod';

/**
 * A circle with hysteresis: a row enters when its distance is at most `radius` and leaves only
 * when it exceeds `exitRadius`, so a row jittering on the border does not flap.
 */
export interface CircleArea {
  readonly radius: number;
  /** @default radius (no hysteresis) */
  readonly exitRadius?: number;
}

/** Rows within a fixed circle (spatial tables). */
export interface NearQuery extends TableQuery {
  readonly near: CircleArea & { readonly x: number; readonly y: number };
  /** Far rows update less often (see {@link LodSpec}). @default undefined (every row every tick) */
  readonly lod?: LodSpec;
}

/** Fixed circle: `f64 x, y, radius, exitRadius` (exitRadius written out when omitted). */
export const NEAR_QUERY: WireQueryKind<NearQuery, 'near'> = {
  name: 'near',
  property: 'near',
  tag: QUERY_KIND.RADIUS,
  encode(w, _schema, _t, q) {
    w.f64(q.near.x)
      .f64(q.near.y)
      .f64(q.near.radius)
      .f64(q.near.exitRadius ?? q.near.radius);
  },
  decode: (r, _schema, t) => ({
    table: t.name,
    near: { x: r.f64(), y: r.f64(), radius: r.f64(), exitRadius: r.f64() },
  }),
  describe: (q) => `${q.table} near (${q.near.x}, ${q.near.y}) r=${q.near.radius}`,
};
