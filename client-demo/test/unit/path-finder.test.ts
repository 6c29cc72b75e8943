import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { clearLine, findPath } from '../../src/game/path-finder';
import { grid } from './grid-world';

describe('findPath', () => {
  test('on open ground the path is one straight segment to the target', () => {
    const path = findPath(
      grid(() => false),
      { x: 0.5, y: 0.5 },
      { x: 9.2, y: 3.7 },
      { radius: 0.3 },
    );
    expect(path).toEqual([{ x: 9.2, y: 3.7 }]);
  });

  test('goes around a wall, and every leg is clear', () => {
    // A wall at x = 5 from y = -10 to 10, open beyond.
    const world = grid((tx, ty) => tx === 5 && ty >= -10 && ty <= 10);
    const from = { x: 0.5, y: 0.5 };
    const path = findPath(world, from, { x: 9.5, y: 0.5 }, { radius: 0.3 })!;
    expect(path.length).toBeGreaterThan(1);
    let prev = from;
    for (const p of path) {
      expect(clearLine(world, prev, p, 0.3)).toBe(true);
      prev = p;
    }
    expect(prev).toEqual({ x: 9.5, y: 0.5 });
  });

  test('stops within reach of a blocked target (a tree to gather)', () => {
    const world = grid((tx, ty) => tx === 8 && ty === 0);
    const path = findPath(world, { x: 0.5, y: 0.5 }, { x: 8.5, y: 0.5 }, { radius: 0.3, reach: 1.4 })!;
    const end = path[path.length - 1]!;
    expect(Math.hypot(end.x - 8.5, end.y - 0.5)).toBeLessThanOrEqual(1.4);
  });

  test('gives up after maxExpandedTiles when the target is walled in', () => {
    const ring = (tx: number, ty: number) => Math.max(Math.abs(tx - 20), Math.abs(ty)) === 3;
    expect(
      findPath(grid(ring), { x: 0.5, y: 0.5 }, { x: 20.5, y: 0.5 }, { radius: 0.3, maxExpandedTiles: 500 }),
    ).toBeUndefined();
  });

  test('property: on random obstacle fields every returned leg is clear of obstacles', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 3, max: 15 }),
        fc.integer({ min: -8, max: 8 }),
        (seed, gx, gy) => {
          const wall = (tx: number, ty: number) =>
            (Math.abs(tx) > 1 || Math.abs(ty) > 1) &&
            (tx !== gx || ty !== gy) &&
            (Math.imul(tx * 374761393 + ty * 668265263, seed) >>> 0) % 4 === 0;
          const world = grid(wall);
          const from = { x: 0.5, y: 0.5 };
          const path = findPath(
            world,
            from,
            { x: gx + 0.5, y: gy + 0.5 },
            { radius: 0.3, maxExpandedTiles: 2000 },
          );
          if (path === undefined) return;
          let prev = from;
          for (const p of path) {
            expect(clearLine(world, prev, p, 0.3)).toBe(true);
            prev = p;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
