import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regionGrid } from '../../src/regions';

describe('region grid', () => {
  it('splits a non-square world into a non-square grid', () => {
    const grid = regionGrid('3x2', 100, 41);
    expect(grid.regions.map((r) => [r.name, r.minX, r.minY, r.maxX, r.maxY])).toEqual([
      ['r0_0', 0, 0, 33, 20],
      ['r1_0', 33, 0, 66, 20],
      ['r2_0', 66, 0, 100, 20],
      ['r0_1', 0, 20, 33, 41],
      ['r1_1', 33, 20, 66, 41],
      ['r2_1', 66, 20, 100, 41],
    ]);
    expect(grid.regionAt(99.5, 40.9).name).toBe('r2_1');
    expect(grid.regionAt(33, 19.99).name).toBe('r1_0');
    expect(grid.regionAt(-5, 500).name).toBe('r0_1');
  });

  it('every point of the world is in exactly the rectangle regionAt names (property, non-square)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 7, max: 500 }),
        fc.integer({ min: 5, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (c, r, w, h, fx, fy) => {
          const grid = regionGrid(`${c}x${r}`, w, h);
          const x = fx * w;
          const y = fy * h;
          const inside = grid.regions.filter((g) => x >= g.minX && x < g.maxX && y >= g.minY && y < g.maxY);
          expect(inside).toHaveLength(1);
          expect(grid.regionAt(x, y)).toBe(inside[0]);
        },
      ),
    );
  });

  it('hands an entity over only once it is hysteresis cells into the neighbour', () => {
    const grid = regionGrid('2x1', 100, 50);
    expect(grid.crossing('r0_0', 49, 10, 2)).toBeUndefined();
    expect(grid.crossing('r0_0', 51, 10, 2)).toBeUndefined();
    expect(grid.crossing('r0_0', 52, 10, 2)?.name).toBe('r1_0');
    // Walking back: r1_0 keeps it until it is 2 cells into r0_0.
    expect(grid.crossing('r1_0', 48.5, 10, 2)).toBeUndefined();
    expect(grid.crossing('r1_0', 48, 10, 2)?.name).toBe('r0_0');
  });

  it.each([['2'], ['0x2'], ['2x65'], ['axb'], ['2x2x2'], [' 2x2']])('refuses --regions %j', (spec) => {
    expect(() => regionGrid(spec, 100, 100)).toThrow(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('expected <columns>x<rows>'),
      }),
    );
  });

  it('refuses a world smaller than the grid and an unknown region', () => {
    expect(() => regionGrid('4x4', 3, 100)).toThrow(/smaller than the grid/);
    expect(() => regionGrid('2x2', 10, 10).crossing('r9_9', 1, 1, 1)).toThrow(/no region r9_9/);
  });
});
