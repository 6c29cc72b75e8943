import { describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  t,
  table,
  toIdentity,
  type CallResult,
  type Engine,
  type ModuleDef,
} from '../../src/engine';
import { bundleModuleText } from '../../src/engine/sandbox/bundle-module';
import { loadModuleFile, loadModuleText } from '../../src/engine/sandbox';
import { counterModuleText, writeModuleFile } from './counter-module';

const alice = toIdentity('a'.repeat(32));

async function sandboxed(budget?: number): Promise<Engine<ModuleDef>> {
  const v1 = await loadModuleFile(writeModuleFile(counterModuleText()));
  return createEngine({
    module: v1.module,
    ...(budget === undefined ? {} : { tickBudgetMs: budget }),
    logger: quiet,
  });
}

const quiet = { error: () => {}, warn: () => {} };
const counter = (engine: Engine<ModuleDef>) => engine.tables.counter!;

function callNow(engine: Engine<ModuleDef>, reducer: string, args: unknown): () => CallResult {
  let result: CallResult | undefined;
  engine.enqueue(alice, reducer, args, (r) => (result = r));
  return () => result!;
}

describe('reducers in a Compartment', () => {
  it('withhold the clock, Math.random, timers and host globals, naming the replacement', async () => {
    const engine = await sandboxed();
    const cases: [string, RegExp][] = [
      ['random', /Math\.random\(\) is not available in a reducer.*ctx\.rng\(\)/],
      ['now', /Date\.now\(\) is not available.*ctx\.now/],
      ['date', /new Date\(\) \(the current time\) is not available.*ctx\.now/],
      ['dateText', /Date\(\) \(the current time as text\).*ctx\.now/],
      ['timer', /setTimeout is not available.*ctx\.schedule/],
      ['process', /the host global 'process' is not available/],
      ['performance', /the host global 'performance'.*ctx\.now/],
    ];
    const results = cases.map(([what]) => callNow(engine, 'misuse', { what }));
    const ok = callNow(engine, 'misuse', { what: 'deterministic' });
    engine.runTick();
    cases.forEach(([what, pattern], i) => {
      const r = results[i]!();
      expect(r.ok, what).toBe(false);
      if (r.ok) return;
      expect(r.code, what).toBe('SANDBOX_VIOLATION');
      expect(r.message, what).toMatch(pattern);
      expect(r.message, what).toContain("reducer 'misuse'");
    });
    expect(ok()).toEqual({ ok: true });
  });

  it('a module that uses Math.random while loading fails to load, naming the file', async () => {
    const file = writeModuleFile(counterModuleText({ prelude: 'const seed = Math.random();' }));
    await expect(loadModuleFile(file)).rejects.toThrow(
      /failed while loading in the sandbox: Math\.random\(\).*ctx\.rng/,
    );
  });

  it('the only import is the kit API: packages, built-ins and (for text) relative files are refused', async () => {
    await expect(
      loadModuleFile(writeModuleFile(counterModuleText({ prelude: "import fs from 'node:fs'; void fs;" }))),
    ).rejects.toThrow(
      /module\.ts:1:\d+: imports the Node built-in 'node:fs': a sandboxed module may import only the kit API/,
    );
    await expect(
      loadModuleFile(
        writeModuleFile(counterModuleText({ prelude: "import sr from 'seedrandom'; void sr;" })),
      ),
    ).rejects.toThrow(/imports the package 'seedrandom'/);
    await expect(loadModuleText(counterModuleText({ kit: '../engine' }), 'posted.ts')).rejects.toThrow(
      /posted\.ts:2:\d+: imports '\.\.\/engine': a published module is one file or one bundle/,
    );
    const viaPackageName = await loadModuleText(
      counterModuleText({ kit: '@tickspace/server/engine' }),
      'posted.ts',
    );
    expect(viaPackageName.module.reducers.map((r) => r.name)).toEqual(['bump', 'spin', 'misuse', 'tock']);
  });

  it('a bundle over maxBundleBytes is refused with both sizes', async () => {
    const text = counterModuleText();
    await expect(bundleModuleText(text, 'big.ts', { maxBundleBytes: 200 })).rejects.toThrow(
      /big\.ts is \d+ bytes, over the limit of 200 \(maxBundleBytes\)/,
    );
    const bundle = await bundleModuleText(text, 'ok.ts');
    await expect(
      bundleModuleText(text, 'big.ts', { maxBundleBytes: bundle.source.length - 1 + 0 }),
    ).rejects.toThrow(/bundles to \d+ bytes, over the limit/);
  });

  it('a file that does not parse names the line', async () => {
    await expect(loadModuleFile(writeModuleFile('export default {\n  tables: {,\n};\n'))).rejects.toThrow(
      /module\.ts:2:\d+: /,
    );
  });
});

describe('the tick budget', () => {
  it('aborts a runaway reducer with BUDGET_EXCEEDED; the tick commits the other calls and the engine ticks on', async () => {
    const engine = await sandboxed(200);
    engine.runTick(); // init: schedules tock
    const before = callNow(engine, 'bump', { id: 1 });
    const runaway = callNow(engine, 'spin', { id: 2 });
    const after = callNow(engine, 'bump', { id: 3 });
    const record = engine.runTick();
    expect(before()).toEqual({ ok: true });
    expect(after()).toEqual({ ok: true });
    expect(runaway()).toMatchObject({ ok: false, code: 'BUDGET_EXCEEDED' });
    const r = runaway();
    if (!r.ok)
      expect(r.message).toMatch(/reducer 'spin' ran past the tick's CPU budget of 200 ms and was aborted/);
    // The runaway's own write was rolled back; the others committed.
    expect(counter(engine).find(2)).toBeUndefined();
    expect(counter(engine).find(1)?.value).toBe(1);
    expect(counter(engine).find(3)?.value).toBe(1);
    expect(record.calls.map((c) => [c.reducer, c.result.ok])).toEqual([
      ['bump', true],
      ['spin', false],
      ['bump', true],
    ]);
    expect(record.changes.every((c) => c.callIndex !== 1)).toBe(true);
    // Scheduled calls after the abort still run: tock is due at 100 ms (tick 2 at 50 ms ticks).
    const next = callNow(engine, 'bump', { id: 1 });
    const tock = engine.runTick();
    expect(next()).toEqual({ ok: true });
    expect(tock.calls.map((c) => c.reducer)).toEqual(['bump', 'tock']);
    expect(counter(engine).find(1)?.value).toBe(2);
  });

  it('two runaways in one tick each get their own budget and both abort', async () => {
    const engine = await sandboxed(100);
    const a = callNow(engine, 'spin', { id: 1 });
    const b = callNow(engine, 'spin', { id: 2 });
    const c = callNow(engine, 'bump', { id: 3 });
    engine.runTick();
    expect([a().ok, b().ok, c().ok]).toEqual([false, false, true]);
    expect(counter(engine).count()).toBe(1);
  });

  it('bounds a call, not the tick: a tick of quick calls longer than the budget is never cut', () => {
    // A host module (the budget needs no sandbox): each call busy-waits 1 ms of wall time, so 1,200
    // calls take over 1.2 s against a 1,000 ms budget. The window is renewed at the first check
    // (every 32 calls) after it is half spent, so a window holds about 530 ms: a margin of 470 ms
    // for a loaded machine's stalls.
    const schema = createSchema({ n: table({}, { id: t.u32().primaryKey() }) });
    const slow = schema.reducer('slow', { id: t.u32() }, (ctx, { id }) => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      ctx.db.n.insert({ id });
    });
    const engine = createEngine({
      module: defineModule(schema, { reducers: [slow] }),
      tickBudgetMs: 1000,
      logger: quiet,
    });
    for (let id = 0; id < 1200; id++) engine.enqueue(alice, 'slow', { id });
    const record = engine.runTick();
    expect(record.durationMs).toBeGreaterThan(1000);
    expect(record.calls.filter((c) => !c.result.ok)).toEqual([]);
    expect(engine.tables.n!.count()).toBe(1200);
  });

  it('reproduceAborts: the logged outcome is returned without running the body (no budget needed)', async () => {
    const engine = await sandboxed(); // no budget: running spin's body would never return
    engine.runTick();
    const spin = callNow(engine, 'spin', { id: 1 });
    const bump = callNow(engine, 'bump', { id: 2 });
    engine.reproduceAborts(new Map([[0, 'logged message']]));
    engine.runTick();
    expect(spin()).toEqual({ ok: false, code: 'BUDGET_EXCEEDED', message: 'logged message' });
    expect(bump()).toEqual({ ok: true });
    expect(counter(engine).find(1)).toBeUndefined();
  });
});
