import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEngine, toIdentity, type CallResult, type Engine, type ModuleDef } from '../../src/engine';
import { loadModuleText } from '../../src/engine/sandbox';

/**
 * The tick budget times the tick's calls synchronously; a promise's reactions run as microtasks
 * once that timed run has returned, where V8's watchdog no longer stops them. So no sandboxed code
 * may queue a microtask: every way of making a promise is withheld or refused when the module is
 * bundled, and a reducer that reaches for one fails inside its call, within the budget.
 */
const alice = toIdentity('a'.repeat(32));
const quiet = { error: () => {}, warn: () => {} };

/** One macrotask turn: every microtask queued before it has run (no timing involved). */
const microtasksDrained = () => new Promise<void>((resolve) => setImmediate(resolve));

const header = `
import { createSchema, defineModule, t, table } from '@tickspace/server/engine';
const schema = createSchema({ note: table({}, { id: t.u32().primaryKey(), text: t.string() }) });
`;

/** A module whose reducer `escape` tries one route to a microtask, picked by name. */
const routes = `${header}
// The continuation reports through the host console: if it ever runs, the route was open.
const later = () => { console.warn('tickspace-escaped-the-budget'); };
const tries = {
  resolve: () => Promise.resolve().then(later),
  construct: () => new Promise((r) => r()).then(later),
  nestedCompartment: () => new Compartment().evaluate('Promise').resolve().then(later),
  functionText: () => Function('later', 'return Promise.resolve().then(later)')(later),
  indirectEval: () => (0, eval)('Promise.resolve()').then(later),
  microtask: () => queueMicrotask(later),
};
const escape = schema.reducer('escape', { route: t.string() }, (ctx, { route }) => {
  ctx.db.note.insert({ id: 1, text: route });
  tries[route]();
});
// What the Compartment offers beyond Promise that could make one (none on Node 20).
const probe = schema.reducer('probe', {}, (ctx) => {
  const found = [typeof Array.fromAsync, typeof Atomics, typeof WebAssembly, typeof SharedArrayBuffer];
  ctx.db.note.insert({ id: 2, text: found.join(',') });
});
const ok = schema.reducer('ok', {}, (ctx) => { ctx.db.note.insert({ id: 3, text: 'ok' }); });
const gen = schema.reducer('gen', {}, (ctx) => {
  function* ids() { yield 4; yield 5; }
  for (const id of ids()) ctx.db.note.insert({ id, text: 'generated' });
});
export default defineModule(schema, { reducers: [escape, probe, ok, gen] });
`;

async function engineFor(text: string): Promise<Engine<ModuleDef>> {
  const v = await loadModuleText(text, 'routes.ts');
  return createEngine({ module: v.module, tickBudgetMs: 200, logger: quiet });
}

function call(engine: Engine<ModuleDef>, reducer: string, args: unknown): () => CallResult {
  let result: CallResult | undefined;
  engine.enqueue(alice, reducer, args, (r) => (result = r));
  return () => result!;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sandboxed code cannot run outside the budget', () => {
  it('every route to a microtask fails inside the call, naming why, and nothing runs after it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const engine = await engineFor(routes);
    const cases: [string, RegExp][] = [
      ['resolve', /Promise\.resolve\(\) \(a promise's callbacks run after the call\) is not available/],
      ['construct', /Promise \(a promise's callbacks run after the call\) is not available/],
      ['nestedCompartment', /Compartment is not available in a reducer/],
      ['functionText', /the Function constructor is not available in a reducer/],
      ['indirectEval', /eval is not available in a reducer/],
      ['microtask', /queueMicrotask is not available in a reducer/],
    ];
    const results = cases.map(([route]) => call(engine, 'escape', { route }));
    engine.runTick();
    cases.forEach(([route, pattern], i) => {
      const r = results[i]!();
      expect(r, route).toMatchObject({ ok: false, code: 'SANDBOX_VIOLATION' });
      expect(r.ok || r.message, route).toMatch(pattern);
    });
    expect(engine.tables.note!.count()).toBe(0);
    await microtasksDrained();
    expect(warn.mock.calls.filter((c) => c[0] === 'tickspace-escaped-the-budget')).toEqual([]);
    // The engine ticks on, and plain generators are still allowed.
    const ok = call(engine, 'ok', {});
    const gen = call(engine, 'gen', {});
    engine.runTick();
    expect([ok(), gen()]).toEqual([{ ok: true }, { ok: true }]);
    expect(engine.tables.note!.count()).toBe(3);
  });

  it('the Compartment offers no other maker of promises', async () => {
    const engine = await engineFor(routes);
    const r = call(engine, 'probe', {});
    engine.runTick();
    expect(r()).toEqual({ ok: true });
    // A Node whose intrinsics add one (Array.fromAsync arrives in Node 22) must withhold it first.
    expect(engine.tables.note!.find(2)?.text).toBe('undefined,undefined,undefined,undefined');
  });

  it('Promise.prototype, instanceof Promise and instanceof Function still answer', async () => {
    const engine = await engineFor(
      `${header}
const check = schema.reducer('check', {}, (ctx) => {
  ctx.db.note.insert({ id: 1, text: String([typeof Promise.prototype.then, ({}) instanceof Promise, (() => 1) instanceof Function, ({}) instanceof Function]) });
});
export default defineModule(schema, { reducers: [check] });
`,
    );
    const r = call(engine, 'check', {});
    engine.runTick();
    expect(r()).toEqual({ ok: true });
    expect(engine.tables.note!.find(1)?.text).toBe('function,false,true,false');
  });

  it('async functions, async generators and for await are refused when the module is bundled, at their line', async () => {
    const cases: [string, RegExp][] = [
      [
        'const helper = async () => {};',
        /routes\.ts:4:16: an async function is not allowed in a sandboxed module: reducers are synchronous transactions, and the code after an await would run after the call, outside its transaction and its CPU budget/,
      ],
      ['const o = { async m() {} };', /routes\.ts:4:\d+: an async function is not allowed/],
      ['async function* stream() {}', /routes\.ts:4:\d+: an async generator function is not allowed/],
      [
        'function f(xs) { return [async () => { for await (const x of xs) void x; }]; }',
        /routes\.ts:4:\d+: a `for await` loop is not allowed/,
      ],
    ];
    for (const [line, pattern] of cases)
      await expect(
        loadModuleText(
          `${header}${line}\nexport default defineModule(schema, { reducers: [] });\n`,
          'routes.ts',
        ),
        line,
      ).rejects.toThrow(pattern);
  });

  it('a module with generators only bundles, and other bundle errors are not mixed with generator findings', async () => {
    await expect(
      loadModuleText(
        `${header}function* g() { yield 1; }\nvoid g;\nimport fs from 'node:fs'; void fs;\nexport default defineModule(schema, { reducers: [] });\n`,
        'routes.ts',
      ),
    ).rejects.toThrow(
      /^routes\.ts does not bundle: routes\.ts:6:\d+: imports the Node built-in 'node:fs'[^;]*$/,
    );
  });
});
