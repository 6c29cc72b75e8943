import { describe, expect, it } from 'vitest';
import { createEngine, createSchema, defineModule, t, table } from '../../src/engine';

function build(tables: Parameters<typeof createSchema>[0]) {
  return () => createEngine({ module: defineModule(createSchema(tables), { reducers: [] }) });
}

describe('schema validation', () => {
  it('needs exactly one primary key', () => {
    expect(build({ a: table({}, { x: t.u8() }) })).toThrow(
      "table 'a': needs exactly one primary key column, found 0",
    );
    expect(build({ a: table({}, { x: t.u8().primaryKey(), y: t.u8().primaryKey() }) })).toThrow(/found 2/);
    expect(build({ a: table({ primaryKey: ['x', 'z'] as any }, { x: t.u8() }) })).toThrow(
      "table 'a': primaryKey names unknown column 'z'",
    );
  });

  it('rejects bad auto-increment, index and spatial declarations', () => {
    expect(build({ a: table({}, { x: t.string().primaryKey().autoInc() }) })).toThrow(
      /must be a 32-bit or smaller integer, not string/,
    );
    expect(
      build({ a: table({ indexes: [{ name: 'i', columns: ['nope' as 'x'] }] }, { x: t.u8().primaryKey() }) }),
    ).toThrow("table 'a': index 'i' names unknown column 'nope'");
    expect(
      build({
        a: table({ spatial: { x: 'x', y: 's', cellSize: 4 } }, { x: t.f32().primaryKey(), s: t.string() }),
      }),
    ).toThrow(/spatial column 's' must be/);
    expect(
      build({
        a: table({ spatial: { x: 'x', y: 'y', cellSize: 0 } }, { x: t.f32().primaryKey(), y: t.f32() }),
      }),
    ).toThrow(/cellSize/);
  });

  it('reserves names starting with two underscores', () => {
    expect(build({ __mine: table({}, { x: t.u8().primaryKey() }) })).toThrow(/reserved/);
  });
});
