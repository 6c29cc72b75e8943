import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toIdentity, type CallResult, type ModuleDef } from '../../src/engine';
import { openDatabase, publishModule, readManifest, type Database } from '../../src/engine/tooling';
import { loadModuleFile, loadModuleText } from '../../src/engine/sandbox';
import { counterModuleText, writeModuleFile } from '../sandbox/counter-module';

const alice = toIdentity('c'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function tick(db: Database<ModuleDef>): Promise<void> {
  db.engine.runTick();
  await db.engine.flush();
}

function call(db: Database<ModuleDef>, reducer: string, args: unknown): () => CallResult | undefined {
  let result: CallResult | undefined;
  db.engine.enqueue(alice, reducer, args, (r) => (result = r));
  return () => result;
}

describe('a publish that changes the schema additively migrates at a tick boundary', () => {
  it('adds a column with its default, a table and a reducer; asOf, history, replay and reopen cross it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-migrate-db-'));
    dirs.push(dir);
    const v1 = await loadModuleFile(writeModuleFile(counterModuleText()));
    const db = await openDatabase({ dir, module: v1.module, logger: quiet });
    db.engine.publish(v1);
    call(db, 'bump', { id: 1 });
    await tick(db);
    call(db, 'bump', { id: 1 });
    await tick(db);
    const before = db.engine.tick;
    const schemaBefore = db.engine.schema;
    expect(db.engine.tables.counter!.find(1)).toEqual({ id: 1, value: 2 });

    const v2 = await loadModuleText(counterModuleText({ v2: true }), 'v2.ts');
    let published: CallResult | undefined;
    const queued = call(db, 'bump', { id: 1 }); // queued before the boundary: runs v2's code on v2's tables
    publishModule(db, v2, (r) => (published = r));
    await tick(db);
    const boundary = db.engine.tick;
    expect(published).toEqual({ ok: true });
    expect(queued()).toEqual({ ok: true });
    const logged = [...db.ticks(boundary, boundary)][0]!;
    expect(logged.calls.map((c) => c.reducer).slice(0, 3)).toEqual(['__publish', '__migrate', 'bump']);
    expect(logged.calls[1]!.args).toMatchObject({ from: 1, to: 2, reshaped: ['counter'], added: ['badge'] });
    // The engine's tables and wire schema are the new version's.
    expect(db.engine.schema.version).toBeGreaterThan(schemaBefore.version);
    expect(db.engine.schema.wire).not.toBe(schemaBefore.wire);
    expect(db.engine.schema.descriptor.tables.map((t) => t.name)).toEqual(['counter', 'badge']);
    expect(db.engine.tables.counter!.find(1)).toEqual({ id: 1, value: 3, level: 1 });
    expect(readManifest(dir).schemaVersions?.map((v) => [v.version, v.fromTick])).toEqual([
      [1, 0],
      [2, boundary],
    ]);

    const up = call(db, 'levelUp', { id: 1, by: 2 });
    await tick(db);
    expect(up()).toEqual({ ok: true });
    expect(db.engine.tables.counter!.find(1)).toEqual({ id: 1, value: 3, level: 3 });
    expect(db.engine.tables.badge!.find(1)).toEqual({ id: 1, name: 'level 3' });

    // asOf on each side shows each shape.
    const old = await db.asOf(before);
    expect(old.tables.counter!.find(1)).toEqual({ id: 1, value: 2 });
    expect(old.tables.badge).toBeUndefined();
    const after = await db.asOf(boundary + 1);
    expect(after.tables.counter!.find(1)).toEqual({ id: 1, value: 3, level: 3 });
    const rows = await db.history('counter', 1);
    expect(rows.map((r) => r.tick)).toContain(before);
    expect(rows[rows.length - 1]!.row).toEqual({ id: 1, value: 3, level: 3 });

    const last = db.engine.tick;
    const whole = await db.replay(1, last);
    expect(whole.divergence?.message).toBeUndefined();
    expect(whole).toMatchObject({ ok: true, verifiedTicks: last });
    await db.close();

    // Reopened with the new module: no migration, the state is there.
    const again = await openDatabase({ dir, module: v2.module, olderModules: [v1.module], logger: quiet });
    expect(again.migration).toBeUndefined();
    expect(again.engine.tables.counter!.find(1)).toEqual({ id: 1, value: 3, level: 3 });
    const replayed = await again.replay(1, last);
    expect(replayed.divergence?.message).toBeUndefined();
    await again.close();
  });

  it('refuses a breaking publish without a migration, with the differences, and keeps running', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runtime-migrate-db-'));
    dirs.push(dir);
    const v1 = await loadModuleFile(writeModuleFile(counterModuleText()));
    const db = await openDatabase({ dir, module: v1.module, logger: quiet });
    db.engine.publish(v1);
    await tick(db);
    const broken = await loadModuleText(counterModuleText({ extraColumn: true }), 'v3.ts');
    expect(() => publishModule(db, broken)).toThrow(/note/);
    call(db, 'bump', { id: 1 });
    await tick(db);
    expect(db.engine.tables.counter!.find(1)).toEqual({ id: 1, value: 1 });
    expect(readManifest(dir).schemaVersions ?? [{}]).toHaveLength(1);
    await db.close();
  });
});
