/**
 * Sessions stay open through a runtime migration: real WebSocket server, real SDK clients, a real
 * data directory. A publish that adds a column and swaps a reducer body re-sends only the reshaped
 * table; a publish that removes a table ends its queries and no other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SchemaChangedEvent } from '../../src/client';
import type { ServerMessage } from '../../src/protocol';
import { startLiveShop, until, type LiveShop } from './live-migration-fixture';

const shops: LiveShop[] = [];
afterEach(async () => {
  for (const s of shops.splice(0)) await s.close();
});

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? String(e),
  );

async function shop(): Promise<LiveShop> {
  const s = await startLiveShop();
  shops.push(s);
  return s;
}

describe('a runtime migration with clients connected', () => {
  it('keeps the socket open, re-sends the reshaped table with the new column, leaves the other table alone, and runs the new reducer body', async () => {
    const s = await shop();
    const { conn, sockets, closes } = await s.client();
    const players = conn.subscribe({ table: 'player' });
    const notes = conn.subscribe({ table: 'note' });
    await Promise.all([players.applied, notes.applied]);
    await conn.call('spawn', { id: 1, name: 'ada' });
    await conn.call('spawn', { id: 2, name: 'bob' });
    await conn.call('write', { id: 7, text: 'hello' });
    await conn.call('hurt', { id: 1, by: 10 });
    expect(conn.db.player.find(1)).toEqual({ id: 1, name: 'ada', hp: 90 });

    const frames: ServerMessage[] = [];
    conn.onFrame((m) => frames.push(m));
    const noteEvents: string[] = [];
    conn.db.note.onInsert(() => noteEvents.push('insert'));
    conn.db.note.onUpdate(() => noteEvents.push('update'));
    conn.db.note.onDelete(() => noteEvents.push('delete'));
    const playerUpdates: unknown[] = [];
    conn.db.player.onUpdate((_old, row) => playerUpdates.push(row));
    const statuses: string[] = [];
    conn.onStatus((st) => statuses.push(st));
    const changed = new Promise<SchemaChangedEvent>((resolve) => conn.onSchemaChanged(resolve));
    const published = await s.publish({
      playerColumns: [{ name: 'level', defaultValue: 1 }],
      hurtFactor: 3,
      healArg: 'hp',
    });
    expect(published).toEqual({ ok: true });
    const event = await changed;

    // The same socket, never closed, the connection open throughout.
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.readyState).toBe(sockets[0]!.OPEN);
    expect(closes).toEqual([]);
    expect(statuses).toEqual([]);
    expect(conn.status).toBe('open');

    // The reshaped table has the new column with its default, announced and then re-sent.
    expect(event.reshapedTables).toEqual(['player']);
    expect(event.resentTables).toEqual(['player']);
    expect(event.removedTables).toEqual([]);
    expect(event.endedSubscriptions).toEqual([]);
    expect(conn.schema!.tables.find((t) => t.name === 'player')!.columns.map((c) => c.name)).toEqual([
      'id',
      'name',
      'hp',
      'level',
    ]);
    expect(conn.db.player.find(1) as unknown).toEqual({ id: 1, name: 'ada', hp: 90, level: 1 });
    expect(conn.db.player.find(2) as unknown).toEqual({ id: 2, name: 'bob', hp: 100, level: 1 });
    expect(playerUpdates).toHaveLength(2);

    // The other table: no RESET of it, no event, its rows as they were.
    const schemaFrame = frames.find((m) => m.type === 'schema');
    expect(schemaFrame).toBeDefined();
    const playerId = conn.schema!.tables.find((t) => t.name === 'player')!.id;
    expect(schemaFrame!.type === 'schema' && schemaFrame!.resetTableIds).toEqual([playerId]);
    expect(frames.filter((m) => m.type === 'reset')).toHaveLength(1);
    expect(noteEvents).toEqual([]);
    expect(conn.db.note.find(7)).toEqual({ id: 7, text: 'hello' });
    expect(players.active && notes.active).toBe(true);

    // After the swap, calls run the new body on the new shape.
    await conn.call('hurt', { id: 1, by: 10 });
    expect(conn.db.player.find(1) as unknown).toEqual({ id: 1, name: 'ada', hp: 60, level: 1 });
    // The argument check and codec are the new version's (heal's argument was renamed).
    await expect(conn.call('heal', { id: 2, to: 50 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await conn.call('heal', { id: 2, hp: 50 } as never);
    expect(conn.db.player.find(2) as unknown).toEqual({ id: 2, name: 'bob', hp: 50, level: 1 });
    await conn.call('spawn', { id: 3, name: 'cy' });
    expect(conn.db.player.find(3) as unknown).toEqual({ id: 3, name: 'cy', hp: 100, level: 1 });
    await conn.call('write', { id: 7, text: 'still here' });
    expect(conn.db.note.find(7)).toEqual({ id: 7, text: 'still here' });
    expect(s.db.engine.tables.player!.find(1)).toEqual({ id: 1, name: 'ada', hp: 60, level: 1 });
    expect(closes).toEqual([]);
  });

  it('answers every call made across the boundary: each one runs once, on one side of it', async () => {
    const s = await shop();
    const { conn, closes } = await s.client();
    await conn.subscribe({ table: 'player' }).applied;
    await conn.call('spawn', { id: 1, name: 'ada' });
    const changed = new Promise<SchemaChangedEvent>((resolve) => conn.onSchemaChanged(resolve));
    const publishing = s.publish({ playerColumns: [{ name: 'level', defaultValue: 4 }], hurtFactor: 2 });
    // A call leaves on every frame the client applies while the publish travels to its boundary
    // and SCHEMA travels back, so some are decoded by the server after the boundary.
    const outcomes: Promise<unknown>[] = [outcome(conn.call('hurt', { id: 1, by: 1 }))];
    const off = conn.onFrame(() => {
      if (outcomes.length < 30) outcomes.push(outcome(conn.call('hurt', { id: 1, by: 1 })));
    });
    await publishing;
    await changed;
    off();
    outcomes.push(outcome(conn.call('hurt', { id: 1, by: 1 })));
    const results = await Promise.all(outcomes);
    expect(results.filter((r) => r !== 'ok')).toEqual([]);
    // Each call took 1 (before the swap) or 2 (after it) hit points off: hp tells how many ran where.
    const hp = (s.db.engine.tables.player!.find(1) as { hp: number }).hp;
    const lost = 100 - hp;
    const after = lost - results.length;
    expect(after).toBeGreaterThanOrEqual(1);
    expect(after).toBeLessThanOrEqual(results.length);
    expect(conn.db.player.find(1) as unknown).toEqual({ id: 1, name: 'ada', hp, level: 4 });
    expect(closes).toEqual([]);
  });

  it('ends the queries of a removed table with a clear error while the others go on', async () => {
    const s = await shop();
    const { conn, closes } = await s.client();
    const players = conn.subscribe({ table: 'player' });
    const notes = conn.subscribe({ table: 'note' });
    await Promise.all([players.applied, notes.applied]);
    await conn.call('spawn', { id: 1, name: 'ada' });
    await conn.call('write', { id: 7, text: 'hello' });
    const deleted: unknown[] = [];
    conn.db.note.onDelete((row) => deleted.push(row));
    const changed = new Promise<SchemaChangedEvent>((resolve) => conn.onSchemaChanged(resolve));
    expect(await s.publish({ withoutNote: true, migrateTo: { version: 2 } })).toEqual({ ok: true });
    const event = await changed;

    expect(event.removedTables).toEqual(['note']);
    expect(event.reshapedTables).toEqual([]);
    expect(event.resentTables).toEqual([]);
    expect(event.endedSubscriptions.map((e) => [e.id, e.error.code])).toEqual([[notes.id, 'UNKNOWN_TABLE']]);
    expect(event.endedSubscriptions[0]!.error.message).toMatch(
      /schema version \d+ ended the subscription .*note.*: table 'note' was removed/,
    );
    expect(notes.active).toBe(false);
    expect(notes.error?.code).toBe('UNKNOWN_TABLE');
    expect(conn.db.note.count()).toBe(0);
    expect(deleted).toEqual([{ id: 7, text: 'hello' }]);
    await expect(notes.unsubscribe()).resolves.toBeUndefined();

    // The player query goes on, through the same session.
    expect(players.active).toBe(true);
    await conn.call('spawn', { id: 2, name: 'bob' });
    expect(conn.db.player.find(2)).toEqual({ id: 2, name: 'bob', hp: 100 });
    await expect(conn.call('write', { id: 8, text: 'x' })).rejects.toMatchObject({ code: 'NO_NOTES' });
    await expect(conn.subscribe({ table: 'note' } as never).applied).rejects.toMatchObject({
      code: 'UNKNOWN_TABLE',
    });
    expect(closes).toEqual([]);
    await until(conn, () => conn.db.player.count() === 2, 'both players');
  });
});
