import { describe, expectTypeOf, it } from 'vitest';
import type { ClientTable, Connection, ReducerCall, ReducerCallArgs, ReducerName } from '../../src/client';
import type { ClientQuery } from '../../src/client/types';
import type { Query, QueryKindName, QueryOfKind } from '../../src/protocol';
import type { Identity } from '../../src/engine';
import type { world } from '../subscriptions/world-fixture';

declare const conn: Connection<typeof world>;

describe('client SDK types', () => {
  it('infers table rows and keys from the module', () => {
    expectTypeOf(conn.db.entity).toEqualTypeOf<
      ClientTable<{ id: number; team: number; x: number; y: number; hp: number; name: string }, number>
    >();
    expectTypeOf(conn.db.entity.find(1)).toEqualTypeOf<
      { id: number; team: number; x: number; y: number; hp: number; name: string } | undefined
    >();
    expectTypeOf(conn.db.item.find).parameter(0).toEqualTypeOf<number>();
    expectTypeOf(conn.db.item.iter()[0]!.owner).toEqualTypeOf<Identity>();
    expectTypeOf(conn.db.marker.iter()[0]!.hidden).toEqualTypeOf<boolean>();
    // @ts-expect-error no such table
    void conn.db.nope;
  });

  it('gives consumers the read verbs of the cache, never its writes', () => {
    // @ts-expect-error the connection alone writes into the cache, from server frames
    conn.db.entity.upsert({ id: 1, team: 0, x: 0, y: 0, hp: 1, name: 'a' }, undefined);
    // @ts-expect-error the connection alone writes into the cache, from server frames
    conn.db.entity.remove(1, undefined);
    // @ts-expect-error the connection alone writes into the cache, from server frames
    conn.db.entity.replace([], []);
  });

  it('infers reducer arguments and returns a promise', () => {
    expectTypeOf(conn.reducers.spawn)
      .parameter(0)
      .toEqualTypeOf<{ id: number; team: number; x: number; y: number }>();
    expectTypeOf(conn.reducers.spawn({ id: 1, team: 0, x: 0, y: 0 })).toEqualTypeOf<Promise<void>>();
    // @ts-expect-error a missing argument
    void conn.reducers.move({ id: 1, x: 0 });
    // @ts-expect-error a wrong argument type
    void conn.reducers.give({ id: 1, owner: 'x', qty: '3' });
    // @ts-expect-error no such reducer
    void conn.reducers.fly({});
  });

  it('types reducer calls passed as data (name plus arguments)', () => {
    type W = typeof world;
    expectTypeOf<ReducerCallArgs<W, 'spawn'>>().toEqualTypeOf<{
      id: number;
      team: number;
      x: number;
      y: number;
    }>();
    expectTypeOf<'spawn'>().toMatchTypeOf<ReducerName<W>>();
    const call: ReducerCall<W> = { reducer: 'move', args: { id: 1, x: 0, y: 0 } };
    void call;
    // @ts-expect-error the arguments belong to another reducer
    const wrong: ReducerCall<W> = { reducer: 'move', args: { id: 1, team: 0, x: 0, y: 0 } };
    void wrong;
    // @ts-expect-error no such reducer
    const none: ReducerName<W> = 'fly';
    void none;
  });

  it('types subscription queries by table name and followed key', () => {
    conn.subscribe({ table: 'entity', follow: { table: 'entity', key: 3, radius: 10 } });
    conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 5, exitRadius: 8 } });
    conn.subscribe({ table: 'item', where: { index: 'owner', value: conn.identity } });
    // @ts-expect-error unknown table
    conn.subscribe({ table: 'nope' });
    // @ts-expect-error the followed key of `entity` is a number
    conn.subscribe({ table: 'entity', follow: { table: 'entity', key: 'three', radius: 10 } });
    conn.subscribe({ table: 'entity', range: { index: 'hp', lt: 20 } });
    // A level of detail on the circle kinds, and on them only.
    conn.subscribe({
      table: 'entity',
      follow: { table: 'entity', key: 3, radius: 10 },
      lod: { radius: 4, every: 4 },
    });
    conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 5 }, lod: { radius: 2, every: 2 } });
    // (`lod` on a rectangle type-checks, as any union member's property does: the SDK refuses it at run time.)
    // @ts-expect-error every is a number of ticks
    conn.subscribe({ table: 'entity', near: { x: 0, y: 0, radius: 5 }, lod: { radius: 2, every: '2' } });
  });

  it('has a typed query for every registered query kind, each one the wire can carry', () => {
    expectTypeOf<ClientQuery<typeof world>>().toMatchTypeOf<Query>();
    // The kinds whose query the SDK type leaves out: none.
    type Missing = {
      [N in QueryKindName]: [Extract<ClientQuery<typeof world>, Omit<QueryOfKind<N>, 'table'>>] extends [
        never,
      ]
        ? N
        : never;
    }[QueryKindName];
    expectTypeOf<Missing>().toEqualTypeOf<never>();
  });

  it('listeners receive typed rows', () => {
    conn.db.entity.onUpdate((old, row) => {
      expectTypeOf(old.hp).toEqualTypeOf<number>();
      expectTypeOf(row.name).toEqualTypeOf<string>();
    });
  });
});
