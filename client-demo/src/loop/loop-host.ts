import type { GameContext } from '../ui/game-context';

/** What the game-loop panels need from the game beyond {@link GameContext}: walking somewhere. */
export interface LoopHost extends GameContext {
  /** Walks to a point (tiles), around obstacles, as a click on open ground does. */
  walkTo(x: number, y: number): void;
  /** Whether an auto-walk is under way. */
  readonly walking: boolean;
  /** Whether the player holds movement keys (a walk toward a panel's goal gives way). */
  readonly steering: boolean;
}

/** Distance (tiles) from a point to a rectangle's edge; 0 inside. */
export function distanceToRect(px: number, py: number, x: number, y: number, w: number, h: number): number {
  const dx = Math.max(x - px, 0, px - (x + w));
  const dy = Math.max(y - py, 0, py - (y + h));
  return Math.hypot(dx, dy);
}

/**
 * Where to stand to use a rectangle (a building), best first: the point just outside it nearest to
 * (px, py), then the middle of each side, `gap` tiles out. A walk to the first can end short of it
 * (a rock on that spot); the panel then tries the next.
 */
export function standPoints(px: number, py: number, x: number, y: number, w: number, h: number, gap: number) {
  const cx = Math.min(Math.max(px, x), x + w);
  const cy = Math.min(Math.max(py, y), y + h);
  const dx = px - cx;
  const dy = py - cy;
  const len = Math.hypot(dx, dy);
  const points = len === 0 ? [] : [{ x: cx + (dx / len) * gap, y: cy + (dy / len) * gap }];
  const sides = [
    { x: x + w / 2, y: y + h + gap },
    { x: x - gap, y: y + h / 2 },
    { x: x + w + gap, y: y + h / 2 },
    { x: x + w / 2, y: y - gap },
  ].sort((a, b) => Math.hypot(a.x - px, a.y - py) - Math.hypot(b.x - px, b.y - py));
  return [...points, ...sides];
}
