import { describe, expect, it } from 'vitest';
import { distanceToRect, standPoints } from '../../src/loop/loop-host';

describe('standPoints', () => {
  it('puts the nearest point just outside the building first, then the sides by distance', () => {
    // A 2x1 building at (10, 10); the player stands to its lower right.
    const points = standPoints(15, 14, 10, 10, 2, 1, 0.9);
    const first = points[0]!;
    expect(distanceToRect(first.x, first.y, 10, 10, 2, 1)).toBeCloseTo(0.9, 6);
    expect(first.x).toBeGreaterThan(12);
    expect(first.y).toBeGreaterThan(11);
    expect(points).toHaveLength(5);
    // Every point stands `gap` away from the footprint, outside it.
    for (const p of points) expect(distanceToRect(p.x, p.y, 10, 10, 2, 1)).toBeCloseTo(0.9, 6);
    const sides = points.slice(1).map((p) => Math.hypot(p.x - 15, p.y - 14));
    expect([...sides].sort((a, b) => a - b)).toEqual(sides);
  });

  it('offers only the sides when the player stands inside the footprint', () => {
    const points = standPoints(10.5, 10.5, 10, 10, 2, 2, 0.9);
    expect(points).toHaveLength(4);
    for (const p of points) expect(distanceToRect(p.x, p.y, 10, 10, 2, 2)).toBeCloseTo(0.9, 6);
  });
});
