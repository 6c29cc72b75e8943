import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedList } from '../../src/engine/sorted-list';

describe('sorted list', () => {
  it('matches a sorted array under random adds and deletes, across chunk splits', () => {
    let manyChunks = 0;
    fc.assert(
      // size 'max': fast-check's default size caps arrays at 10 items whatever maxLength says.
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 50 })), { maxLength: 400, size: 'max' }),
        (ops) => {
          const list = new SortedList<number>((a, b) => a - b, 4);
          const model: number[] = [];
          for (const [add, v] of ops) {
            if (add) {
              list.add(v);
              model.push(v);
              model.sort((a, b) => a - b);
            } else {
              const i = model.indexOf(v);
              expect(list.delete(v)).toBe(i >= 0);
              if (i >= 0) model.splice(i, 1);
            }
          }
          const all: number[] = [];
          list.scan(undefined, (v) => (all.push(v), true));
          expect(all).toEqual(model);
          expect(list.size).toBe(model.length);
          const from: number[] = [];
          list.scan(
            (v) => v - 25,
            (v) => (from.push(v), true),
          );
          expect(from).toEqual(model.filter((v) => v >= 25));
          // Chunks hold at most 4 entries: more than 16 entries means at least 5 chunks to search.
          if (model.length > 16) manyChunks++;
        },
      ),
      { numRuns: 300 },
    );
    expect(manyChunks).toBeGreaterThan(100);
  });
});
