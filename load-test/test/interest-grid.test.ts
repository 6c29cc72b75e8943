import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInterestGrid } from '../src/interest-grid';

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

describe('InterestGrid', () => {
  it('finds what a brute-force distance filter finds, on non-square worlds, after moves and deletes (property)', () => {
    // Ids from a small range, so that ids are set again (moves) and deleted while present.
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        id: fc.integer({ min: 0, max: 30 }),
        x: fc.double({ min: -50, max: 1050, noNaN: true }),
        y: fc.double({ min: -50, max: 350, noNaN: true }),
      }),
      fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 30 }) }),
    );
    const seen = { moves: 0, deletes: 0, found: 0 };
    fc.assert(
      fc.property(
        // size 'max': fast-check's default size stops at 10 ops.
        fc.array(op, { maxLength: 200, size: 'max' }),
        fc.double({ min: 10, max: 250, noNaN: true }),
        fc.double({ min: -100, max: 1100, noNaN: true }),
        fc.double({ min: -100, max: 400, noNaN: true }),
        fc.double({ min: 0, max: 400, noNaN: true }),
        (ops, cellSize, qx, qy, radius) => {
          const grid = createInterestGrid(1000, 300, cellSize);
          const truth = new Map<number, { x: number; y: number }>();
          for (const o of ops) {
            if (o.kind === 'set') {
              if (grid.has(o.id)) seen.moves++;
              grid.set(o.id, o.x, o.y);
              truth.set(o.id, { x: o.x, y: o.y });
            } else {
              if (truth.has(o.id)) seen.deletes++;
              expect(grid.delete(o.id)).toBe(truth.delete(o.id));
            }
          }
          expect(grid.size).toBe(truth.size);
          const expected = [...truth]
            .filter(([, p]) => (p.x - qx) ** 2 + (p.y - qy) ** 2 <= radius * radius)
            .map(([id]) => id);
          expect(sorted(grid.withinRadius(qx, qy, radius))).toEqual(sorted(expected));
          if (expected.length > 0) seen.found++;
        },
      ),
    );
    // Moves, deletes of present ids and queries that find rows all ran (about 1,600, 1,600 and 40 in 100 runs;
    // ids up to 300 in 10 ops had made the first two rare).
    expect(seen.moves).toBeGreaterThan(300);
    expect(seen.deletes).toBeGreaterThan(300);
    expect(seen.found).toBeGreaterThan(10);
  });

  it('includes the border and appends to the given array', () => {
    const grid = createInterestGrid(100, 50, 10);
    grid.set(1, 10, 0);
    grid.set(2, 20.0001, 0);
    const out = [99];
    expect(grid.withinRadius(0, 0, 10, out)).toEqual([99, 1]);
    expect(grid.has(1)).toBe(true);
    expect(grid.has(3)).toBe(false);
  });

  it('grows past its initial capacity', () => {
    const grid = createInterestGrid(10, 10, 1);
    for (let id = 0; id < 5000; id++) grid.set(id, id % 10, (id * 7) % 10);
    expect(grid.size).toBe(5000);
    // (0, 0) holds exactly the ids divisible by 10.
    expect(grid.withinRadius(0, 0, 0).length).toBe(500);
  });

  it('rejects bad dimensions and ids', () => {
    expect(() => createInterestGrid(0, 10, 1)).toThrow(RangeError);
    expect(() => createInterestGrid(10, 10, -1)).toThrow(RangeError);
    expect(() => createInterestGrid(10, 10, 1).set(-1, 0, 0)).toThrow(RangeError);
    expect(() => createInterestGrid(10, 10, 1).set(1.5, 0, 0)).toThrow(RangeError);
  });
});
