import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellX, cellY, packCell, SpatialGrid } from '../../src/engine/spatial-grid';

describe('spatial grid', () => {
  it('packs and unpacks cell coordinates, negative and asymmetric', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 25), max: 2 ** 25 - 1 }),
        fc.integer({ min: -(2 ** 25), max: 2 ** 25 - 1 }),
        (x, y) => {
          const cell = packCell(x, y);
          expect([cellX(cell), cellY(cell)]).toEqual([x, y]);
          expect(Number.isSafeInteger(cell)).toBe(true);
        },
      ),
    );
    expect(() => packCell(2 ** 25, 0)).toThrow(RangeError);
  });

  it('puts boundary points in the cell whose lower edge they lie on', () => {
    const grid = new SpatialGrid(10);
    expect(grid.cellOf(0, 0)).toBe(packCell(0, 0));
    expect(grid.cellOf(-0.001, 9.999)).toBe(packCell(-1, 0));
    expect(grid.cellOf(10, -10)).toBe(packCell(1, -1));
  });

  it('visits every key inside a rectangle on a wide, short extent, dense or sparse', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -500, max: 300 }), fc.integer({ min: -20, max: 9 })), {
          maxLength: 60,
        }),
        fc.integer({ min: -600, max: 400 }),
        fc.integer({ min: -30, max: 15 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 40 }),
        (points, x0, y0, w, h) => {
          const grid = new SpatialGrid(3);
          points.forEach(([x, y], i) => grid.add(i, x, y));
          const seen = new Set<unknown>();
          grid.visitRect(x0, y0, x0 + w, y0 + h, (k) => seen.add(k));
          points.forEach(([x, y], i) => {
            if (x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h) expect(seen.has(i)).toBe(true);
          });
          // Everything visited lies in an overlapping cell.
          for (const k of seen) {
            const [x, y] = points[k as number]!;
            expect(Math.floor(x / 3)).toBeGreaterThanOrEqual(Math.floor(x0 / 3));
            expect(Math.floor(y / 3)).toBeLessThanOrEqual(Math.floor((y0 + h) / 3));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('moves keys between cells and forgets empty cells', () => {
    const grid = new SpatialGrid(4);
    grid.add('a', 1, 1);
    grid.move('a', 1, 1, 2, 3);
    expect(grid.occupiedCells).toBe(1);
    grid.move('a', 2, 3, -5, 30);
    expect(grid.keysIn(packCell(0, 0))).toBeUndefined();
    expect(grid.keysIn(packCell(-2, 7))).toEqual(['a']);
    grid.remove('a', -5, 30);
    expect(grid.occupiedCells).toBe(0);
  });
});
