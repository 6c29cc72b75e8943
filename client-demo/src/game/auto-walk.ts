import type { AvatarRow } from '../world/rows';
import type { Waypoint } from './path-finder';

/** Where auto-walk is heading and what to do there. */
export type WalkGoal =
  | { readonly kind: 'point'; readonly x: number; readonly y: number }
  | {
      readonly kind: 'gather';
      readonly nodeId: number;
      readonly x: number;
      readonly y: number;
      readonly reach: number;
    }
  | {
      readonly kind: 'construct';
      readonly buildingId: number;
      readonly x: number;
      readonly y: number;
      readonly reach: number;
    }
  | {
      /** Walk into trade range of a player (where they stood), then open the trade. */
      readonly kind: 'trade';
      readonly partner: AvatarRow['identity'];
      readonly name: string;
      readonly x: number;
      readonly y: number;
      readonly reach: number;
    };

/** How close a walk to a point gets before it stops, tiles: more than one tick's worth of walking (0.25 at 5 tiles/s, 20 Hz), so it never oscillates around the point. */
const POINT_REACH_TILES = 0.3;

/** How close to a point the server's `walk_to` stops a walk there, tiles: well inside {@link POINT_REACH_TILES}. */
const POINT_STOP_TILES = 0.1;
/** How far inside a goal's reach the server's `walk_to` stops a walk to it, tiles. */
const REACH_MARGIN_TILES = 0.1;

/** How close a walk gets to its goal before it counts as arrived, tiles. */
function goalReach(goal: WalkGoal): number {
  return goal.kind === 'point' ? POINT_REACH_TILES : goal.reach;
}

/**
 * The stop distance the last leg of a walk to `goal` asks the server for (`walk_to`): inside the
 * goal's reach, so the predicted stop counts as arrived.
 */
function approachStopTiles(goal: WalkGoal): number {
  return goal.kind === 'point' ? POINT_STOP_TILES : Math.max(0, goal.reach - REACH_MARGIN_TILES);
}

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

/** Auto-walk keeps its heading while the ideal one is within about 17 degrees (3/4 of a heading step). */
const HEADING_KEEP_COS = Math.cos((Math.PI / 8) * 0.75);
/** After arriving, how long to wait for the server's figure to be in reach before acting anyway, ms. */
const SERVER_CATCH_UP_MS = 3000;

/** What a walk wants this update. */
export type WalkDecision =
  /** Hold this direction (sent only if it differs from the last one). */
  | { readonly kind: 'steer'; readonly dx: number; readonly dy: number }
  /** Keep the current heading: close enough to the ideal one. */
  | { readonly kind: 'keep' }
  /**
   * The last leg: walk straight at the goal and let the server stop the player `stopTiles` from
   * it (`walk_to`), predicting the same stop.
   */
  | { readonly kind: 'approach'; readonly x: number; readonly y: number; readonly stopTiles: number }
  /** No progress for too long: something is in the way. */
  | { readonly kind: 'stuck' }
  /** Arrived: stand still while the server's figure catches up. */
  | { readonly kind: 'wait' }
  /** Arrived: stand still and act on the goal (the walk is over). */
  | { readonly kind: 'done' };

/** Where a walk's last leg (the server's `walk_to`) stands: not begun, under way, or stopped. */
export type Approach = 'none' | 'walking' | 'stopped';

/** Whether a mover can walk the straight segment from `a` to `b` without hitting anything. */
export type LineClear = (a: Waypoint, b: Waypoint) => boolean;

/**
 * One auto-walk: follows its waypoints to the goal, hands the last leg to the server (`walk_to`,
 * whose physics stops the player at the goal's reach however the frames and ticks fall: a stop
 * sent by the client reached the server late and let it carry the player on), notices when it
 * stops getting closer, and on arrival waits (a few seconds at most) until the server's figure is within reach too, since
 * the reducer checks reach against the server's position, not the predicted one.
 */
export class WalkPlan {
  readonly goal: WalkGoal;
  readonly #path: readonly Waypoint[];
  readonly #stuckAfterMs: number;
  readonly #clear: LineClear;
  #pathIndex = 0;
  #bestDist = Infinity;
  #bestAt: number;
  #arrivedAt: number | undefined;

  /**
   * @param path waypoints ending at the goal, or at the tile within its reach the path finder
   *   found (a straight line is `[goal]`).
   * @param clear whether a straight segment is free to walk; the last leg goes straight at the
   *   goal only when it is (default: always), else to the path's last waypoint.
   */
  constructor(
    goal: WalkGoal,
    path: readonly Waypoint[],
    nowMs: number,
    stuckAfterMs: number,
    clear: LineClear = () => true,
  ) {
    this.goal = goal;
    this.#path = path;
    this.#bestAt = nowMs;
    this.#stuckAfterMs = stuckAfterMs;
    this.#clear = clear;
  }

  /**
   * The decision at predicted position (x, y), heading (dirX, dirY), with the server's figure at
   * `server` (undefined if not known), and the last leg's state `approach`.
   */
  next(
    nowMs: number,
    x: number,
    y: number,
    dirX: number,
    dirY: number,
    server: { readonly x: number; readonly y: number; readonly moving: boolean } | undefined,
    approach: Approach = 'none',
  ): WalkDecision {
    const goal = this.goal;
    const d = Math.hypot(goal.x - x, goal.y - y);
    // The predicted last leg ends where the server's will: arrived when it stopped, not before.
    const arrived = approach === 'none' ? walkStep(goal, x, y).arrived : approach === 'stopped';
    if (d < this.#bestDist - 0.05 || arrived) {
      this.#bestDist = Math.min(d, this.#bestDist);
      this.#bestAt = nowMs;
    } else if (nowMs - this.#bestAt > this.#stuckAfterMs) return { kind: 'stuck' };
    if (approach === 'walking') return { kind: 'keep' };
    if (!arrived) {
      let wp = this.#path[this.#pathIndex] ?? goal;
      if (this.#pathIndex < this.#path.length - 1 && Math.hypot(wp.x - x, wp.y - y) < 0.35)
        wp = this.#path[++this.#pathIndex]!;
      if (this.#pathIndex >= this.#path.length - 1) return this.#lastLeg(x, y, d);
      const step = walkStep(goal, x, y);
      const toward = walkStep({ kind: 'point', x: wp.x, y: wp.y }, x, y);
      const dir = toward.arrived ? step : toward;
      // Keep the current heading while it is close enough: headings are quantised, and flipping
      // between two neighbours on every update would send a stream of moves.
      if ((dirX !== 0 || dirY !== 0) && dirX * dir.dx + dirY * dir.dy > HEADING_KEEP_COS)
        return { kind: 'keep' };
      return { kind: 'steer', dx: dir.dx, dy: dir.dy };
    }
    if (goal.kind === 'point' && approach === 'none') return { kind: 'done' };
    // Past a few seconds, act anyway and let the server's answer explain what is wrong.
    this.#arrivedAt ??= nowMs;
    const serverInReach =
      server !== undefined &&
      !server.moving &&
      Math.hypot(goal.x - server.x, goal.y - server.y) <= goalReach(goal) + 0.2;
    return !serverInReach && nowMs - this.#arrivedAt < SERVER_CATCH_UP_MS
      ? { kind: 'wait' }
      : { kind: 'done' };
  }

  /**
   * The last leg from (x, y), `d` tiles from the goal: straight at the goal, stopping inside its
   * reach, when that line is clear up to the stop; else to the path's last waypoint (a spot within
   * reach that the path finder found a clear way to). The server's `walk_to` goes straight and
   * does not steer round: aimed at a goal behind a rock or a tree it would press against it until
   * the walk counted as stuck.
   */
  #lastLeg(x: number, y: number, d: number): WalkDecision {
    const goal = this.goal;
    const stopTiles = approachStopTiles(goal);
    const k = d > 0 ? Math.max(0, d - stopTiles) / d : 0;
    const stop = { x: x + (goal.x - x) * k, y: y + (goal.y - y) * k };
    const last = this.#path[this.#path.length - 1];
    if (last === undefined || this.#clear({ x, y }, stop) || (last.x === goal.x && last.y === goal.y))
      return { kind: 'approach', x: goal.x, y: goal.y, stopTiles };
    return { kind: 'approach', x: last.x, y: last.y, stopTiles: POINT_STOP_TILES };
  }
}
