import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, defineModule, t } from '../../src/engine';
import { dump, good, quiet, schema, seed, shape, tickBoth } from './abort-fixture';

/**
 * A budget abort that lands inside a table write (V8 stops a `while (true) insert(...)` wherever it
 * is, half-way through a key map, an index or the state hash) is repaired exactly: the runaway call
 * fails with BUDGET_EXCEEDED, the state equals a run without it, and the engine keeps ticking.
 */

/** Writes forever (mode: 0 inserts, 1 updates that move every index, 2 delete and reinsert, 3 all). */
const runaway = schema.reducer('runaway', { mode: t.u8(), salt: t.u32() }, (ctx, { mode, salt }) => {
  const db = ctx.db.item;
  // Updates and reinserts keep the ids, so the ids read once stay valid.
  const ids = db.iter().map((r) => r.id);
  for (let k = 0; ; k++) {
    const op = mode === 3 ? k % 3 : mode;
    if (op === 0 || ids.length === 0) db.insert({ id: 0, ...shape(k, salt + 5000) });
    else {
      const row = db.find(ids[k % ids.length]!)!;
      if (op === 1) db.update({ ...row, ...shape(k, salt), tag: row.tag });
      else {
        db.delete(row.id);
        db.insert({ ...row, ...shape(k, salt + 9000) });
      }
    }
  }
});

const module = defineModule(schema, { reducers: [seed, good, runaway] });

describe('a budget abort inside a table write', () => {
  it('rolls the call back exactly: state and every index equal a run without it, and ticks go on', () => {
    let repaired = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (rows, budgetMs, mode, salt) => {
          runs++;
          const live = createEngine({ module, tickBudgetMs: budgetMs, logger: quiet });
          const reference = createEngine({ module, logger: quiet });
          tickBoth(live, reference, [['seed', { rows }]]);
          const before = live.writeRepairs;
          const results = tickBoth(live, reference, [
            ['good', { salt }],
            ['runaway', { mode, salt }],
            ['good', { salt: salt + 1 }],
          ]);
          repaired += live.writeRepairs - before;
          expect(results[1]).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
          expect(dump(live)).toEqual(dump(reference));
          // The engine ticks on from the repaired tables: later writes see consistent indexes.
          tickBoth(live, reference, [['good', { salt: salt + 2 }]]);
          expect(dump(live)).toEqual(dump(reference));
        },
      ),
      { numRuns: 60 },
    );
    // The repair path is the point: most aborts of a write-only loop land inside a write.
    console.log(`budget-abort-in-write: ${repaired} of ${runs} aborts repaired inside a write`);
    expect(repaired).toBeGreaterThan(runs / 2);
  });
});
