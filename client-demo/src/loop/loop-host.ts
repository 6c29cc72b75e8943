import type { GameContext } from '../ui/game-context';

/** What the game-loop panels need from the game beyond {@link GameContext}: walking somewhere. */
export interface LoopHost extends GameContext {
  /** Walks to a point (tiles), around obstacles, as a click on open ground does. */
  walkTo(x: number, y: number): void;
}

/** Distance (tiles) from a point to a rectangle's edge; 0 inside. */
export function distanceToRect(px: number, py: number, x: number, y: number, w: number, h: number): number {
  const dx = Math.max(x - px, 0, px - (x + w));
  const dy = Math.max(y - py, 0, py - (y + h));
  return Math.hypot(dx, dy);
}

/** A point just outside a rectangle, on the side nearest to (px, py): where to stand to use it. */
export function standNear(px: number, py: number, x: number, y: number, w: number, h: number, gap: number) {
  const cx = Math.min(Math.max(px, x), x + w);
  const cy = Math.min(Math.max(py, y), y + h);
  // Inside or on the edge: step out through the nearest side.
  if (cx === px && cy === py) return { x: px, y: py };
  const dx = px - cx;
  const dy = py - cy;
  const len = Math.hypot(dx, dy) || 1;
  return { x: cx + (dx / len) * gap, y: cy + (dy / len) * gap };
}
