import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  t,
  table,
  toIdentity,
  type CallResult,
  type Engine,
  type ModuleDef,
} from '../../src/engine';

/**
 * A budget abort that lands inside a table write (V8 stops a `while (true) insert(...)` wherever it
 * is, half-way through a key map, an index or the state hash) is repaired exactly: the runaway call
 * fails with BUDGET_EXCEEDED, the state equals a run without it, and the engine keeps ticking.
 */
const alice = toIdentity('a'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };

const schema = createSchema({
  item: table(
    {
      spatial: { x: 'x', y: 'y', cellSize: 5 },
      indexes: [{ name: 'kind_weight', columns: ['kind', 'weight'], kind: 'btree' }],
    },
    {
      id: t.u32().primaryKey().autoInc(),
      tag: t.string().unique(),
      kind: t.u8().index('hash'),
      weight: t.i32().index('btree'),
      x: t.f64(),
      y: t.f64(),
    },
  ),
});

const shape = (n: number, salt: number) => ({
  tag: `t${salt}-${n}`,
  kind: (n * 7 + salt) % 5,
  weight: ((n * 13 + salt) % 41) - 20,
  x: ((n * 17 + salt) % 97) - 40,
  y: ((n * 11 + salt) % 23) - 9,
});

const seed = schema.reducer('seed', { rows: t.u32() }, (ctx, { rows }) => {
  for (let n = 0; n < rows; n++) ctx.db.item.insert({ id: 0, ...shape(n, 0) });
});

/** A few ordinary writes of every kind: what must commit around the runaway. */
const good = schema.reducer('good', { salt: t.u32() }, (ctx, { salt }) => {
  const rows = ctx.db.item.iter();
  for (let i = 0; i < rows.length; i += 3) {
    const row = rows[i]!;
    if (i % 2 === 0) ctx.db.item.update({ ...row, ...shape(i, salt + 1000), tag: row.tag });
    else ctx.db.item.delete(row.id);
  }
  for (let n = 0; n < 5; n++) ctx.db.item.insert({ id: 0, ...shape(n, salt + 2000) });
});

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

/** Everything a write maintains: rows in storage order, the state hash, and every index's answer. */
function dump(engine: Engine<ModuleDef>) {
  const item = engine.tables.item!;
  const rows = item.iter();
  return {
    stateHash: engine.stateHash,
    rows,
    autoInc: item.autoInc,
    byKey: rows.map((r) => item.find(r.id) === r && item.has(r.id)),
    byTag: rows.map((r) => item.filter('tag', r.tag).map((x) => x.id)),
    byKind: [0, 1, 2, 3, 4].map((k) => item.filter('kind', k).map((x) => x.id)),
    byWeight: item.range('weight', {}).map((x) => x.id),
    byKindWeight: item.range('kind_weight', {}).map((x) => x.id),
    spatial: item.withinRect(-1000, -1000, 1000, 1000).map((x) => x.id),
  };
}

/**
 * Runs one tick of the same calls on both engines: the reference reproduces the live run's budget
 * aborts (as replay does), so it is the run without the aborted calls, whatever the machine's load.
 */
function tickBoth(live: Engine<ModuleDef>, reference: Engine<ModuleDef>, calls: [string, unknown][]) {
  for (const engine of [live, reference])
    for (const [reducer, args] of calls) engine.enqueue(alice, reducer, args);
  const record = live.runTick();
  const aborts = new Map<number, string>();
  record.calls.forEach((call, i) => {
    const result: CallResult = call.result;
    if (!result.ok && result.code === 'BUDGET_EXCEEDED') aborts.set(i, result.message);
  });
  reference.reproduceAborts(aborts);
  reference.runTick();
  return record.calls.map((call) => call.result);
}

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
