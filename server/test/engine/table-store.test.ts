import { describe, expect, it } from 'vitest';
import { createEngine, TickspaceError } from '../../src/engine';
import { alice, bank, bob } from './fixtures';

/** Runs `fn` inside one reducer-like transaction through the engine's system call path. */
function withTx(
  engine: ReturnType<typeof createEngine<typeof bank>>,
  fn: (db: any) => void,
): { ok: boolean; code?: string; message?: string } {
  let outcome: { ok: boolean; code?: string; message?: string } = { ok: false };
  engine.enqueueSystem(
    'test',
    (ctx) => fn(ctx.db),
    (r) => (outcome = r),
  );
  engine.runTick();
  return outcome;
}

describe('table store', () => {
  it('inserts, finds, updates and deletes by primary key', () => {
    const engine = createEngine({ module: bank });
    withTx(engine, (db) => {
      db.account.insert({ id: 7, owner: alice, name: 'alice', balance: 10n, level: 2 });
      expect(db.account.find(7)).toEqual({ id: 7, owner: alice, name: 'alice', balance: 10n, level: 2 });
      db.account.update({ id: 7, owner: alice, name: 'alice', balance: 11n, level: 2 });
      expect(db.account.find(7).balance).toBe(11n);
    });
    expect(engine.db.account.count()).toBe(1);
    expect(engine.db.account.has(7)).toBe(true);
    withTx(engine, (db) => expect(db.account.delete(7)).toBe(true));
    expect(engine.db.account.find(7)).toBeUndefined();
    withTx(engine, (db) => expect(db.account.delete(7)).toBe(false));
  });

  it('fills auto-increment keys and keeps counting after explicit values', () => {
    const engine = createEngine({ module: bank });
    const ids: number[] = [];
    withTx(engine, (db) => {
      ids.push(db.entity.insert({ kind: 'a', level: 0, x: 0, y: 0 }).id);
      ids.push(db.entity.insert({ id: 10, kind: 'b', level: 0, x: 0, y: 0 }).id);
      ids.push(db.entity.insert({ kind: 'c', level: 0, x: 0, y: 0 }).id);
    });
    expect(ids).toEqual([1, 10, 11]);
  });

  it('reports constraint violations with table, column and value', () => {
    const engine = createEngine({ module: bank });
    withTx(engine, (db) => db.account.insert({ id: 1, owner: alice, name: 'alice', balance: 0n, level: 1 }));
    const dup = withTx(engine, (db) =>
      db.account.insert({ id: 1, owner: bob, name: 'bob', balance: 0n, level: 1 }),
    );
    expect(dup).toMatchObject({ ok: false, code: 'DUPLICATE_KEY' });
    expect(dup.message).toContain("table 'account'");
    const unique = withTx(engine, (db) =>
      db.account.insert({ id: 2, owner: bob, name: 'alice', balance: 0n, level: 1 }),
    );
    expect(unique).toMatchObject({ ok: false, code: 'UNIQUE_VIOLATION' });
    expect(unique.message).toBe(`table 'account' column 'name': value "alice" already exists (row key 1)`);
    const missing = withTx(engine, (db) =>
      db.account.update({ id: 9, owner: bob, name: 'x', balance: 0n, level: 1 }),
    );
    expect(missing).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const badType = withTx(engine, (db) =>
      db.account.insert({ id: 3, owner: bob, name: 'c', balance: 5, level: 1 }),
    );
    expect(badType.code).toBe('INVALID_ARGUMENT');
    expect(badType.message).toContain("column 'balance': expected i64");
    const range = withTx(engine, (db) =>
      db.account.insert({ id: 3, owner: bob, name: 'c', balance: 5n, level: 256 }),
    );
    expect(range.message).toContain("column 'level': expected u8 (integer 0..255), got 256");
    const extra = withTx(engine, (db) =>
      db.account.insert({ id: 3, owner: bob, name: 'c', balance: 5n, level: 1, hp: 3 }),
    );
    expect(extra.message).toContain("unknown column 'hp'");
  });

  it('lets an update keep its own unique value', () => {
    const engine = createEngine({ module: bank });
    const r = withTx(engine, (db) => {
      db.account.insert({ id: 1, owner: alice, name: 'alice', balance: 0n, level: 1 });
      db.account.update({ id: 1, owner: alice, name: 'alice', balance: 5n, level: 1 });
    });
    expect(r.ok).toBe(true);
  });

  it('refuses writes outside a reducer', () => {
    const engine = createEngine({ module: bank });
    const write = () =>
      engine.tables.account!.insert({ id: 1, owner: alice, name: 'a', balance: 0n, level: 1 });
    expect(write).toThrow(TickspaceError);
    expect(write).toThrow(/outside a reducer call/);
  });

  it('answers hash, btree, prefix and range queries in key order', () => {
    const engine = createEngine({ module: bank });
    withTx(engine, (db) => {
      for (let i = 1; i <= 9; i++)
        db.account.insert({
          id: 10 - i,
          owner: i % 2 ? alice : bob,
          name: `n${i}`,
          balance: 0n,
          level: i % 4,
        });
      db.entity.insert({ kind: 'tree', level: 2, x: 0, y: 0 });
      db.entity.insert({ kind: 'tree', level: 1, x: 0, y: 0 });
      db.entity.insert({ kind: 'rock', level: 1, x: 0, y: 0 });
      db.entity.insert({ kind: 'tree', level: 1, x: 0, y: 0 });
    });
    const acc = engine.db.account;
    expect(acc.filter('owner', alice).map((r) => r.id)).toEqual([1, 3, 5, 7, 9]);
    expect(acc.filter('level', 1).map((r) => r.id)).toEqual([1, 5, 9]);
    expect(acc.range('level', { gte: 1, lt: 3 }).map((r) => [r.level, r.id])).toEqual([
      [1, 1],
      [1, 5],
      [1, 9],
      [2, 4],
      [2, 8],
    ]);
    expect(acc.range('level', { gt: 2 }).map((r) => r.id)).toEqual([3, 7]);
    expect(acc.range('level', { lte: 0 }).map((r) => r.id)).toEqual([2, 6]);
    const ent = engine.db.entity;
    expect(ent.filter('kind_level', ['tree']).map((r) => [r.level, r.id])).toEqual([
      [1, 2],
      [1, 4],
      [2, 1],
    ]);
    expect(ent.filter('kind_level', ['tree', 1]).map((r) => r.id)).toEqual([2, 4]);
    expect(ent.range('kind_level', { gte: ['rock'], lte: ['rock'] }).map((r) => r.id)).toEqual([3]);
    expect(() => acc.range('owner', { gte: alice })).toThrow(/hash index/);
    expect(() => acc.filter('nope', 1)).toThrow(/has no index 'nope'/);
  });

  it('supports composite primary keys', () => {
    const engine = createEngine({ module: bank });
    withTx(engine, (db) => {
      db.membership.insert({ group: 1, member: 2, role: 'a' });
      db.membership.insert({ group: 2, member: 1, role: 'b' });
    });
    expect(engine.db.membership.find([1, 2])?.role).toBe('a');
    expect(engine.db.membership.find([2, 1])?.role).toBe('b');
    expect(engine.db.membership.find([1, 1])).toBeUndefined();
    const dup = withTx(engine, (db) => db.membership.insert({ group: 1, member: 2, role: 'c' }));
    expect(dup.code).toBe('DUPLICATE_KEY');
  });

  it('answers spatial rectangle and radius queries, including negative coordinates', () => {
    const engine = createEngine({ module: bank });
    withTx(engine, (db) => {
      db.entity.insert({ kind: 'a', level: 0, x: -20, y: -3 });
      db.entity.insert({ kind: 'b', level: 0, x: 7, y: 7 });
      db.entity.insert({ kind: 'c', level: 0, x: 9, y: 0 });
      db.entity.insert({ kind: 'd', level: 0, x: 100, y: 100 });
    });
    const ent = engine.db.entity;
    expect(
      ent
        .withinRect(-25, -5, 7, 7)
        .map((r) => r.kind)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(
      ent
        .withinRadius(0, 0, 9)
        .map((r) => r.kind)
        .sort(),
    ).toEqual(['c']);
    expect(
      ent
        .withinRadius(0, 0, 9.9)
        .map((r) => r.kind)
        .sort(),
    ).toEqual(['b', 'c']);
    withTx(engine, (db) => db.entity.update({ ...db.entity.find(4), x: 1, y: 1 }));
    expect(ent.withinRadius(0, 0, 2).map((r) => r.kind)).toEqual(['d']);
    expect(() => engine.db.account.withinRect(0, 0, 1, 1)).toThrow(/no spatial index/);
  });

  it('rounds f32 columns to single precision on write', () => {
    const engine = createEngine({ module: bank });
    withTx(engine, (db) => db.entity.insert({ kind: 'a', level: 0, x: 0.1, y: 0 }));
    expect(engine.db.entity.find(1)?.x).toBe(Math.fround(0.1));
  });
});
