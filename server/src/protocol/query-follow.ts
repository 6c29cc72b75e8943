import { QUERY_KIND } from './message-types';
import type { CircleArea } from './query-near';
import type { LodSpec } from './query-lod';
import { readWireTable, wireTableByName, type TableQuery, type WireQueryKind } from './query-kind';

/**
 * How a following circle's centre keeps up with the followed row. With a step the centre stays
 * where it is until the row is `step` or more from it (squared distances compared), then jumps
 * onto the row: a walking player's area moves a few times a second instead of every tick, and
 * the server re-examines the area's border cells only then. Every row within `radius - step` of
 * the followed row is always in the area, so a client adds the step to the radius it needs.
 */
export interface FollowStep {
  /** Distance the followed row may move before the centre follows (finite, 0 to `radius`). @default 0 (every move) */
  readonly step?: number;
}

/** The circle a {@link FollowQuery} follows: radii, step, and the followed row. */
export type FollowArea = CircleArea & FollowStep & { readonly table: string; readonly key: unknown };

/**
 * Rows within a circle that follows a row (usually the player's own entity): the server moves the
 * area as that row moves, without round trips. The followed table needs a spatial index (its x/y
 * columns give the centre). While the followed row does not exist, the query holds no rows.
 */
export interface FollowQuery extends TableQuery {
  readonly follow: FollowArea;
  /** Far rows update less often (see {@link LodSpec}). @default undefined (every row every tick) */
  readonly lod?: LodSpec;
}

/**
 * Set in a follow query's tag byte when `f64 step` ends the kind's part (protocol version
 * {@link FOLLOW_STEP_VERSION}). A follow without a step is written as in version 6.
 */
export const FOLLOW_STEP_FLAG = 0x20;

/** The first protocol version whose follow queries may carry a {@link FollowStep}. */
export const FOLLOW_STEP_VERSION = 7;

/**
 * What is wrong with a follow's step, or undefined when it is absent or well formed: a finite
 * number from 0 to the radius. Shared by the SDK (before it sends) and the server.
 */
export function followStepProblem(follow: FollowArea): string | undefined {
  const step: unknown = follow.step;
  if (step === undefined) return undefined;
  if (typeof step !== 'number' || !Number.isFinite(step) || step < 0)
    return `follow.step must be a finite number >= 0 (got ${String(step)})`;
  if (step > follow.radius) return `follow.step (${step}) must not exceed follow.radius (${follow.radius})`;
  return undefined;
}

/** Following circle: `uvar followTableId, key, f64 radius, exitRadius` then, flagged, `f64 step`. */
export const FOLLOW_QUERY: WireQueryKind<FollowQuery, 'follow'> = {
  name: 'follow',
  property: 'follow',
  tag: QUERY_KIND.FOLLOW,
  flags: (q) => (q.follow.step === undefined ? 0 : FOLLOW_STEP_FLAG),
  encode(w, schema, _t, q) {
    const f = wireTableByName(schema, q.follow.table);
    w.uvar(f.id);
    f.key.encode(w, q.follow.key);
    w.f64(q.follow.radius).f64(q.follow.exitRadius ?? q.follow.radius);
    if (q.follow.step !== undefined) w.f64(q.follow.step);
  },
  decode(r, schema, t, flags) {
    const f = readWireTable(r, schema);
    const key = f.key.decode(r);
    const radius = r.f64();
    const exitRadius = r.f64();
    const follow: FollowArea =
      (flags & FOLLOW_STEP_FLAG) === 0
        ? { table: f.name, key, radius, exitRadius }
        : { table: f.name, key, radius, exitRadius, step: r.f64() };
    return { table: t.name, follow };
  },
  describe: (q) =>
    `${q.table} following ${q.follow.table} ${String(q.follow.key)} r=${q.follow.radius}` +
    (q.follow.step === undefined ? '' : ` step ${String(q.follow.step)}`),
};
