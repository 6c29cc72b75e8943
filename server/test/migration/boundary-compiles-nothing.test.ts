import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toIdentity, type CallResult, type ModuleDef } from '../../src/engine';
import { openDatabase, publishModule, type Database } from '../../src/engine/tooling';
import { loadModuleFile, loadModuleText } from '../../src/engine/sandbox';
import { compileReducerTable } from '../../src/engine/server-schema/reducer-table';
import { tableLayout } from '../../src/engine/table-layout';
import { planMigration } from '../../src/engine/migration/plan';
import { compileWireSchema } from '../../src/protocol/wire-schema';
import { counterModuleText, writeModuleFile } from '../sandbox/counter-module';

// Counting wrappers around the real compilers (they still compile): the boundary tick must call
// none of them, because a publish compiles what it needs when it is accepted.
vi.mock('../../src/engine/server-schema/reducer-table', async (real) => {
  const m = await real<typeof import('../../src/engine/server-schema/reducer-table')>();
  return { ...m, compileReducerTable: vi.fn(m.compileReducerTable) };
});
vi.mock('../../src/protocol/wire-schema', async (real) => {
  const m = await real<typeof import('../../src/protocol/wire-schema')>();
  return { ...m, compileWireSchema: vi.fn(m.compileWireSchema) };
});
vi.mock('../../src/engine/migration/plan', async (real) => {
  const m = await real<typeof import('../../src/engine/migration/plan')>();
  return { ...m, planMigration: vi.fn(m.planMigration) };
});
vi.mock('../../src/engine/table-layout', async (real) => {
  const m = await real<typeof import('../../src/engine/table-layout')>();
  return { ...m, tableLayout: vi.fn(m.tableLayout) };
});

const alice = toIdentity('d'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const compilers = [compileReducerTable, compileWireSchema, tableLayout, planMigration].map((f) =>
  vi.mocked(f),
);
const counts = () => compilers.map((f) => f.mock.calls.length);

async function tick(db: Database<ModuleDef>): Promise<void> {
  db.engine.runTick();
  await db.engine.flush();
}

/** The compiler calls made by the boundary tick after `publish` (and by the publish itself). */
async function boundary(
  db: Database<ModuleDef>,
  publish: () => void,
): Promise<{ atPublish: number[]; atBoundary: number[] }> {
  const start = counts();
  publish();
  const published = counts();
  await tick(db);
  const after = counts();
  return {
    atPublish: published.map((n, i) => n - start[i]!),
    atBoundary: after.map((n, i) => n - published[i]!),
  };
}

describe('a publish compiles when it is accepted, so its tick boundary only switches pointers', () => {
  it('a body swap and an additive migration compile no reducer table, wire schema or table store, and plan nothing, at the boundary', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'boundary-compiles-'));
    dirs.push(dir);
    const v1 = await loadModuleFile(writeModuleFile(counterModuleText()));
    const db = await openDatabase({ dir, module: v1.module, logger: quiet });
    db.engine.publish(v1);
    db.engine.enqueue(alice, 'bump', { id: 1 });
    await tick(db);

    const results: CallResult[] = [];
    const body = await loadModuleText(counterModuleText({ step: 5 }), 'body.ts');
    const swap = await boundary(db, () => publishModule(db, body, (r) => results.push(r)));
    expect(swap.atPublish[0]).toBeGreaterThan(0); // the reducer table, compiled ahead
    expect(swap.atBoundary).toEqual([0, 0, 0, 0]);
    db.engine.enqueue(alice, 'bump', { id: 1 });
    await tick(db);
    expect(db.engine.tables.counter!.find(1)).toEqual({ id: 1, value: 6 }); // the new body ran

    const v2 = await loadModuleText(counterModuleText({ v2: true }), 'v2.ts');
    const migration = await boundary(db, () => publishModule(db, v2, (r) => results.push(r)));
    expect(migration.atPublish.every((n) => n > 0)).toBe(true);
    expect(migration.atBoundary).toEqual([0, 0, 0, 0]); // not even planned again
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    // What was compiled ahead is what runs: the new table, column and reducer work.
    expect(db.engine.schema.descriptor.tables.map((t) => t.name)).toEqual(['counter', 'badge']);
    db.engine.enqueue(alice, 'levelUp', { id: 1, by: 2 });
    await tick(db);
    expect(db.engine.tables.counter!.find(1)).toEqual({ id: 1, value: 6, level: 3 });
    expect(db.engine.tables.badge!.find(1)).toEqual({ id: 1, name: 'level 3' });
    await db.close();
  });
});
