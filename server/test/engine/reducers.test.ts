import { describe, expect, it } from 'vitest';
import {
  createEngine,
  createSchema,
  defineModule,
  LIFECYCLE,
  ReducerError,
  t,
  table,
  TickspaceError,
} from '../../src/engine';
import { OP } from '../../src/engine/tooling';
import { alice, bank, bob, collectingLogger } from './fixtures';

describe('reducers', () => {
  it('commits a successful call and reports ok to the caller', async () => {
    const engine = createEngine({ module: bank });
    const result = engine.call(alice, 'open', { id: 1, name: 'alice', balance: 100n });
    engine.runTick();
    expect(await result).toEqual({ ok: true });
    expect(engine.db.account.find(1)).toMatchObject({ owner: alice, balance: 100n });
  });

  it('rolls back every write of a call that throws and forwards ReducerError code and message', async () => {
    const engine = createEngine({ module: bank });
    engine.enqueue(alice, 'open', { id: 1, name: 'alice', balance: 10n });
    engine.enqueue(bob, 'open', { id: 2, name: 'bob', balance: 0n });
    engine.runTick();
    const before = engine.stateHash;
    const result = engine.call(bob, 'transfer', { from: 1, to: 2, amount: 11n });
    const record = engine.runTick();
    expect(await result).toEqual({
      ok: false,
      code: 'INSUFFICIENT_FUNDS',
      message: 'account 1 holds 10, needs 11',
    });
    expect(record.changes).toHaveLength(0);
    expect(engine.stateHash).toBe(before);
  });

  it('reports a server fault as INTERNAL, logs it and rolls back partial writes', async () => {
    const { errors, logger } = collectingLogger();
    const engine = createEngine({ module: bank, logger });
    engine.runTick();
    const before = engine.stateHash;
    const result = engine.call(alice, 'crash', { after: 5 });
    engine.runTick();
    expect(await result).toEqual({
      ok: false,
      code: 'INTERNAL',
      message: "reducer 'crash' failed with a server error",
    });
    expect(errors).toEqual(["reducer 'crash' failed at tick 2"]);
    expect(engine.db.entity.count()).toBe(0);
    expect(engine.stateHash).toBe(before);
    // The auto-increment counter rolled back too: the next insert reuses id 1.
    engine.enqueue(alice, 'spawn', { kind: 'x', x: 0, y: 0 });
    engine.runTick();
    expect(engine.db.entity.iter().map((r) => r.id)).toEqual([1]);
  });

  it('validates arguments before queueing: bad calls throw and nothing runs', () => {
    const engine = createEngine({ module: bank });
    const bad = (args: unknown) => () => engine.enqueue(alice, 'open', args);
    expect(bad({ id: 1, name: 'a' })).toThrow(
      "reducer 'open' argument 'balance': expected i64 (bigint -2^63..2^63-1), got undefined",
    );
    expect(bad({ id: -1, name: 'a', balance: 1n })).toThrow("argument 'id': expected u32");
    expect(bad({ id: 1, name: 'a', balance: 1n, extra: 1 })).toThrow(
      "reducer 'open' has no argument 'extra'",
    );
    expect(bad(null)).toThrow('expects an argument object');
    expect(() => engine.enqueue(alice, 'nope', {})).toThrow("no reducer named 'nope'");
    try {
      bad({ id: 1.5, name: 'a', balance: 1n })();
    } catch (error) {
      expect(error).toBeInstanceOf(TickspaceError);
      expect((error as TickspaceError).code).toBe('INVALID_ARGUMENT');
      expect((error as TickspaceError).details).toMatchObject({ reducer: 'open', argument: 'id' });
    }
    expect(engine.queuedCalls).toBe(0);
  });

  it('gives read-your-writes inside a call', () => {
    const schema = createSchema({ kv: table({}, { k: t.string().primaryKey(), v: t.u32() }) });
    const seen: (number | undefined)[] = [];
    const rw = schema.reducer('rw', {}, (ctx) => {
      ctx.db.kv.insert({ k: 'a', v: 1 });
      seen.push(ctx.db.kv.find('a')?.v);
      ctx.db.kv.update({ k: 'a', v: 2 });
      seen.push(ctx.db.kv.find('a')?.v);
      ctx.db.kv.delete('a');
      seen.push(ctx.db.kv.find('a')?.v);
    });
    const engine = createEngine({ module: defineModule(schema, { reducers: [rw] }) });
    engine.enqueue(alice, 'rw', {});
    const record = engine.runTick();
    expect(seen).toEqual([1, 2, undefined]);
    expect(record.changes.map((c) => c.kind)).toEqual([OP.INSERT, OP.UPDATE, OP.DELETE]);
  });

  it('runs calls in arrival order, with the caller as sender and logical time', () => {
    const schema = createSchema({
      log: table({}, { id: t.u32().primaryKey().autoInc(), who: t.identity(), tick: t.u32(), now: t.f64() }),
    });
    const note = schema.reducer('note', {}, (ctx) => {
      ctx.db.log.insert({ who: ctx.sender, tick: ctx.tick, now: ctx.now });
    });
    const engine = createEngine({ module: defineModule(schema, { reducers: [note] }), tickMs: 25 });
    engine.enqueue(bob, 'note', {});
    engine.enqueue(alice, 'note', {});
    engine.runTick();
    engine.enqueue(alice, 'note', {});
    engine.runTick();
    expect(engine.db.log.iter()).toEqual([
      { id: 1, who: bob, tick: 1, now: 25 },
      { id: 2, who: alice, tick: 1, now: 25 },
      { id: 3, who: alice, tick: 2, now: 50 },
    ]);
  });

  it('seeds ctx.rng from world seed, tick and call index', () => {
    const run = (seed: string) => {
      const engine = createEngine({ module: bank, seed });
      for (let i = 0; i < 5; i++) engine.enqueue(alice, 'spawn', { kind: 'k', x: i, y: 0 });
      engine.runTick();
      return engine.db.entity.iter().map((r) => r.level);
    };
    expect(run('one')).toEqual(run('one'));
    expect(run('one')).not.toEqual(run('two'));
    const levels = run('one');
    expect(new Set(levels).size).toBeGreaterThan(1);
  });

  it('runs init once in the first tick and lifecycle hooks as queued calls', () => {
    const engine = createEngine({ module: bank });
    engine.connect(alice);
    const first = engine.runTick();
    expect(first.calls.map((c) => c.reducer)).toEqual([LIFECYCLE.INIT, LIFECYCLE.CONNECTED]);
    expect(engine.db.counter.find(0)).toEqual({ id: 0, value: 42, lastTick: 1 });
    engine.connect(bob);
    engine.disconnect(alice);
    const second = engine.runTick();
    expect(second.calls.map((c) => [c.reducer, c.sender])).toEqual([
      [LIFECYCLE.CONNECTED, bob],
      [LIFECYCLE.DISCONNECTED, alice],
    ]);
    expect(engine.db.counter.find(2)?.value).toBe(2);
  });

  it('hides internal reducers from clients', () => {
    const schema = createSchema({ kv: table({}, { k: t.string().primaryKey() }) });
    const secret = schema.reducer('secret', {}, () => {}, { internal: true });
    const engine = createEngine({ module: defineModule(schema, { reducers: [secret] }) });
    expect(() => engine.enqueue(alice, 'secret', {})).toThrow("no reducer named 'secret'");
  });

  it('refuses calls beyond maxQueuedCalls', () => {
    const engine = createEngine({ module: bank, maxQueuedCalls: 2 });
    engine.enqueue(alice, 'bump', { times: 1 });
    engine.enqueue(alice, 'bump', { times: 1 });
    expect(() => engine.enqueue(alice, 'bump', { times: 1 })).toThrow(/call queue is full \(2 calls\)/);
  });

  it('rejects duplicate and reserved reducer names', () => {
    const schema = createSchema({ kv: table({}, { k: t.string().primaryKey() }) });
    const a = schema.reducer('a', {}, () => {});
    expect(() => createEngine({ module: defineModule(schema, { reducers: [a, a] }) })).toThrow(
      /duplicated or reserved/,
    );
    const b = schema.reducer('__b', {}, () => {});
    expect(() => createEngine({ module: defineModule(schema, { reducers: [b] }) })).toThrow(
      /duplicated or reserved/,
    );
  });

  it('keeps ReducerError distinct from server faults', () => {
    const error = new ReducerError('NOPE', 'no');
    expect(error).toBeInstanceOf(TickspaceError);
    expect(error.name).toBe('ReducerError');
  });
});
