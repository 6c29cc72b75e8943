import { describe, expect, it } from 'vitest';
import { createEngine, defineModule, ReducerError, t } from '../../src/engine';
import { dump, good, quiet, schema, seed, shape, tickBoth } from './abort-fixture';

/**
 * A call that throws rolls back entry by entry inside its timed window, so a budget abort can land
 * in the middle of that rollback, inside one of its undo writes. The repair then returns the table
 * to its state before that undo write (the change popped back on the list if it was already off),
 * and the abort's own rollback undoes the rest: the state equals a run without the call.
 */
const progress = { phase: 'idle' as 'idle' | 'writing' | 'thrown' };
/** Read through a call: the reducer sets it behind the compiler's back. */
const phase = () => progress.phase;

/** Writes `rows` changes of every kind, then throws: its rollback is as long as its writes. */
const doomed = schema.reducer('doomed', { rows: t.u32(), salt: t.u32() }, (ctx, { rows, salt }) => {
  progress.phase = 'writing';
  const db = ctx.db.item;
  const ids = db.iter().map((r) => r.id);
  for (let k = 0; k < rows; k++) {
    const op = ids.length === 0 ? 0 : k % 3;
    if (op === 0) db.insert({ id: 0, ...shape(k, salt + 5000) });
    else {
      const row = db.find(ids[k % ids.length]!)!;
      if (op === 1) db.update({ ...row, ...shape(k, salt), tag: row.tag });
      else {
        db.delete(row.id);
        db.insert({ ...row, ...shape(k, salt + 9000) });
      }
    }
  }
  progress.phase = 'thrown';
  throw new ReducerError('DOOMED', 'rolled back on purpose');
});

const module = defineModule(schema, { reducers: [seed, good, doomed] });

type Outcome = 'completed' | 'cut while writing' | 'cut in the rollback';

describe('a budget abort inside the rollback of a failed call', () => {
  it('is repaired exactly: state and every index equal a run without the call, and ticks go on', () => {
    const budgetMs = 4;
    // How many writes fit the budget depends on the machine and its load, so the size walks: up
    // when the call fails by itself, down when the budget cuts its writes. Between the two lies
    // the sizes whose rollback the budget cuts (a rollback takes about as long as the writes).
    let rows = 256;
    let cutInRollback = 0;
    let repairedInUndo = 0;
    const seen: Outcome[] = [];
    const wanted = Number(process.env.ROLLBACK_ABORTS ?? 6);
    for (let attempt = 0; attempt < 300 * Math.ceil(wanted / 6) && repairedInUndo < wanted; attempt++) {
      const live = createEngine({ module, tickBudgetMs: budgetMs, logger: quiet });
      const reference = createEngine({ module, logger: quiet });
      tickBoth(live, reference, [['seed', { rows: 300 }]]);
      const repairsBefore = live.writeRepairs;
      progress.phase = 'idle';
      const results = tickBoth(live, reference, [
        ['good', { salt: attempt }],
        ['doomed', { rows, salt: attempt }],
        ['good', { salt: attempt + 1 }],
      ]);
      const r = results[1]!;
      const outcome: Outcome =
        r.ok || r.code !== 'BUDGET_EXCEEDED'
          ? 'completed'
          : phase() === 'thrown'
            ? 'cut in the rollback'
            : 'cut while writing';
      seen.push(outcome);
      if (outcome === 'completed') expect(r).toMatchObject({ ok: false, code: 'DOOMED' });
      // The calls around it may be cut too on a loaded machine: the reference reproduces that.
      expect(dump(live), `${outcome} with ${rows} rows: ${JSON.stringify(results)}`).toEqual(dump(reference));
      // The engine ticks on from the repaired tables: later writes see consistent indexes.
      tickBoth(live, reference, [['good', { salt: attempt + 2 }]]);
      expect(dump(live)).toEqual(dump(reference));
      if (outcome === 'cut in the rollback') {
        cutInRollback++;
        if (live.writeRepairs > repairsBefore) repairedInUndo++;
      } else rows = Math.max(1, Math.round(outcome === 'completed' ? rows * 1.15 : rows / 1.15));
    }
    console.log(
      `budget-abort-in-rollback: ${cutInRollback} cut in the rollback (${repairedInUndo} inside an undo write) over ${seen.length} attempts`,
    );
    // The point: aborts landed inside an undo write of a rollback, and were repaired.
    expect(repairedInUndo, `outcomes: ${seen.join(', ')}`).toBeGreaterThanOrEqual(wanted);
  });
});
