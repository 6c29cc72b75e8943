import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileServerSchema, createSubscriptions } from '../../src/engine/tooling';
import {
  createEngine,
  createSchema,
  defineModule,
  t,
  table,
  toIdentity,
  type CallRecord,
  type Engine,
  type ModuleDef,
} from '../../src/engine';
import { BinaryReader, BinaryWriter, TickspaceError } from '../../src/protocol';
import { EVERY_KIND, FITTING, type EveryKindName } from './every-kind';

const alice = toIdentity('a'.repeat(32));

/** Public and internal reducers interleaved, so wire ids are module positions, not descriptor positions. */
function game() {
  const schema = createSchema({
    seen: table({ public: true }, { n: t.u32().primaryKey() }),
    secret: table({}, { n: t.u32().primaryKey() }),
  });
  const got: Record<string, unknown>[] = [];
  const everything = schema.reducer(
    'everything',
    { ...EVERY_KIND, o_f32: t.optional(t.f32()), o_i64: t.optional(t.i64()) },
    (_ctx, args) => void got.push(args),
  );
  const tick = schema.reducer('tick', {}, () => {}, { internal: true });
  const bump = schema.reducer('bump', { n: t.u32() }, (ctx, { n }) => void ctx.db.seen.insert({ n }));
  return { module: defineModule(schema, { reducers: [everything, tick, bump] }), got };
}

function newEngine(maxQueuedCalls?: number) {
  const g = game();
  const engine = createEngine({
    module: g.module,
    seed: 'schema',
    ...(maxQueuedCalls === undefined ? {} : { maxQueuedCalls }),
  }) as unknown as Engine<ModuleDef>;
  return { engine, got: g.got };
}

describe('the server schema and its reducer table', () => {
  it('indexes every reducer by its module position; callable ones share the wire codec and validator, internal ones never travel', () => {
    const { engine } = newEngine();
    const schema = engine.schema;
    expect(schema.version).toBe(1);
    expect(schema.reducers.entries.map((e) => [e.id, e.name, e.internal])).toEqual([
      [0, 'everything', false],
      [1, 'tick', true],
      [2, 'bump', false],
    ]);
    expect(schema.descriptor.reducers.map((r) => [r.id, r.name])).toEqual([
      [0, 'everything'],
      [2, 'bump'],
    ]);
    expect(schema.descriptor.tables.map((t) => t.name)).toEqual(['seen']);
    for (const entry of schema.reducers.entries) {
      expect(schema.reducers.byId(entry.id)).toBe(entry);
      expect(schema.reducers.byName(entry.name)).toBe(entry);
      expect(entry.fn).toBe(entry.def.fn);
      if (entry.internal) expect(entry.wire).toBeUndefined();
      else {
        // One compiled codec and one validator per reducer: the wire's are the table's.
        expect(entry.wire).toBe(schema.wire.reducer(entry.id));
        expect(entry.validate).toBe(entry.wire!.validate);
      }
    }
    expect(schema.reducers.byId(3)).toBeUndefined();
    expect(schema.reducers.byName('nope')).toBeUndefined();
  });

  it('is immutable and versioned: a new version is a new object, the old one is unchanged', () => {
    const { engine } = newEngine();
    const v1 = engine.schema;
    expect(Object.isFrozen(v1)).toBe(true);
    expect(Object.isFrozen(v1.reducers)).toBe(true);
    expect(Object.isFrozen(v1.reducers.entries)).toBe(true);
    expect(v1.reducers.entries.every((e) => Object.isFrozen(e))).toBe(true);
    expect(() => {
      (v1 as { version: number }).version = 2;
    }).toThrow(TypeError);
    const v2 = compileServerSchema(engine, 2);
    expect(v2.version).toBe(2);
    expect(v2).not.toBe(v1);
    expect(v2.descriptor).toEqual(v1.descriptor);
    expect(v1.version).toBe(1);
    expect(engine.schema).toBe(v1);
    expect(() => compileServerSchema(engine, 0)).toThrow(RangeError);
    expect(() => compileServerSchema(engine, 1.5)).toThrow('a schema version is an integer >= 1, got 1.5');
  });

  it('refuses a duplicated or reserved reducer name, naming it', () => {
    const schema = createSchema({ x: table({}, { n: t.u32().primaryKey() }) });
    const a = schema.reducer('a', {}, () => {});
    for (const [reducers, name] of [
      [[a, schema.reducer('a', {}, () => {})], 'a'],
      [[schema.reducer('__init', {}, () => {})], '__init'],
    ] as const) {
      const error = (() => {
        try {
          createEngine({ module: defineModule(schema, { reducers }) });
        } catch (e) {
          return e;
        }
        throw new Error('accepted');
      })();
      expect(error).toBeInstanceOf(TickspaceError);
      expect(error).toMatchObject({
        code: 'INVALID_SCHEMA',
        message: `reducer name '${name}' is duplicated or reserved`,
        details: { reducer: name },
      });
    }
  });

  it("subscriptions serve the schema they are given, and refuse one that does not describe the engine's tables", () => {
    const { engine } = newEngine();
    const own = createSubscriptions(engine, { schema: engine.schema });
    expect(own.schema).toBe(engine.schema);
    own.dispose();
    const other = createEngine({
      module: defineModule(createSchema({ other: table({ public: true }, { n: t.u32().primaryKey() }) }), {
        reducers: [],
      }),
    }) as unknown as Engine<ModuleDef>;
    expect(() => createSubscriptions(engine, { schema: other.schema })).toThrow(
      "schema version 1 has table 'other' as id 0; the engine's table 0 is 'seen'",
    );
  });
});

/** Valid arguments of `everything`, f32 and -0 cases included (the validator normalises both). */
const everythingArgs = fc.record(
  {
    ...FITTING,
    a_u8: fc.oneof(FITTING.a_u8, fc.constant(-0)),
    a_i32: fc.oneof(FITTING.a_i32, fc.constant(-0)),
    a_f32: fc.double({ noNaN: true, min: -3.4028234663852886e38, max: 3.4028234663852886e38 }),
    a_string: fc.string({ unit: 'grapheme', maxLength: 8 }),
    o_f32: fc.option(fc.double({ noNaN: true, min: -1e30, max: 1e30 }), { nil: undefined }),
    o_i64: fc.option(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), { nil: undefined }),
  },
  { requiredKeys: Object.keys(EVERY_KIND) as EveryKindName[] },
);

describe('enqueueDecoded: a call by wire id with decoded arguments', () => {
  it('refuses nothing the validator accepts, and the reducer and the log see the validator’s canonical arguments', () => {
    const { engine, got } = newEngine();
    const entry = engine.schema.reducers.byName('everything')!;
    const records: CallRecord[] = [];
    engine.onCommit((r) => void records.push(...r.calls.filter((c) => c.reducer === 'everything')));
    engine.runTick();
    fc.assert(
      fc.property(fc.array(everythingArgs, { minLength: 1, maxLength: 8 }), (calls) => {
        got.length = 0;
        records.length = 0;
        const results: unknown[] = [];
        for (const args of calls) {
          const w = new BinaryWriter();
          entry.wire!.args.encode(w, args);
          const decoded = entry.wire!.args.decode(new BinaryReader(w.toBytes()));
          engine.enqueueDecoded(alice, engine.schema, entry.id, decoded, (r) => results.push(r));
        }
        engine.runTick();
        const canonical = calls.map((args) => entry.validate(args));
        expect(results).toEqual(calls.map(() => ({ ok: true })));
        expect(got).toStrictEqual(canonical);
        expect(records.map((r) => r.args)).toStrictEqual(canonical);
        // -0 arrives as 0, as the validator returns it: toStrictEqual alone would not tell.
        for (const args of got) expect(Object.is(args.a_u8, 0) || (args.a_u8 as number) > 0).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an unknown id, an internal reducer, a full queue and a schema the engine is not running, queuing nothing', () => {
    const { engine } = newEngine(2);
    const schema = engine.schema;
    const expectRefusal = (call: () => void, code: string, message: string) => {
      const before = engine.queuedCalls;
      expect(call).toThrow(message);
      try {
        call();
      } catch (error) {
        expect((error as TickspaceError).code).toBe(code);
      }
      expect(engine.queuedCalls).toBe(before);
    };
    expectRefusal(
      () => engine.enqueueDecoded(alice, schema, 3, {}),
      'UNKNOWN_REDUCER',
      'no reducer with id 3',
    );
    expectRefusal(
      () => engine.enqueueDecoded(alice, schema, 1, {}),
      'UNKNOWN_REDUCER',
      'no reducer with id 1',
    );
    // Another compiled schema, even of the same module, is not the engine's: a server fault.
    const stale = compileServerSchema(engine);
    const before = engine.queuedCalls;
    expect(() => engine.enqueueDecoded(alice, stale, 2, { n: 1 })).toThrow(
      'a call decoded with schema version 1 reached the engine at version 1',
    );
    expect(engine.queuedCalls).toBe(before);
    engine.enqueueDecoded(alice, schema, 2, { n: 1 });
    engine.enqueueDecoded(alice, schema, 2, { n: 2 });
    expectRefusal(
      () => engine.enqueueDecoded(alice, schema, 2, { n: 3 }),
      'RATE_LIMITED',
      'the call queue is full (2 calls)',
    );
    const record = engine.runTick();
    expect(record.calls.filter((c) => c.reducer === 'bump').map((c) => c.args)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(engine.tables.seen!.count()).toBe(2);
  });

  it('enqueue by name still validates for in-process callers, through the same table entry', () => {
    const { engine } = newEngine();
    expect(() => engine.enqueue(alice, 'bump', { n: -1 })).toThrow(
      "reducer 'bump' argument 'n': expected u32 (integer 0..4294967295), got -1",
    );
    expect(() => engine.enqueue(alice, 'tick', {})).toThrow("no reducer named 'tick'");
    expect(engine.reducer('bump')).toBe(engine.schema.reducers.byName('bump')!.def);
    engine.enqueue(alice, 'bump', { n: -0 });
    const record = engine.runTick();
    expect(Object.is(record.calls.at(-1)!.args.n, 0)).toBe(true);
  });
});
