import { describe, expect, it } from 'vitest';
import { createSubscriptions } from '../../src/engine/tooling';
import type { Engine, Identity, ModuleDef } from '../../src/engine';
import { decodeServerMessage, wireMapKey, type BinaryReader, type WireTable } from '../../src/protocol';
import { createWorld, type World } from './helpers';

/** A minimal client cache fed by real subscription frames (what the SDK does, without a socket). */
function subscriber(w: World, id: Identity) {
  const subs = createSubscriptions(w.engine as unknown as Engine<ModuleDef>);
  const tables = new Map<string, Map<unknown, Record<string, unknown>>>();
  const cache = (t: WireTable) => {
    let m = tables.get(t.name);
    if (m === undefined) tables.set(t.name, (m = new Map()));
    return m;
  };
  const visitor = {
    delete: (t: WireTable, key: unknown) => void cache(t).delete(wireMapKey(key)),
    insert: (t: WireTable, row: Record<string, unknown>) => void cache(t).set(wireMapKey(t.key.of(row)), row),
    update: (t: WireTable, key: unknown, reader: BinaryReader) => {
      const k = wireMapKey(key);
      const old = cache(t).get(k);
      const next = t.update.decode(reader, old);
      if (old !== undefined && next !== undefined) cache(t).set(k, next as Record<string, unknown>);
    },
    reset: (t: WireTable, rows: Record<string, unknown>[]) => {
      const m = cache(t);
      m.clear();
      for (const row of rows) m.set(wireMapKey(t.key.of(row)), row);
    },
  };
  const handle = subs.addClient(id, {
    bufferedAmount: 0,
    send: (frame) => void decodeServerMessage(frame, subs.schema.wire, visitor),
  });
  return { subs, handle, rows: (table: string) => [...(tables.get(table)?.values() ?? [])] };
}

describe('area of interest', () => {
  it('delivers terrain, nodes, avatars and local chat around the player through follow subscriptions, and moves with them', async () => {
    const w = await createWorld();
    const me = w.join(1, 'Walker');
    const near = w.join(2, 'Near');
    const far = w.join(3, 'Far');
    const start = w.player(me);
    w.teleport(near, start.x + 5, start.y);
    w.teleport(far, start.x - 60, start.y);
    const c = subscriber(w, me);
    const follow = (radius: number) => ({ table: 'avatar', key: me, radius });
    c.subs.subscribe(c.handle, 1, { table: 'terrain_chunk', follow: follow(48) });
    c.subs.subscribe(c.handle, 2, { table: 'resource_node', follow: follow(20) });
    c.subs.subscribe(c.handle, 3, { table: 'avatar', follow: follow(20) });
    c.subs.subscribe(c.handle, 4, {
      table: 'chat_message',
      follow: follow(w.frontier.options.localChatRadiusTiles),
    });
    c.subs.subscribe(c.handle, 5, { table: 'inventory' });
    w.ok(near, 'say', { channel: 'local', text: 'hello neighbour' });
    w.ok(far, 'say', { channel: 'local', text: 'nobody hears me' });
    w.give(me, 'stick', 2);
    w.give(near, 'stone', 2);

    const expectCacheMatchesTables = () => {
      const p = w.player(me);
      const brute = (table: 'resource_node' | 'avatar' | 'chat_message', r: number) =>
        w.db[table]
          .withinRadius(p.x, p.y, r)
          .map(
            (row) =>
              (row as { id?: unknown; identity?: unknown }).id ?? (row as { identity: unknown }).identity,
          );
      const keysOf = (table: string) => c.rows(table).map((r) => r.id ?? r.identity);
      expect(new Set(keysOf('resource_node'))).toEqual(new Set(brute('resource_node', 20)));
      expect(new Set(keysOf('avatar'))).toEqual(new Set(brute('avatar', 20)));
      expect(new Set(keysOf('chat_message'))).toEqual(
        new Set(brute('chat_message', w.frontier.options.localChatRadiusTiles)),
      );
      // Terrain chunks are rows with centres: the chunk under the player is always there.
      const n = w.frontier.options.chunkTiles;
      const per = w.frontier.options.worldTiles / n;
      expect(c.rows('terrain_chunk').map((r) => r.id)).toContain(
        Math.floor(p.y / n) * per + Math.floor(p.x / n),
      );
      for (const r of c.rows('terrain_chunk')) expect((r.tiles as Uint8Array).length).toBe(n * n);
    };
    expectCacheMatchesTables();
    expect(c.rows('chat_message').map((m) => m.text)).toEqual(['hello neighbour']);
    expect(
      c
        .rows('avatar')
        .map((a) => a.name)
        .sort(),
    ).toEqual(['Near', 'Walker']);
    // Visibility: my backpack, not the neighbour's.
    expect(c.rows('inventory').map((r) => [r.itemId, r.quantity])).toEqual([['stick', 2]]);

    // Walk towards the far player: the area follows, rows enter and leave.
    w.ok(me, 'move', { dx: -1, dy: 0 });
    for (let i = 0; i < 12; i++) {
      w.wait(500);
      expectCacheMatchesTables();
    }
    expect(w.player(me).x).toBeLessThan(start.x - 5);
    c.subs.dispose();
  });
});

describe('visibility of what a player is doing', () => {
  it('shows an action row to its owner only: a third player never learns which node another gathers or until when', async () => {
    const w = await createWorld();
    const gatherer = w.join(1, 'Gatherer');
    const watcher = w.join(2, 'Watcher');
    const node = w.nearestNode('fallen_branch', w.player(gatherer).x, w.player(gatherer).y);
    w.standBy(gatherer, node);
    w.teleport(watcher, w.player(gatherer).x + 1, w.player(gatherer).y);
    const own = subscriber(w, gatherer);
    const other = subscriber(w, watcher);
    own.subs.subscribe(own.handle, 1, { table: 'action' });
    other.subs.subscribe(other.handle, 1, { table: 'action' });
    w.ok(gatherer, 'gather', { nodeId: node.id });
    w.ticks(2);
    // The action exists and its owner sees it (the precondition of the check below).
    expect(w.db.action.find(gatherer)).toMatchObject({ kind: 'gather', target: node.id });
    expect(own.rows('action').map((r) => [r.owner, r.target])).toEqual([[gatherer, node.id]]);
    expect(other.rows('action')).toEqual([]);
    own.subs.dispose();
    other.subs.dispose();
  });
});
