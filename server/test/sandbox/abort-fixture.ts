import {
  createSchema,
  t,
  table,
  toIdentity,
  type CallResult,
  type Engine,
  type ModuleDef,
} from '../../src/engine';

/**
 * A table with every structure a write maintains (unique, hash, btree and compound indexes, a
 * spatial grid, an auto-increment key), the ordinary writes that must commit around an aborted
 * call, and the comparison of a live run against a reference that reproduces its aborts.
 */
const alice = toIdentity('a'.repeat(32));
export const quiet = { error: () => {}, warn: () => {} };

export const schema = createSchema({
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

export const shape = (n: number, salt: number) => ({
  tag: `t${salt}-${n}`,
  kind: (n * 7 + salt) % 5,
  weight: ((n * 13 + salt) % 41) - 20,
  x: ((n * 17 + salt) % 97) - 40,
  y: ((n * 11 + salt) % 23) - 9,
});

export const seed = schema.reducer('seed', { rows: t.u32() }, (ctx, { rows }) => {
  for (let n = 0; n < rows; n++) ctx.db.item.insert({ id: 0, ...shape(n, 0) });
});

/** A few ordinary writes of every kind: what must commit around the runaway. */
export const good = schema.reducer('good', { salt: t.u32() }, (ctx, { salt }) => {
  const rows = ctx.db.item.iter();
  for (let i = 0; i < rows.length; i += 3) {
    const row = rows[i]!;
    if (i % 2 === 0) ctx.db.item.update({ ...row, ...shape(i, salt + 1000), tag: row.tag });
    else ctx.db.item.delete(row.id);
  }
  for (let n = 0; n < 5; n++) ctx.db.item.insert({ id: 0, ...shape(n, salt + 2000) });
});

/** Everything a write maintains: rows in storage order, the state hash, and every index's answer. */
export function dump(engine: Engine<ModuleDef>) {
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
export function tickBoth(live: Engine<ModuleDef>, reference: Engine<ModuleDef>, calls: [string, unknown][]) {
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
