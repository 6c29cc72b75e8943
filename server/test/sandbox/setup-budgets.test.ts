import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  t,
  table,
  toIdentity,
  type CallResult,
  type ModuleDef,
} from '../../src/engine';
import { openDatabase, publishModule, readManifest, type Database } from '../../src/engine/tooling';
import { loadModuleText } from '../../src/engine/sandbox';

/**
 * Module code that runs outside the tick's calls has budgets of its own: init (`initBudgetMs`) and
 * a runtime migration's declaration and row conversions (`migrationBudgetMs`). Past them V8 stops
 * the code; init fails as a logged BUDGET_EXCEEDED call and the world ticks on, and a migration's
 * publish is refused before anything changed, the running version going on.
 */
const ENGINE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/engine');
const alice = toIdentity('f'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-budgets-'));
  dirs.push(dir);
  return dir;
};

const schema = createSchema({ item: table({}, { id: t.u32().primaryKey(), n: t.u32() }) });
const put = schema.reducer('put', { id: t.u32() }, (ctx, { id }) => {
  ctx.db.item.insert({ id, n: id });
});
const runawayInit = defineModule(schema, {
  reducers: [put],
  init: (ctx) => {
    ctx.db.item.insert({ id: 99, n: 99 });
    for (;;);
  },
});

describe('the init budget', () => {
  it('stops a runaway init: BUDGET_EXCEEDED naming initBudgetMs, its writes rolled back, the world ticks on', () => {
    const engine = createEngine({ module: runawayInit, tickBudgetMs: 200, initBudgetMs: 50, logger: quiet });
    let put1: CallResult | undefined;
    engine.enqueue(alice, 'put', { id: 1 }, (r) => (put1 = r));
    const first = engine.runTick();
    expect(first.calls[0]).toMatchObject({ reducer: '__init' });
    expect(first.calls[0]!.result).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
    const message = (first.calls[0]!.result as { message: string }).message;
    expect(message).toMatch(/ran past the init budget \(initBudgetMs\) of 50 ms/);
    expect(put1).toEqual({ ok: true });
    expect(engine.db.item.find(99)).toBeUndefined();
    engine.enqueue(alice, 'put', { id: 2 });
    engine.runTick();
    expect(engine.db.item.iter().map((r) => r.id)).toEqual([1, 2]);
  });

  it('is logged as the outcome, so a replay reproduces the abort without timing anything', async () => {
    const dir = tempDir();
    const db = await openDatabase({
      dir,
      module: runawayInit,
      tickBudgetMs: 200,
      initBudgetMs: 50,
      logger: quiet,
    });
    db.engine.enqueue(alice, 'put', { id: 1 });
    db.engine.runTick();
    db.engine.runTick();
    await db.engine.flush();
    expect(await db.replay(1, 2)).toMatchObject({ ok: true, verifiedTicks: 2 });
    await db.close();
  });
});

/** v1: a counter table. v2: it gains a column, and the declared migration converts each row. */
function moduleText(migration: 'none' | 'convert' | 'runaway-convert' | 'runaway-declare'): string {
  const v2 = migration !== 'none';
  const body =
    migration === 'runaway-declare'
      ? '(m) => { for (;;) {} }'
      : migration === 'runaway-convert'
        ? "(m) => m.table('counter', (old, row) => { if (old.id === 3) for (;;) {} return row; })"
        : "(m) => m.table('counter', (old, row) => ({ ...row, double: old.value * 2 }))";
  return `
import { createSchema, defineModule, t, table } from ${JSON.stringify(ENGINE_DIR)};
const schema = createSchema({
  counter: table({ public: true }, { id: t.u32().primaryKey(), value: t.u32()${v2 ? ', double: t.u32().default(0)' : ''} }),
});
const bump = schema.reducer('bump', { id: t.u32() }, (ctx, { id }) => {
  const row = ctx.db.counter.find(id);
  if (row === undefined) ctx.db.counter.insert({ id, value: 1${v2 ? ', double: 2' : ''} });
  else ctx.db.counter.update({ ...row, value: row.value + 1 });
});
export default defineModule(schema, { reducers: [bump]${v2 ? `, migrations: { 2: ${body} }` : ''} });
`;
}

async function tick(db: Database<ModuleDef>): Promise<void> {
  db.engine.runTick();
  await db.engine.flush();
}

describe('the migration budget', () => {
  it('refuses a publish whose row conversion runs away: nothing changes, the running version goes on', async () => {
    const dir = tempDir();
    const v1 = await loadModuleText(moduleText('none'), 'v1.ts');
    const db = await openDatabase({
      dir,
      module: v1.module,
      tickBudgetMs: 200,
      migrationBudgetMs: 100,
      logger: quiet,
    });
    db.engine.publish(v1);
    for (const id of [1, 2, 3]) db.engine.enqueue(alice, 'bump', { id });
    await tick(db);
    const rows = db.engine.tables.counter!.iter();
    const schemaVersion = db.engine.schema.version;
    const manifestBefore = readManifest(dir).schemaVersions?.length;

    const runaway = await loadModuleText(moduleText('runaway-convert'), 'v2-runaway.ts');
    let refused: CallResult | undefined;
    publishModule(db, runaway, (r) => (refused = r));
    let bumped: CallResult | undefined;
    db.engine.enqueue(alice, 'bump', { id: 1 }, (r) => (bumped = r));
    await tick(db);
    expect(refused).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
    expect((refused as { message: string }).message).toMatch(
      /the migration to the next schema version ran past the migration budget \(migrationBudgetMs\) of 100 ms at tick 2 and was refused/,
    );
    // The tick's calls ran on the old version's tables; nothing of the migration happened.
    expect(bumped).toEqual({ ok: true });
    expect(db.engine.module).toBe(v1.module);
    expect(db.engine.schema.version).toBe(schemaVersion);
    expect(db.engine.tables.counter!.iter()).toEqual([{ ...rows[0], value: 2 }, rows[1], rows[2]]);
    expect(readManifest(dir).schemaVersions?.length).toBe(manifestBefore);

    // A declaration that runs away is refused at publish time the same way.
    const declares = await loadModuleText(moduleText('runaway-declare'), 'v2-declare.ts');
    expect(() => publishModule(db, declares)).toThrow(/migration budget \(migrationBudgetMs\) of 100 ms/);

    // A good v2 then migrates, and the whole log replays.
    const good = await loadModuleText(moduleText('convert'), 'v2.ts');
    let published: CallResult | undefined;
    publishModule(db, good, (r) => (published = r));
    await tick(db);
    expect(published).toEqual({ ok: true });
    expect(db.engine.tables.counter!.find(1)).toEqual({ id: 1, value: 2, double: 4 });
    const last = db.engine.tick;
    expect(await db.replay(1, last)).toMatchObject({ ok: true, verifiedTicks: last });
    await db.close();
  });
});
