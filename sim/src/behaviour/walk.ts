import type { AvatarRow } from './game-port';
import type { Step } from './planner';
import { wrapAngle, type Style, type StyleContext } from './style';

/** Stuck checks in a row after which a walk gives up on its target (water, cliffs). */
const MAX_STUCK = 12;
/** How long a detour around an obstacle is held before steering at the target again, ms. */
const DETOUR_MS = 1_200;

/**
 * A walk toward a point: where to, what to do on arrival, and the bookkeeping that notices the
 * player is stuck (it moved less than a quarter of its speed) and sends it on detours.
 */
export interface Walk {
  x: number;
  y: number;
  within: number;
  /** The step to perform on arrival. */
  then: Step | undefined;
  /** The item an exploring walk looks for. */
  explore: string | undefined;
  startedMs: number;
  lastX: number;
  lastY: number;
  lastMs: number;
  moving: boolean;
  stuck: number;
  detourUntilMs: number;
  detourHeading: number;
  heading: number;
}

/** A walk from the player's position to (x, y), arriving within `within` tiles (at least 0.3). */
export function startWalk(
  nowMs: number,
  me: AvatarRow,
  x: number,
  y: number,
  within: number,
  then: Step | undefined,
  explore: string | undefined,
): Walk {
  return {
    x,
    y,
    within: Math.max(0.3, within),
    then,
    explore,
    startedMs: nowMs,
    lastX: me.x,
    lastY: me.y,
    lastMs: nowMs,
    moving: false,
    stuck: 0,
    detourUntilMs: 0,
    detourHeading: 0,
    heading: Number.NaN,
  };
}

/** Where a walk that has not arrived heads next, and whether that needs a new move call. */
export interface SteerDecision {
  readonly heading: number;
  /** How long until the walk wants to be looked at again, ms. */
  readonly delayMs: number;
  /** Whether the heading differs from the one the player is moving on (or it stands still). */
  readonly turn: boolean;
}

/**
 * Steers a walk that has not arrived (`dist` tiles away, `dx`/`dy` to the target): a player that
 * barely moved since the last look is stuck and takes a detour to one side, else the style
 * steers toward the target. Returns undefined when the walk is hopelessly blocked.
 */
export function steerWalk(
  walk: Walk,
  me: AvatarRow,
  dx: number,
  dy: number,
  dist: number,
  speedTilesPerSec: number,
  nowMs: number,
  style: Style,
  c: StyleContext,
): SteerDecision | undefined {
  const elapsed = nowMs - walk.lastMs;
  if (walk.moving && elapsed >= 200) {
    const moved = Math.hypot(me.x - walk.lastX, me.y - walk.lastY);
    if (moved < 0.25 * speedTilesPerSec * (elapsed / 1000)) {
      walk.stuck++;
      const side = walk.stuck % 2 === 0 ? 1 : -1;
      walk.detourHeading = Math.atan2(dy, dx) + side * (Math.PI / 2 + 0.25 * (walk.stuck % 3));
      walk.detourUntilMs = nowMs + DETOUR_MS;
      if (walk.stuck > MAX_STUCK) return undefined;
    }
  }
  walk.lastX = me.x;
  walk.lastY = me.y;
  walk.lastMs = nowMs;
  const arrivalMs = Math.max(50, ((dist - walk.within * 0.5) / speedTilesPerSec) * 1000);
  let heading: number;
  let delayMs: number;
  if (nowMs < walk.detourUntilMs) {
    heading = walk.detourHeading;
    delayMs = walk.detourUntilMs - nowMs;
  } else {
    const decision = style.steer(Math.atan2(dy, dx), dist, arrivalMs, c);
    heading = decision.heading;
    delayMs = decision.delayMs;
  }
  const turn = !walk.moving || !(Math.abs(wrapAngle(heading - walk.heading)) < 1e-3);
  return { heading, delayMs, turn };
}
