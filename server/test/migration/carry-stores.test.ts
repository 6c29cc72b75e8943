import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { toIdentity, type CallResult, type ModuleDef } from '../../src/engine';
import { openDatabase, publishModule, type Database } from '../../src/engine/tooling';
import { loadModuleText } from '../../src/engine/sandbox';
import type { TableStore } from '../../src/engine/table-store';

/**
 * A migration boundary moves the stores of tables whose columns and key are unchanged instead of
 * re-inserting their rows (see TableStore.adoptRows). What must hold either way: every read path
 * (key, hash and btree indexes, unique lookups, the spatial grid) answers as a store built row by
 * row would, the state hash is the one a replay computes, and writes after the boundary work.
 */
const ENGINE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/engine');
const alice = toIdentity('d'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** v1: place and tag. v2: tag gains a column, place a new index, and a table is added. v3: v2 plus a reducer. */
function moduleText(version: 1 | 2 | 3): string {
  const placeIndexes = version >= 2 ? "indexes: [{ name: 'by_owner', columns: ['owner'] }], " : '';
  return `
import { createSchema, defineModule, t, table } from ${JSON.stringify(ENGINE_DIR)};
const schema = createSchema({
  place: table({ public: true, ${placeIndexes}spatial: { x: 'x', y: 'y', cellSize: 8 } }, {
    id: t.u32().primaryKey().autoInc(),
    name: t.string().unique(),
    kind: t.u8().index('btree'),
    owner: t.u32().index('hash'),
    x: t.f32(),
    y: t.f32(),
  }),
  tag: table({ public: true }, { id: t.u32().primaryKey().autoInc(), label: t.string()${version >= 2 ? ', weight: t.u16().default(7)' : ''} }),${version >= 2 ? '\n  extra: table({ public: true }, { id: t.u32().primaryKey(), note: t.string() }),' : ''}
});
const add = schema.reducer('add', { n: t.u32() }, (ctx, { n }) => {
  for (let i = 0; i < n; i++) {
    const k = ctx.db.place.count();
    ctx.db.place.insert({ id: 0, name: 'p' + k, kind: k % 5, owner: k % 3, x: (k * 7) % 100, y: (k * 13) % 100 });
    ctx.db.tag.insert({ id: 0, label: 't' + k${version >= 2 ? ', weight: 1' : ''} });
  }
});
const moveAll = schema.reducer('moveAll', {}, (ctx) => {
  for (const p of ctx.db.place.iter()) ctx.db.place.update({ ...p, x: (p.x + 31) % 100, kind: (p.kind + 1) % 5 });
  const first = ctx.db.place.find(1);
  if (first !== undefined) ctx.db.place.delete(1);
});
const nothing = schema.reducer('nothing', {}, () => {});
const tick = schema.reducer('tick', {}, (ctx) => { ctx.db.tag.insert({ id: 0, label: 'tick ' + ctx.tick${version >= 2 ? ', weight: 2' : ''} }); }, { internal: true });
export default defineModule(schema, {
  reducers: [add, moveAll, tick${version === 3 ? ', nothing' : ''}],
  init: (ctx) => { ctx.schedule('tick', {}, { atTick: ctx.tick + 1, everyMs: 100 }); },
});
`;
}

async function tick(db: Database<ModuleDef>): Promise<void> {
  db.engine.runTick();
  await db.engine.flush();
}

function call(db: Database<ModuleDef>, reducer: string, args: unknown): () => CallResult | undefined {
  let result: CallResult | undefined;
  db.engine.enqueue(alice, reducer, args, (r) => (result = r));
  return () => result;
}

const sortIds = (rows: readonly { id?: unknown }[]) => rows.map((r) => r.id as number).sort((a, b) => a - b);

/** Every read path of `place` against a brute-force filter of its rows. */
function checkPlace(store: TableStore): void {
  const rows = store.iter();
  expect(rows.length).toBeGreaterThan(0);
  for (let kind = 0; kind < 5; kind++)
    expect(sortIds(store.filter('kind', kind))).toEqual(sortIds(rows.filter((r) => r.kind === kind)));
  expect(sortIds(store.range('kind', { gte: 1, lte: 3 }))).toEqual(
    sortIds(rows.filter((r) => (r.kind as number) >= 1 && (r.kind as number) <= 3)),
  );
  for (let owner = 0; owner < 3; owner++)
    expect(sortIds(store.filter('owner', owner))).toEqual(sortIds(rows.filter((r) => r.owner === owner)));
  for (const r of rows) {
    expect(store.find(r.id)).toEqual(r);
    expect(store.filter('name', r.name)).toEqual([r]);
  }
  const near = (r: (typeof rows)[number]) => Math.hypot((r.x as number) - 40, (r.y as number) - 60) <= 25;
  expect(sortIds(store.withinRadius(40, 60, 25))).toEqual(sortIds(rows.filter(near)));
}

describe('a migration boundary carries unchanged tables by moving their stores', () => {
  it('moved and rebuilt stores answer every read like the rows, and the state hash is the replay one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carry-stores-'));
    dirs.push(dir);
    const v1 = await loadModuleText(moduleText(1), 'v1.ts');
    const db = await openDatabase({ dir, module: v1.module, logger: quiet });
    db.engine.publish(v1);
    call(db, 'add', { n: 60 });
    await tick(db);
    call(db, 'moveAll', {});
    await tick(db);
    const placeBefore = db.engine.tables.place!;
    const rowsBefore = placeBefore.iter();

    // v2: place gains an index (its rows move, its indexes are rebuilt), tag is reshaped, and the
    // new table shifts the schedule table's id (its rows move and are re-hashed).
    const v2 = await loadModuleText(moduleText(2), 'v2.ts');
    let published: CallResult | undefined;
    publishModule(db, v2, (r) => (published = r));
    await tick(db);
    expect(published).toEqual({ ok: true });
    const place2 = db.engine.tables.place!;
    expect(place2).not.toBe(placeBefore);
    expect(placeBefore.count()).toBe(0);
    expect(place2.iter()).toEqual(rowsBefore);
    expect(sortIds(place2.filter('by_owner', 1))).toEqual(sortIds(rowsBefore.filter((r) => r.owner === 1)));
    checkPlace(place2);
    const tag2 = db.engine.tables.tag!;
    expect(tag2.find(1)).toMatchObject({ weight: 7 });
    expect(db.engine.tables.__schedule!.count()).toBe(1);

    // v3: place unchanged, so its indexes and grid move with it; writes after the boundary work.
    const v3 = await loadModuleText(moduleText(3), 'v3.ts');
    publishModule(db, v3, (r) => (published = r));
    await tick(db);
    expect(published).toEqual({ ok: true });
    // Unchanged tables keep their very stores (only the new reducer differs).
    expect(db.engine.tables.place).toBe(place2);
    expect(db.engine.tables.tag).toBe(tag2);
    checkPlace(db.engine.tables.place!);
    call(db, 'moveAll', {});
    call(db, 'add', { n: 5 });
    for (let i = 0; i < 4; i++) await tick(db);
    checkPlace(db.engine.tables.place!);
    expect(db.engine.tables.place!.find(1)).toBeUndefined();
    const ticked = db.engine.tables.tag!.iter().filter((r) => String(r.label).startsWith('tick '));
    expect(ticked.length).toBeGreaterThan(3);

    const last = db.engine.tick;
    const whole = await db.replay(1, last);
    expect(whole.divergence?.message).toBeUndefined();
    expect(whole).toMatchObject({ ok: true, verifiedTicks: last });
    await db.close();
  });
});
