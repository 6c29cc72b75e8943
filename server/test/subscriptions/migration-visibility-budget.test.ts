import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSchema, defineModule, t, table, toIdentity, type CallResult } from '../../src/engine';
import { createSubscriptions, openDatabase, publishModule } from '../../src/engine/tooling';
import { decodeServerMessage, type ServerMessage, type WireSchema } from '../../src/protocol';

const ann = toIdentity('0'.repeat(31) + 'a');
// Far above what the quick work here costs even on a loaded machine (a stretch of a few ms can take
// tens of ms of wall time when the cores are shared), so only the runaway and the slow rule reach it.
const BUDGET_MS = 250;
/** While on, the `secret` rule spins this long for every row (finite, so a missing budget shows as a slow, wrong result rather than a hang). */
const trap = { on: false, spinMs: 1_500 };
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Version 1, or version 2 whose `secret` gains a column with a default (reshaped by the migration). */
function version(v2: boolean) {
  const schema = createSchema({
    secret: table(
      {
        public: true,
        visibility: (row, viewer) => {
          if (trap.on) for (const end = performance.now() + trap.spinMs; performance.now() < end;);
          return row.owner === viewer;
        },
      },
      { id: t.u32().primaryKey(), owner: t.identity(), ...(v2 ? { tag: t.u8().default(0) } : {}) },
    ),
    mine: table(
      { public: true, visibility: (row, viewer) => row.owner === viewer },
      { id: t.u32().primaryKey(), owner: t.identity() },
    ),
  });
  const put = schema.reducer('put', { id: t.u32() }, (ctx, a) => {
    ctx.db.secret.insert({ id: a.id, owner: ctx.sender, ...(v2 ? { tag: 0 } : {}) } as never);
  });
  const note = schema.reducer('note', { id: t.u32() }, (ctx, a) => {
    ctx.db.mine.insert({ id: a.id, owner: ctx.sender });
  });
  return defineModule(schema, { reducers: [put, note] });
}

describe("a runtime migration's re-subscriptions run the visibility rules under visibilityBudgetMs", () => {
  it('a rule that runs past it while a reshaped table is re-sent is stopped: the query ends, its rows leave the cache, the rest goes on', async () => {
    trap.on = false;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-visibility-'));
    dirs.push(dir);
    const db = await openDatabase({ dir, module: version(false), logger: quiet });
    const engine = db.engine;
    const errors: string[] = [];
    const subs = createSubscriptions(engine, {
      visibilityBudgetMs: BUDGET_MS,
      logger: { error: (m) => void errors.push(m), warn: (m) => void errors.push(m) },
    });
    engine.onSchemaChange((schema, reshaped) => subs.migrate(schema, reshaped));
    // The client's view: frames decoded with the schema they were sent in (SCHEMA switches it).
    let wire: WireSchema = subs.schema.wire;
    const seen: ServerMessage[] = [];
    const rows = new Map<string, Map<unknown, Record<string, unknown>>>();
    const table = (name: string) => rows.get(name) ?? rows.set(name, new Map()).get(name)!;
    const handle = subs.addClient(ann, {
      bufferedAmount: 0,
      send: (frame) => {
        const m = decodeServerMessage(frame, wire, {
          delete: (t, key) => void table(t.name).delete(key),
          insert: (t, row) => void table(t.name).set(row.id, row),
          update: (t, key, reader) =>
            void table(t.name).set(key, t.update.decode(reader, table(t.name).get(key))!),
          reset: (t, list) => void rows.set(t.name, new Map(list.map((r) => [r.id, r]))),
        });
        seen.push(m);
        if (m.type === 'schema') wire = subs.schema.wire;
      },
    });
    subs.subscribe(handle, 1, { table: 'secret' });
    subs.subscribe(handle, 2, { table: 'mine' });
    const tick = async (reducer?: string, args?: Record<string, unknown>) => {
      if (reducer !== undefined) engine.enqueue(ann, reducer, args ?? {});
      engine.runTick();
      await engine.flush();
    };
    await tick('put', { id: 1 });
    await tick('note', { id: 7 });
    expect([...table('secret').keys()]).toEqual([1]);

    let published: CallResult | undefined;
    publishModule(db, { module: version(true), payload: {} }, (r) => (published = r));
    trap.on = true;
    seen.length = 0;
    await tick();
    trap.on = false;
    expect(published).toEqual({ ok: true });
    expect(errors).toEqual([
      expect.stringMatching(
        new RegExp(`visibility rule of table 'secret' ran past the visibility budget of ${BUDGET_MS} ms`),
      ),
    ]);
    expect(subs.stats().stoppedVisibilityRules).toEqual(['secret']);
    const types = seen.map((m) => m.type);
    expect(types[0]).toBe('schema');
    expect(seen).toContainEqual(
      expect.objectContaining({ type: 'subscribeError', queryId: 1, code: 'BUDGET_EXCEEDED' }),
    );
    // Fail closed: the row the rule admitted leaves the cache; the other table stays.
    expect(table('secret').size).toBe(0);
    expect([...table('mine').keys()]).toEqual([7]);
    // And on: the other subscription follows the ticks in the new schema.
    await tick('note', { id: 8 });
    expect([...table('mine').keys()]).toEqual([7, 8]);
    await db.close();
  });
});
