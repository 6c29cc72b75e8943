import type { PathWorld } from '../../src/game/path-finder';

/** A tile grid for path tests: `wall(tx, ty)` tiles block a circle whose bounding box touches them. */
export function grid(wall: (tx: number, ty: number) => boolean): PathWorld {
  const blocked = (x: number, y: number, r: number) => {
    for (let ty = Math.floor(y - r); ty <= Math.floor(y + r); ty++)
      for (let tx = Math.floor(x - r); tx <= Math.floor(x + r); tx++) if (wall(tx, ty)) return true;
    return false;
  };
  return { blocked, tileBlocked: (tx, ty, r) => blocked(tx + 0.5, ty + 0.5, r) };
}
