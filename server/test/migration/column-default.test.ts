import { describe, expect, it } from 'vitest';
import { createSchema, defineModule, t, table, TickspaceError } from '../../src/engine';
import { describeModule, moduleFromDescription } from '../../src/engine/tooling';

describe('column defaults', () => {
  it('are checked against the column kind when declared', () => {
    const attempt = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error as TickspaceError;
      }
      throw new Error('expected a throw');
    };
    let e = attempt(() => t.u8().default(300));
    expect(e).toBeInstanceOf(TickspaceError);
    expect(e.code).toBe('INVALID_SCHEMA');
    expect(e.message).toBe('a default must fit its u8 column: expected u8 (integer 0..255), got 300');
    e = attempt(() => t.i64().default(1 as unknown as bigint));
    expect(e.message).toMatch(/a default must fit its i64 column: expected i64/);
    // @ts-expect-error a string is not a u32 default
    expect(() => t.u32().default('0')).toThrow(/expected u32/);
    expect(t.f32().default(0.1).flags.default).toEqual({ value: Math.fround(0.1) });
    expect(t.optional(t.string()).default(undefined).flags.default).toEqual({ value: undefined });
    expect(t.u32().flags.default).toBeUndefined();
  });

  it('appear in the schema description and survive a rebuild from it, for every kind of value', () => {
    const s = createSchema({
      thing: table(
        { public: true },
        {
          id: t.u32().primaryKey(),
          hp: t.u32().default(0),
          gold: t.i64().default(-5n),
          blob: t.bytes().default(Uint8Array.from([1, 2])),
          name: t.string().default('anon'),
          alive: t.bool().default(true),
          note: t.optional(t.string()),
          tag: t.optional(t.string()).default('x'),
        },
      ),
    });
    const d = describeModule(defineModule(s, { reducers: [] }));
    const cols = d.tables[0]!.columns;
    expect(cols.map((c) => [c.name, c.default])).toEqual([
      ['id', undefined],
      ['hp', { json: 0 }],
      ['gold', { json: { $n: '-5' } }],
      ['blob', { json: { $b: 'AQI=' } }],
      ['name', { json: 'anon' }],
      ['alive', { json: true }],
      ['note', undefined],
      ['tag', { json: 'x' }],
    ]);
    const rebuilt = moduleFromDescription(JSON.parse(JSON.stringify(d)));
    expect(describeModule(rebuilt).tables).toEqual(d.tables);
    const thing = rebuilt.tables.thing as {
      columns: Record<string, { flags: { default?: { value: unknown } } }>;
    };
    expect(thing.columns.gold!.flags.default).toEqual({ value: -5n });
    expect(thing.columns.blob!.flags.default).toEqual({ value: Uint8Array.from([1, 2]) });
  });
});
