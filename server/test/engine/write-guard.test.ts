import { describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  ReducerError,
  SERVER_IDENTITY,
  t,
  table,
} from '../../src/engine';

/** A table whose rows named in `locked` (another table) are refused to every reducer's update and delete. */
function lockedModule() {
  const tables = {
    item: table(
      {
        public: true,
        writeGuard: (key, db) => {
          if (db.locked!.has(key)) throw new ReducerError('LOCKED', `item ${String(key)} is locked`);
        },
      },
      { id: t.u32().primaryKey(), qty: t.u32() },
    ),
    locked: table({ public: false }, { id: t.u32().primaryKey() }),
  };
  const schema = createSchema(tables);
  return defineModule(schema, {
    reducers: [
      schema.reducer('put', { id: t.u32(), qty: t.u32() }, (ctx, { id, qty }) => {
        if (ctx.db.item.has(id)) ctx.db.item.update({ id, qty });
        else ctx.db.item.insert({ id, qty });
      }),
      schema.reducer('drop', { id: t.u32() }, (ctx, { id }) => void ctx.db.item.delete(id)),
      schema.reducer('lock', { id: t.u32() }, (ctx, { id }) => void ctx.db.locked.insert({ id })),
      schema.reducer('bump_all', {}, (ctx) => {
        for (const i of ctx.db.item.iter()) ctx.db.item.update({ ...i, qty: i.qty + 1 });
      }),
    ],
  });
}

describe("a table's writeGuard", () => {
  it("refuses a reducer's update and delete of a guarded row with the guard's error, rolling the whole call back", async () => {
    const engine = createEngine({ module: lockedModule() });
    for (const id of [1, 2]) engine.enqueue(SERVER_IDENTITY, 'put', { id, qty: 1 });
    engine.enqueue(SERVER_IDENTITY, 'lock', { id: 2 });
    engine.runTick();
    const before = engine.stateHash;
    const results = [
      engine.call(SERVER_IDENTITY, 'put', { id: 2, qty: 9 }),
      engine.call(SERVER_IDENTITY, 'drop', { id: 2 }),
      engine.call(SERVER_IDENTITY, 'bump_all', {}),
    ];
    const record = engine.runTick();
    for (const r of await Promise.all(results))
      expect(r).toEqual({ ok: false, code: 'LOCKED', message: 'item 2 is locked' });
    expect(record.changes).toHaveLength(0);
    expect(engine.stateHash).toBe(before);
    // Unguarded rows are written as ever; a delete of a missing row asks no guard.
    const ok = [
      engine.call(SERVER_IDENTITY, 'put', { id: 1, qty: 5 }),
      engine.call(SERVER_IDENTITY, 'drop', { id: 7 }),
    ];
    engine.runTick();
    for (const r of await Promise.all(ok)) expect(r.ok).toBe(true);
    expect(engine.db.item.find(1)).toEqual({ id: 1, qty: 5 });
  });
});
