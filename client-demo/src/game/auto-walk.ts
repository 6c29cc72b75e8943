/** Where auto-walk is heading and what to do there. */
export type WalkGoal =
  | { readonly kind: 'point'; readonly x: number; readonly y: number }
  | { readonly kind: 'gather'; readonly nodeId: number; readonly x: number; readonly y: number; readonly reach: number }
  | { readonly kind: 'construct'; readonly buildingId: number; readonly x: number; readonly y: number; readonly reach: number };

/** How close a walk to a point gets before it stops, tiles: more than one tick's worth of walking (0.25 at 5 tiles/s, 20 Hz), so it never oscillates around the point. */
export const POINT_REACH_TILES = 0.3;

/** One auto-walk decision. */
export interface WalkStep {
  /** Direction to hold (unit length, or 0, 0 when arrived). */
  readonly dx: number;
  readonly dy: number;
  /** True once within reach of the goal. */
  readonly arrived: boolean;
}

/**
 * Steers toward a goal in a straight line: the direction to hold, or "arrived" once within
 * `reach` (for a point, within {@link POINT_REACH_TILES}). Directions are quantised to 16 headings so small
 * wobbles do not turn into a stream of `move` calls.
 *
 * @example
 * walkStep({ kind: 'point', x: 10, y: 0 }, 0, 0); // -> { dx: 1, dy: 0, arrived: false }
 */
export function walkStep(goal: WalkGoal, x: number, y: number): WalkStep {
  const ex = goal.x - x;
  const ey = goal.y - y;
  const d = Math.hypot(ex, ey);
  const reach = goal.kind === 'point' ? POINT_REACH_TILES : goal.reach;
  if (d <= reach) return { dx: 0, dy: 0, arrived: true };
  const step = Math.PI / 8;
  const a = Math.round(Math.atan2(ey, ex) / step) * step;
  const dx = Math.abs(Math.cos(a)) < 1e-9 ? 0 : Math.cos(a);
  const dy = Math.abs(Math.sin(a)) < 1e-9 ? 0 : Math.sin(a);
  return { dx: Math.fround(dx * 0.99999), dy: Math.fround(dy * 0.99999), arrived: false };
}
