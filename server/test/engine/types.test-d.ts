import { describe, expectTypeOf, it } from 'vitest';
import {
  createSchema,
  ReducerError,
  TickspaceError,
  type ErrorCode,
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

  it('types error codes: Tickspace errors take only codes of ERROR_CODES, reducer errors the module codes', () => {
    expectTypeOf(new TickspaceError('UNKNOWN_TABLE', 'no such table').code).toEqualTypeOf<ErrorCode>();
    // @ts-expect-error not a Tickspace error code (a typo)
    void new TickspaceError('UNKNOWN_TABEL', 'no such table');
    expectTypeOf(new ReducerError('OUT_OF_STOCK', 'none left').code).toEqualTypeOf<'OUT_OF_STOCK'>();
    type ShopCode = 'OUT_OF_STOCK' | 'CLOSED';
    void new ReducerError<ShopCode>('CLOSED', 'come back tomorrow');
    // @ts-expect-error not one of the module's codes
    void new ReducerError<ShopCode>('OUT_OF_STOKC', 'none left');
  });
});
