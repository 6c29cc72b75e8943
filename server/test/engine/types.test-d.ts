import { describe, expectTypeOf, it } from 'vitest';
import {
  createSchema,
  t,
  table,
  type Identity,
  type Insert,
  type KeyOf,
  type ReducerArgs,
  type Row,
} from '../../src/engine';
import { bank, schema } from './fixtures';

describe('inferred types', () => {
  it('infers row types from column declarations', () => {
    expectTypeOf<Row<typeof schema.tables.account>>().toEqualTypeOf<{
      id: number;
      owner: Identity;
      name: string;
      balance: bigint;
      level: number;
    }>();
    expectTypeOf<Row<typeof schema.tables.entity>['note']>().toEqualTypeOf<string | undefined>();
  });

  it('lets inserts omit auto-increment and optional columns only', () => {
    type EntityInsert = Insert<typeof schema.tables.entity>;
    expectTypeOf<{ kind: string; level: number; x: number; y: number }>().toMatchTypeOf<EntityInsert>();
    expectTypeOf<{ kind: string; level: number; x: number }>().not.toMatchTypeOf<EntityInsert>();
  });

  it('types keys: single column value, tuple for composite keys', () => {
    expectTypeOf<KeyOf<typeof schema.tables.account>>().toEqualTypeOf<number>();
    expectTypeOf<KeyOf<typeof schema.tables.membership>>().toEqualTypeOf<readonly unknown[]>();
  });

  it('types reducer arguments and the reducer context', () => {
    expectTypeOf<ReducerArgs<typeof bank, 'transfer'>>().toEqualTypeOf<{
      from: number;
      to: number;
      amount: bigint;
    }>();
    const s = createSchema({ kv: table({}, { k: t.string().primaryKey(), v: t.u32() }) });
    s.reducer('r', { n: t.u8() }, (ctx, args) => {
      expectTypeOf(args.n).toEqualTypeOf<number>();
      expectTypeOf(ctx.db.kv.find('a')).toEqualTypeOf<{ k: string; v: number } | undefined>();
      expectTypeOf(ctx.sender).toEqualTypeOf<Identity>();
      // @ts-expect-error a string column does not take a number
      ctx.db.kv.insert({ k: 1, v: 2 });
    });
  });
});
