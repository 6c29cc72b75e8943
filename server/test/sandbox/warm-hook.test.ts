import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  t,
  table,
  toIdentity,
  type CallResult,
  type WarmContext,
} from '../../src/engine';
import { TickspaceError } from '../../src/protocol/errors';
import { openDatabase, publishModule } from '../../src/engine/tooling';
import { loadModuleFile, loadModuleText, provideHostModules } from '../../src/engine/sandbox';
import { counterModuleText, writeModuleFile } from './counter-module';

const alice = toIdentity('e'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const schema = createSchema({
  counter: table({ public: true }, { id: t.u32().primaryKey(), value: t.u32() }),
});

/** A counter whose `bump` adds `step`, with the given warm hook. */
function counter(step: number, warm?: (w: WarmContext<typeof schema.tables>) => void) {
  const bump = schema.reducer('bump', { id: t.u32() }, (ctx, { id }) => {
    const row = ctx.db.counter.find(id);
    if (row === undefined) ctx.db.counter.insert({ id, value: step });
    else ctx.db.counter.update({ ...row, value: row.value + step });
  });
  return defineModule(schema, { reducers: [bump], ...(warm === undefined ? {} : { warm }) });
}

function started(
  module: ReturnType<typeof counter>,
  options: { warmBudgetMs?: number; tickBudgetMs?: number } = {},
) {
  const engine = createEngine({ module, logger: quiet, ...options });
  engine.enqueue(alice, 'bump', { id: 1 });
  engine.runTick();
  return engine;
}

function refusal(run: () => void): TickspaceError {
  try {
    run();
  } catch (error) {
    if (error instanceof TickspaceError) return error;
    throw error;
  }
  throw new Error('the publish was accepted');
}

describe("a published version's warm hook", () => {
  it('runs at publish, before the boundary, reading the tables as the last tick left them', () => {
    const engine = started(counter(1));
    const seen: { tick: number; value: number | undefined; reshaped: readonly string[] }[] = [];
    const v2 = counter(10, ({ db, tick, reshaped }) => {
      seen.push({ tick, value: db.counter.find(1)?.value, reshaped });
    });
    engine.publish({ module: v2, payload: {} });
    expect(seen).toEqual([{ tick: 1, value: 1, reshaped: [] }]);
    engine.enqueue(alice, 'bump', { id: 1 });
    engine.runTick();
    expect(engine.db.counter.find(1)!.value).toBe(11);
    expect(seen).toHaveLength(1); // never again: not at the boundary, not per tick
  });

  it('cannot write: a write refuses the publish with the cause, and the running version goes on', () => {
    const engine = started(counter(1));
    const v2 = counter(10, ({ db }) => {
      (db.counter as unknown as { insert(row: unknown): void }).insert({ id: 2, value: 5 });
    });
    const e = refusal(() => engine.publish({ module: v2, payload: {} }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(
      /warm hook threw after tick 1: .*outside a reducer call.*the publish is refused/,
    );
    expect((e.cause as TickspaceError).code).toBe('READ_ONLY');
    engine.enqueue(alice, 'bump', { id: 1 });
    const record = engine.runTick();
    expect(record.calls.map((c) => c.reducer)).toEqual(['bump']); // no __publish
    expect(engine.db.counter.find(1)!.value).toBe(2);
    expect(engine.db.counter.find(2)).toBeUndefined();
  });

  it('runs under warmBudgetMs: a hook that never returns is stopped and refuses the publish', () => {
    const engine = started(counter(1), { warmBudgetMs: 30 });
    const v2 = counter(10, () => {
      for (;;) {
        /* a runaway */
      }
    });
    const e = refusal(() => engine.publish({ module: v2, payload: {} }));
    expect(e.code).toBe('BUDGET_EXCEEDED');
    expect(e.message).toMatch(/warm budget \(warmBudgetMs\) of 30 ms after tick 1/);
    expect(e.details).toEqual({ budgetMs: 30 });
    engine.enqueue(alice, 'bump', { id: 1 });
    engine.runTick();
    expect(engine.db.counter.find(1)!.value).toBe(2);
    // The engine still takes a good version.
    engine.publish({ module: counter(10, () => {}), payload: {} });
    engine.enqueue(alice, 'bump', { id: 1 });
    engine.runTick();
    expect(engine.db.counter.find(1)!.value).toBe(12);
  });

  it('is skipped for a publish queued behind another one for the same boundary', () => {
    const engine = started(counter(1));
    const warmed: number[] = [];
    engine.publish({ module: counter(10, () => warmed.push(10)), payload: {} });
    engine.publish({ module: counter(100, () => warmed.push(100)), payload: {} });
    expect(warmed).toEqual([10]);
    engine.enqueue(alice, 'bump', { id: 1 });
    engine.runTick();
    expect(engine.db.counter.find(1)!.value).toBe(101);
  });

  it("names the tables a version's migration reshapes, which it must not read", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warm-hook-'));
    dirs.push(dir);
    const v1 = await loadModuleFile(writeModuleFile(counterModuleText()));
    const db = await openDatabase({ dir, module: v1.module, logger: quiet });
    db.engine.publish(v1);
    db.engine.runTick();
    await db.engine.flush();
    const v2 = await loadModuleText(counterModuleText({ v2: true }), 'v2.ts');
    const seen: (readonly string[])[] = [];
    let result: CallResult | undefined;
    publishModule(
      db,
      { ...v2, module: { ...v2.module, warm: (w: WarmContext<any>) => seen.push(w.reshaped) } },
      (r) => (result = r),
    );
    expect(seen).toEqual([['counter']]);
    db.engine.runTick();
    await db.engine.flush();
    expect(result).toEqual({ ok: true });
    await db.close();
  });

  it('is not run by replay: it fills caches only, and a replay must not depend on its timing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warm-replay-'));
    dirs.push(dir);
    // A host module the sandboxed hook reports to (the sandbox has no other way out).
    const probe = { ticks: [] as number[] };
    provideHostModules({ 'warm-probe': probe });
    const text = counterModuleText({
      prelude: "import { ticks } from 'warm-probe';",
      warm: '({ tick }) => void ticks.push(tick)',
    });
    const v1 = await loadModuleFile(writeModuleFile(counterModuleText()));
    const db = await openDatabase({ dir, module: v1.module, logger: quiet });
    db.engine.publish(v1);
    db.engine.enqueue(alice, 'bump', { id: 1 });
    db.engine.runTick();
    const v2 = await loadModuleText(text, 'v2.ts', { hostModules: ['warm-probe'] });
    publishModule(db, v2);
    expect(probe.ticks).toEqual([1]);
    db.engine.enqueue(alice, 'bump', { id: 1 });
    db.engine.runTick();
    db.engine.runTick();
    await db.engine.flush();
    const replayed = await db.replay(1, db.engine.tick);
    expect(replayed.divergence?.message).toBeUndefined();
    expect(replayed.ok).toBe(true);
    expect(probe.ticks).toEqual([1]); // the replay evaluated v2 from the log, and did not warm it
    await db.close();
  });
});
