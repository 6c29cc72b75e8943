import { describe, expectTypeOf, it } from 'vitest';
import type { Connection } from '../../src/client';
import { createSchema, defineModule, t, table } from '../../src/engine';

const schema = createSchema({
  item: table({ public: true }, { id: t.u32().primaryKey().autoInc(), kind: t.string() }),
});
export const forge = defineModule(schema, {
  reducers: [
    schema.reducer('craft', { kind: t.string() }, (ctx, { kind }) => ctx.db.item.insert({ kind }).id, {
      returns: t.u32(),
    }),
    schema.reducer('label', { id: t.u32() }, (ctx, { id }) => ctx.db.item.find(id)?.kind, {
      returns: t.optional(t.string()),
    }),
    schema.reducer('big', {}, () => 1n, { returns: t.i64() }),
    schema.reducer('drop', { id: t.u32() }, (ctx, { id }) => void ctx.db.item.delete(id)),
  ],
});

declare const conn: Connection<typeof forge>;

describe('reducer return types', () => {
  it("types each call's promise by the reducer's `returns`", () => {
    expectTypeOf(conn.reducers.craft({ kind: 'axe' })).toEqualTypeOf<Promise<number>>();
    expectTypeOf(conn.reducers.label({ id: 1 })).toEqualTypeOf<Promise<string | undefined>>();
    expectTypeOf(conn.reducers.big({})).toEqualTypeOf<Promise<bigint>>();
    expectTypeOf(conn.reducers.drop({ id: 1 })).toEqualTypeOf<Promise<void>>();
  });

  it('refuses a reducer body whose value does not fit its declared returns', () => {
    // @ts-expect-error a string where the reducer declares a u32
    schema.reducer('bad', {}, () => 'one', { returns: t.u32() });
    // @ts-expect-error nothing returned where the reducer declares a string
    schema.reducer('none', {}, () => {}, { returns: t.string() });
  });
});
