import { describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  t,
  table,
  toIdentity,
  type CallResult,
} from '../../src/engine';
import { loadModuleText } from '../../src/engine/sandbox';

/** Reducers are synchronous transactions: promise work must not run outside the call and its budget. */
const alice = toIdentity('a'.repeat(32));
const schema = createSchema({ note: table({}, { id: t.u32().primaryKey(), text: t.string() }) });

/** One macrotask turn: every microtask queued before it has run (no timing involved). */
const microtasksDrained = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('async reducers', () => {
  it('an async reducer is refused where it is declared, naming it and why', () => {
    expect(() => schema.reducer('later', {}, async () => {})).toThrow(
      /reducer 'later' is an async function: reducers are synchronous transactions/,
    );
    expect(() => schema.reducer('stream', {}, async function* () {} as unknown as () => void)).toThrow(
      /reducer 'stream' is an async function/,
    );
  });

  it('a sandboxed module with an async reducer is refused when it is bundled, at its line, with the reason', async () => {
    const source = `
import { createSchema, defineModule, t, table } from '@tickspace/server/engine';
const schema = createSchema({ note: table({}, { id: t.u32().primaryKey() }) });
export default defineModule(schema, { reducers: [schema.reducer('later', {}, async (ctx) => { await null; ctx.db.note.insert({ id: 1 }); })] });
`;
    await expect(loadModuleText(source, 'async-module.ts')).rejects.toThrow(
      /async-module\.ts does not bundle: async-module\.ts:4:\d+: an async function is not allowed in a sandboxed module: reducers are synchronous transactions/,
    );
  });

  it('a reducer that returns a promise fails and rolls back; its later work cannot write', async () => {
    const warnings: string[] = [];
    let settled: () => void = () => {};
    const continuationFailed = new Promise<void>((resolve) => (settled = resolve));
    const logger = {
      error: () => {},
      warn: (message: string) => {
        warnings.push(message);
        if (message.includes('after its call had ended')) settled();
      },
    };
    const deferred = schema.reducer('deferred', {}, (ctx) => {
      ctx.db.note.insert({ id: 1, text: 'now' });
      return Promise.resolve().then(() => ctx.db.note.insert({ id: 2, text: 'later' })) as unknown as void;
    });
    const engine = createEngine({
      module: defineModule(schema, { reducers: [deferred] }),
      tickBudgetMs: 100,
      logger,
    });
    let result: CallResult | undefined;
    engine.enqueue(alice, 'deferred', {}, (r) => (result = r));
    engine.runTick();
    expect(result).toMatchObject({ ok: false, code: 'SANDBOX_VIOLATION' });
    expect(result!.ok || result!.message).toMatch(
      /reducer 'deferred': a reducer returned a promise .*reducers are synchronous transactions, so the call is rolled back/,
    );
    expect(engine.tables.note!.count()).toBe(0);
    // The continuation runs after the tick, outside any transaction: its write is refused and logged.
    await continuationFailed;
    expect(engine.tables.note!.count()).toBe(0);
    expect(
      warnings.some((w) => /failed after its call had ended: .*insert outside a reducer call/.test(w)),
    ).toBe(true);
    engine.enqueue(alice, 'deferred', {}, (r) => (result = r));
    engine.runTick();
    expect(result).toMatchObject({ ok: false, code: 'SANDBOX_VIOLATION' });
  });

  it('a foreign thenable fails the call and is never called', async () => {
    let called = false;
    const thenable = schema.reducer('thenable', {}, (ctx) => {
      ctx.db.note.insert({ id: 1, text: 'now' });
      return { then: () => (called = true) } as unknown as void;
    });
    const engine = createEngine({
      module: defineModule(schema, { reducers: [thenable] }),
      logger: { error: () => {}, warn: () => {} },
    });
    let result: CallResult | undefined;
    engine.enqueue(alice, 'thenable', {}, (r) => (result = r));
    engine.runTick();
    expect(result).toMatchObject({ ok: false, code: 'SANDBOX_VIOLATION' });
    expect(engine.tables.note!.count()).toBe(0);
    await microtasksDrained();
    expect(called).toBe(false);
  });
});
