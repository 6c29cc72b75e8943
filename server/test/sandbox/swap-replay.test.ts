import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toIdentity, type CallResult, type ModuleDef } from '../../src/engine';
import { openDatabase, type Database } from '../../src/engine/tooling';
import { lastPublished } from '../../src/engine/log/replay';
import { loadModuleFile, loadModuleText } from '../../src/engine/sandbox';
import { counterModuleText, writeModuleFile } from './counter-module';

const alice = toIdentity('b'.repeat(32));
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

const value = (db: Database<ModuleDef>, id: number) => db.engine.tables.counter!.find(id)?.value;

describe('module swap at a tick boundary, logged as __publish', () => {
  it('swaps reducer bodies, refuses schema changes, and replay re-runs every tick with the code that ran it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hot-swap-db-'));
    dirs.push(dir);
    const v1 = await loadModuleFile(writeModuleFile(counterModuleText({ step: 1 })));
    const db = await openDatabase({ dir, module: v1.module, tickBudgetMs: 40, logger: quiet });
    db.engine.publish(v1); // the first version: logged in the first tick, before __init
    const first = call(db, 'bump', { id: 1 });
    await tick(db);
    expect(first()).toEqual({ ok: true });
    const t1 = [...db.ticks(1, 1)][0]!;
    expect(t1.calls.map((c) => c.reducer)).toEqual(['__publish', '__init', 'bump']);
    expect(t1.calls[0]!.args).toEqual({ hash: v1.bundle.hash, source: v1.bundle.source });

    const runaway = call(db, 'spin', { id: 7 });
    call(db, 'bump', { id: 1 });
    await tick(db);
    expect(runaway()).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
    expect(value(db, 1)).toBe(2);

    // v2: the same schema, bump adds 10. Calls queued before the swap run v2 as well.
    const v2 = await loadModuleText(counterModuleText({ step: 10 }), 'v2.ts');
    const queuedBefore = call(db, 'bump', { id: 1 });
    let published: CallResult | undefined;
    db.engine.publish(v2, (r) => (published = r));
    await tick(db);
    expect(published).toEqual({ ok: true });
    expect(queuedBefore()).toEqual({ ok: true });
    expect(value(db, 1)).toBe(12);
    const swapTick = db.engine.tick;
    // tock (due at 150 ms) runs after the queued bump, with v2's step: counter 0 starts at 10, not 1.
    expect([...db.ticks(swapTick, swapTick)][0]!.calls.map((c) => c.reducer)).toEqual([
      '__publish',
      'bump',
      'tock',
    ]);
    expect(value(db, 0)).toBe(10);

    // A schema change is refused with the differing table; v2 keeps running.
    const v3 = await loadModuleText(counterModuleText({ step: 100, extraColumn: true }), 'v3.ts');
    expect(() => db.engine.publish(v3)).toThrow(
      /SCHEMA_MISMATCH|changes the schema.*table 'counter' changed: columns \(id:u32, value:u32\) -> \(id:u32, value:u32, note:string\)/,
    );
    try {
      db.engine.publish(v3);
    } catch (error) {
      expect((error as { code: string }).code).toBe('SCHEMA_MISMATCH');
    }
    for (let i = 0; i < 3; i++) {
      call(db, 'bump', { id: 1 });
      await tick(db); // tock runs every 100 ms (every other tick) with v2's step too
    }
    expect(value(db, 1)).toBe(42);

    // Back to v1 (a second swap), then a runaway under v1 again.
    db.engine.publish(v1);
    call(db, 'bump', { id: 1 });
    await tick(db);
    expect(value(db, 1)).toBe(43);
    call(db, 'spin', { id: 8 });
    await tick(db);
    const last = db.engine.tick;
    expect(lastPublished(db.store, last)?.payload.hash).toBe(v1.bundle.hash);
    expect(lastPublished(db.store, swapTick)?.payload.hash).toBe(v2.bundle.hash);
    expect(lastPublished(db.store, swapTick - 1)?.payload.hash).toBe(v1.bundle.hash);

    const whole = await db.replay(1, last);
    expect(whole.divergence?.message).toBeUndefined();
    expect(whole).toMatchObject({ ok: true, verifiedTicks: last });
    // From mid-log: the version in force before `from` is found in the log.
    const tail = await db.replay(swapTick + 1, last);
    expect(tail.divergence?.message).toBeUndefined();
    expect(tail.ok).toBe(true);
    await db.close();
  });
});
