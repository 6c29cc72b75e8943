/**
 * Model test: after any sequence of writes and runtime migrations (columns appended to either
 * table, a declared conversion that rewrites rows without changing their shape), every connected
 * client's cache equals the server's tables, and no session ever closed.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, SchemaChangedEvent } from '../../src/client';
import type { ModuleDef } from '../../src/engine';
import {
  startLiveShop,
  until,
  type ExtraColumn,
  type LiveShop,
  type ShopVersion,
} from './live-migration-fixture';

type Step =
  | { readonly kind: 'spawn' | 'leave' | 'erase'; readonly id: number }
  | { readonly kind: 'hurt' | 'heal'; readonly id: number; readonly n: number }
  | { readonly kind: 'write'; readonly id: number; readonly text: string }
  | { readonly kind: 'addPlayerColumn' | 'addNoteColumn'; readonly defaultValue: number }
  | { readonly kind: 'convert'; readonly defaultValue: number; readonly hpFactor: number };

const id = fc.integer({ min: 1, max: 5 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constantFrom('spawn' as const, 'leave' as const, 'erase' as const), id }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constantFrom('hurt' as const, 'heal' as const),
      id,
      n: fc.integer({ min: 0, max: 60 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('write' as const), id, text: fc.string({ maxLength: 8 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('addPlayerColumn' as const, 'addNoteColumn' as const),
      defaultValue: fc.nat(1000),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('convert' as const),
      defaultValue: fc.nat(1000),
      hpFactor: fc.integer({ min: 2, max: 3 }),
    }),
  },
);

const byId = (rows: readonly Record<string, unknown>[]) =>
  [...rows].sort((a, b) => (a.id as number) - (b.id as number));

const shops: LiveShop[] = [];
afterEach(async () => {
  for (const s of shops.splice(0)) await s.close();
});

/** Which paths the runs took: the property is only worth something if each ran. */
const seen = { migrations: 0, conversions: 0, reshapedWithRows: 0, untouchedTable: 0 };

async function run(steps: readonly Step[]): Promise<void> {
  const s = await startLiveShop();
  shops.push(s);
  const a = await s.client(); // both tables
  const b = await s.client(); // player only
  await Promise.all([
    a.conn.subscribe({ table: 'player' }).applied,
    a.conn.subscribe({ table: 'note' }).applied,
  ]);
  await b.conn.subscribe({ table: 'player' }).applied;
  const views: { conn: Connection<ModuleDef>; tables: string[] }[] = [
    { conn: a.conn as unknown as Connection<ModuleDef>, tables: ['player', 'note'] },
    { conn: b.conn as unknown as Connection<ModuleDef>, tables: ['player'] },
  ];
  let version: { player: ExtraColumn[]; note: ExtraColumn[]; schema: number } = {
    player: [],
    note: [],
    schema: 1,
  };
  let column = 0;
  const matches = (v: (typeof views)[number]) =>
    v.tables.every(
      (t) =>
        JSON.stringify(byId(v.conn.db[t]!.iter() as Record<string, unknown>[])) ===
        JSON.stringify(byId(s.db.engine.tables[t]!.iter() as Record<string, unknown>[])),
    );
  const settle = async (what: string) => {
    for (const v of views)
      await until(
        v.conn,
        () => matches(v),
        `${what}: the cache of ${v.tables.join('+')} equals the server's`,
      ).catch((error: unknown) => {
        for (const t of v.tables)
          expect(byId(v.conn.db[t]!.iter() as Record<string, unknown>[]), `${what}: ${t}`).toEqual(
            byId(s.db.engine.tables[t]!.iter() as Record<string, unknown>[]),
          );
        throw error;
      });
  };
  for (const st of steps) {
    switch (st.kind) {
      case 'spawn':
        await a.conn.call('spawn', { id: st.id, name: `p${st.id}` }).catch(() => {});
        break;
      case 'leave':
      case 'erase':
        await b.conn.call(st.kind, { id: st.id }).catch(() => {});
        break;
      case 'hurt':
        await a.conn.call('hurt', { id: st.id, by: st.n }).catch(() => {});
        break;
      case 'heal':
        await b.conn.call('heal', { id: st.id, to: st.n }).catch(() => {});
        break;
      case 'write':
        await a.conn.call('write', { id: st.id, text: st.text }).catch(() => {});
        break;
      default: {
        const c = { name: `c${column++}`, defaultValue: st.defaultValue };
        const next = {
          player: st.kind === 'addPlayerColumn' ? [...version.player, c] : version.player,
          note: st.kind === 'addPlayerColumn' ? version.note : [...version.note, c],
          schema: version.schema + 1,
        };
        const publish: ShopVersion = {
          playerColumns: next.player,
          noteColumns: next.note,
          ...(st.kind === 'convert' ? { migrateTo: { version: next.schema, hpFactor: st.hpFactor } } : {}),
        };
        const playersBefore = s.db.engine.tables.player!.count();
        const changed = views.map(
          (v) => new Promise<SchemaChangedEvent>((resolve) => v.conn.onSchemaChanged(resolve)),
        );
        const result = await s.publish(publish);
        expect(result, JSON.stringify(st)).toEqual({ ok: true });
        const events = await Promise.all(changed);
        version = next;
        seen.migrations++;
        if (st.kind === 'convert') {
          seen.conversions++;
          // The conversion rewrote player rows without changing their shape: re-sent all the same.
          expect(events[1]!.resentTables).toEqual(['player']);
          expect(events[1]!.reshapedTables).toEqual(['note']);
        }
        if (playersBefore > 0 && events[0]!.resentTables.includes('player')) seen.reshapedWithRows++;
        if (st.kind === 'addNoteColumn') {
          expect(events[1]!.resentTables).toEqual([]);
          seen.untouchedTable++;
        }
      }
    }
    await settle(JSON.stringify(st));
  }
  expect(a.closes).toEqual([]);
  expect(b.closes).toEqual([]);
  expect(a.sockets).toHaveLength(1);
  expect(b.sockets).toHaveLength(1);
}

describe('client caches through random writes and migrations', () => {
  it('equal the server tables after every step, with every session open', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), run), {
      numRuns: 12,
      seed: Number(process.env.LIVE_MIGRATION_SEED ?? 20261202),
      endOnFailure: true,
    });
    expect(seen.migrations).toBeGreaterThan(0);
    expect(seen.conversions).toBeGreaterThan(0);
    expect(seen.reshapedWithRows).toBeGreaterThan(0);
    expect(seen.untouchedTable).toBeGreaterThan(0);
  }, 240_000);
});
