import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, t, table, type ModuleDef } from '../../src/engine';
import { openDatabase, publishModule, type Database } from '../../src/engine/tooling';
import { createFrontier, type Frontier } from '../../src/world';
import { drive, type FrontierEngine } from './drive';
import { SMALL } from './helpers';

const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A Frontier version whose item_def gains a column with a default (an additive migration), as a developer's edit of tables.ts would. */
function withItemWeight(module: Frontier['module']): Frontier['module'] {
  const item = module.tables.item_def;
  const item_def = table(item.options, { ...item.columns, weightGrams: t.u32().default(250) });
  return { ...module, tables: { ...module.tables, item_def } } as unknown as Frontier['module'];
}

async function database(module: ModuleDef): Promise<Database<ModuleDef>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'physics-warm-'));
  dirs.push(dir);
  return openDatabase({ dir, module, seed: 's', tickMs: 50, durability: 'never', logger: quiet });
}

describe("Frontier's warm hook", () => {
  it("builds a new version's chunk collision worlds at publish, and no tick comes out different", async () => {
    const v1 = await createFrontier(SMALL);
    const warmed = createEngine({ module: v1.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const cold = createEngine({ module: v1.module, seed: 's', tickMs: 50 }) as FrontierEngine;
    const before = drive(warmed, 12, 60);
    expect(drive(cold, 12, 60)).toEqual(before);
    expect(warmed.db.avatar.filter('moving', true).length).toBeGreaterThan(0);

    // A new version is a new module instance: its physics cache starts empty.
    const v2 = await createFrontier(SMALL);
    const v2cold = await createFrontier(SMALL);
    warmed.publish({ module: v2.module, payload: {} });
    cold.publish({ module: { ...v2cold.module, warm: undefined }, payload: {} });
    const built = v2.physicsStats(warmed).chunkBuilds;
    expect(built).toBeGreaterThan(0);
    expect(v2.physicsStats(warmed).worldBuilds).toBeGreaterThan(0);
    expect(v2cold.physicsStats(cold).chunkBuilds).toBe(0);

    // The boundary tick: the warmed version builds nothing, the cold one builds what warm did.
    const a = drive(warmed, 12, 1, 'after');
    const b = drive(cold, 12, 1, 'after');
    expect(a).toEqual(b);
    expect(v2.physicsStats(warmed).chunkBuilds).toBe(built);
    expect(v2cold.physicsStats(cold).chunkBuilds).toBeGreaterThan(0);
    expect(v2.physicsStats(warmed).rapierMoves + v2.physicsStats(warmed).freeMoves).toBeGreaterThan(0);
    // And on: the same moves, the same state hash every tick.
    expect(drive(warmed, 12, 60, 'after')).toEqual(drive(cold, 12, 60, 'after'));
  });

  it('warms a version that migrates (item_def gains a column): its boundary builds no chunk, and warmed and cold give the same state hash every tick', async () => {
    const v1 = await createFrontier(SMALL);
    const warmedDb = await database(v1.module);
    const coldDb = await database(v1.module);
    const warmed = warmedDb.engine as unknown as FrontierEngine;
    const cold = coldDb.engine as unknown as FrontierEngine;
    expect(drive(warmed, 12, 60)).toEqual(drive(cold, 12, 60));
    expect(warmed.db.avatar.filter('moving', true).length).toBeGreaterThan(0);

    const v2 = await createFrontier(SMALL);
    const v2cold = await createFrontier(SMALL);
    const results: unknown[] = [];
    publishModule(warmedDb, { module: withItemWeight(v2.module), payload: {} }, (r) => results.push(r));
    publishModule(
      coldDb,
      { module: { ...withItemWeight(v2cold.module), warm: undefined }, payload: {} },
      (r) => results.push(r),
    );
    // Warmed at publish, before the boundary, against the tables the migration keeps.
    const warmedCache = v2.physicsStats(warmed);
    const built = warmedCache.chunkBuilds;
    expect(built).toBeGreaterThan(0);
    expect(v2cold.physicsStats(cold).chunkBuilds).toBe(0);

    // The boundary tick migrates both: the warmed version's physics finds its cache and builds nothing.
    const boundary = drive(warmed, 12, 1, 'after');
    expect(drive(cold, 12, 1, 'after')).toEqual(boundary);
    // Results wait for the boundary tick's record, which waits for the manifest of version 2.
    await Promise.all([warmed.flush(), cold.flush()]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    for (const db of [warmedDb, coldDb]) {
      const [record] = [...db.ticks(db.engine.tick, db.engine.tick)];
      expect(record!.calls.slice(0, 2).map((c) => c.reducer)).toEqual(['__publish', '__migrate']);
      expect(db.store.versions!.latest.version).toBe(2);
      expect(db.engine.tables.item_def!.iter()[0]).toMatchObject({ weightGrams: 250 });
    }
    // The cache the boundary's physics used is the one warm filled (the migration gave the engine
    // a new db object; the cache follows the kept world_info table), and it built nothing more.
    expect(v2.physicsStats(warmed)).toBe(warmedCache);
    expect(v2.physicsStats(warmed).chunkBuilds).toBe(built);
    expect(v2cold.physicsStats(cold).chunkBuilds).toBeGreaterThan(0);
    expect(v2.physicsStats(warmed).rapierMoves + v2.physicsStats(warmed).freeMoves).toBeGreaterThan(0);
    // And on: the same state hash every tick.
    expect(drive(warmed, 12, 60, 'after')).toEqual(drive(cold, 12, 60, 'after'));
    await warmedDb.close();
    await coldDb.close();
  });
});
