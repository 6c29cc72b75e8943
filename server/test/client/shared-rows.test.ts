import { describe, expect, it } from 'vitest';
import { connect, createSharedRows, type SharedRows } from '../../src/client';
import { createEngine, toIdentity } from '../../src/engine';
import { createLoopbackTransport, createSessionHub } from '../../src/net';
import type { UpdateBody } from '../../src/client/client-table';
import { BinaryReader, type WireTable } from '../../src/protocol';
import { world } from '../subscriptions/world-fixture';

/** Lets the loopback's queued frames and the SDK's promises run (a macrotask boundary, not a timer). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A seeded stream of numbers in [0, 1) (mulberry32), so the scenario is the same every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Three connections sharing rows and one decoding alone watch the same area while entities
 * spawn, move, get hurt and leave; after every tick each sharing cache must hold exactly what the
 * lone one holds, and the same row objects as the other sharing caches.
 */
async function scenario(sharedRows: SharedRows, ticks = 40, identical = true) {
  const engine = createEngine({ module: world, tickMs: 50 });
  const hub = createSessionHub({ engine, tokenSecret: 'shared-rows-test-secret-of-32-bytes' });
  const transport = createLoopbackTransport(hub);
  const lone = await connect<typeof world>({ transport });
  const sharing = [
    await connect<typeof world>({ transport, sharedRows }),
    await connect<typeof world>({ transport, sharedRows }),
    await connect<typeof world>({ transport, sharedRows }),
  ];
  const query = { table: 'entity', near: { x: 0, y: 0, radius: 40 } } as const;
  await Promise.all([lone, ...sharing].map((c) => c.subscribe(query).applied));
  const updates: { old: unknown; row: unknown }[] = [];
  sharing[0]!.db.entity.onUpdate((old, row) => updates.push({ old: { ...old }, row: { ...row } }));
  const driver = toIdentity('d'.repeat(32));
  const call = (reducer: string, args: Record<string, unknown>) => engine.enqueue(driver, reducer, args);
  const next = rng(18);
  let nextId = 1;
  const live: number[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    if (tick < 5 || next() < 0.3)
      for (let i = 0; i < 4; i++) {
        const id = nextId++;
        live.push(id);
        call('spawn', { id, team: 1, x: next() * 60 - 30, y: next() * 60 - 30 });
      }
    for (const id of live) {
      const r = next();
      if (r < 0.6) call('move', { id, x: next() * 90 - 45, y: next() * 90 - 45 });
      else if (r < 0.7) call('hurt', { id, by: 1 });
    }
    if (next() < 0.2 && live.length > 0) call('remove', { id: live.shift()! });
    engine.runTick();
    await settle();
    const want = lone.db.entity
      .iter()
      .map((e) => ({ ...e }))
      .sort((a, b) => a.id - b.id);
    expect(want.length).toBeGreaterThan(0);
    for (const c of sharing) {
      const got = c.db.entity.iter().sort((a, b) => a.id - b.id);
      expect(got.map((e) => ({ ...e }))).toEqual(want);
      if (identical) for (const row of got) expect(sharing[0]!.db.entity.find(row.id)).toBe(row);
    }
  }
  // Listeners still see the row before and after every change, and the two differ.
  expect(updates.length).toBeGreaterThan(50);
  for (const u of updates) expect(u.old).not.toEqual(u.row);
  for (const c of [lone, ...sharing]) c.close();
  return { updates: updates.length };
}

describe('shared rows', () => {
  it('decodes an update once for every connection that shares rows; the caches equal a lone one', async () => {
    const sharedRows = createSharedRows();
    const { updates } = await scenario(sharedRows);
    // Two of three sharing connections take every update the first one decoded.
    expect(sharedRows.reused).toBeGreaterThanOrEqual(updates * 2 * 0.9);
    expect(sharedRows.size).toBeGreaterThan(0);
  });

  it('past maxRowsPerTable it forgets and starts again, and the caches stay right', async () => {
    const sharedRows = createSharedRows({ maxRowsPerTable: 5 });
    await scenario(sharedRows, 25, false);
    expect(sharedRows.size).toBeLessThanOrEqual(5);
  });

  it('reuses only the same change of the same row; a cache off the shared chain decodes its own', () => {
    const wire = {
      descriptor: { name: 'entity', columns: [{ name: 'id' }, { name: 'x' }], primaryKey: [0] },
      columnNames: ['id', 'x'],
    } as unknown as WireTable;
    const rows = createSharedRows().table(wire);
    // A toy update body: one byte, the new x.
    const body: UpdateBody = {
      decode: (r, old) => {
        const x = r.u8();
        return old === undefined ? undefined : { ...old, x };
      },
    };
    const r1 = rows.intern(1, { id: 1, x: 1 });
    expect(rows.intern(1, { id: 1, x: 1 })).toBe(r1);
    const r2 = rows.patch(1, r1, body, new BinaryReader(Uint8Array.of(2)))!;
    expect(r2).toEqual({ id: 1, x: 2 });
    // Same row, same bytes: the same object, and the reader is past the body.
    const again = new BinaryReader(Uint8Array.of(2, 9));
    expect(rows.patch(1, r1, body, again)).toBe(r2);
    expect(again.offset).toBe(1);
    // Another cache's own copy of x = 1 going to 3: its own decode, not the shared x = 2.
    expect(rows.patch(1, { id: 1, x: 1 }, body, new BinaryReader(Uint8Array.of(3)))).toEqual({ id: 1, x: 3 });
    // A copy that reaches the shared values rejoins the shared object.
    expect(rows.patch(1, { id: 1, x: 1 }, body, new BinaryReader(Uint8Array.of(2)))).toBe(r2);
    // A row the cache does not hold: the body is skipped.
    const skip = new BinaryReader(Uint8Array.of(7));
    expect(rows.patch(1, undefined, body, skip)).toBeUndefined();
    expect(skip.offset).toBe(1);
  });

  it('refuses a maxRowsPerTable below 1', () => {
    expect(() => createSharedRows({ maxRowsPerTable: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
