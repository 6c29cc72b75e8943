/**
 * The subscriptions' side of a runtime migration's boundary (`Subscriptions.migrate`, which runs
 * `migrateClient` for every client): each client is re-described (a SCHEMA frame) and its queries
 * are moved to the new tables; those on unchanged tables carry over with no frame, those the
 * migration changed (and those of a congested client, of a circle query, or owed by an earlier
 * migration of the same tick) are rebuilt from the boundary tick's state and re-sent as a RESET.
 * Driven through a real data directory and `publishModule`, read back through the real codecs by a
 * frame-level client whose cache must equal the server's tables after every tick.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSchema,
  defineModule,
  t,
  table,
  toIdentity,
  type CallResult,
  type ModuleDef,
} from '../../src/engine';
import { createSubscriptions, openDatabase, publishModule, type Database } from '../../src/engine/tooling';
import type { Query } from '../../src/protocol/query';
import { decodeServerMessage, type ServerMessage, type WireSchema } from '../../src/protocol';

const ann = toIdentity('0'.repeat(31) + 'a');
const quiet = { error: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** What a version changes from version 1 (each is additive: a column with a default, an index dropped). */
interface Changes {
  readonly pinned?: boolean; // note gains `pinned`
  readonly level?: boolean; // hero gains `level`
  readonly noTeamIndex?: boolean; // unit loses its `team` index
  readonly shout?: boolean; // version 2 declares a conversion: note texts in capitals, note's shape unchanged
}

/** A module version: heroes and units on a grid, and notes. */
function version(c: Changes = {}): ModuleDef {
  const spatial = { x: 'x', y: 'y', cellSize: 10 } as const;
  const schema = createSchema({
    hero: table(
      { public: true, spatial },
      { id: t.u32().primaryKey(), x: t.f32(), y: t.f32(), ...(c.level ? { level: t.u8().default(1) } : {}) },
    ),
    unit: table(
      {
        public: true,
        spatial,
        indexes: c.noTeamIndex ? [] : [{ name: 'team', columns: ['team'], kind: 'hash' }],
      },
      { id: t.u32().primaryKey(), x: t.f32(), y: t.f32(), team: t.u8() },
    ),
    note: table(
      { public: true },
      {
        id: t.u32().primaryKey(),
        text: t.string(),
        ...(c.pinned ? { pinned: t.bool().default(false) } : {}),
      },
    ),
  });
  const upsert = (db: Record<string, any>, name: string, row: Record<string, unknown>) => {
    if (db[name].has(row.id)) db[name].update(row);
    else db[name].insert(row);
  };
  const hero = schema.reducer('hero', { id: t.u32(), x: t.f32(), y: t.f32() }, (ctx, a) =>
    upsert(ctx.db, 'hero', { ...a, ...(c.level ? { level: 1 } : {}) }),
  );
  const unit = schema.reducer('unit', { id: t.u32(), x: t.f32(), y: t.f32(), team: t.u8() }, (ctx, a) =>
    upsert(ctx.db, 'unit', a),
  );
  const note = schema.reducer('note', { id: t.u32(), text: t.string() }, (ctx, a) =>
    upsert(ctx.db, 'note', { ...a, ...(c.pinned ? { pinned: false } : {}) }),
  );
  if (!c.shout) return defineModule(schema, { reducers: [hero, unit, note] });
  return defineModule(schema, {
    reducers: [hero, unit, note],
    version: 2,
    migrations: {
      2: (m) => m.table('note', (old, row) => ({ ...row, text: String(old.text).toUpperCase() })),
    },
  });
}

type Row = Record<string, unknown>;

/**
 * A client at the frame level: decodes every frame with the schema it was sent in (a SCHEMA frame
 * switches it, as the SDK does) into one cache per table.
 */
class FrameClient {
  wire: WireSchema;
  readonly frames: ServerMessage[] = [];
  readonly cache = new Map<string, Map<unknown, Row>>();
  bufferedAmount = 0;
  readonly handle: number;
  readonly #subs: ReturnType<typeof createSubscriptions>;

  constructor(subs: ReturnType<typeof createSubscriptions>) {
    this.#subs = subs;
    this.wire = subs.schema.wire;
    this.handle = subs.addClient(ann, this);
  }

  #table(name: string): Map<unknown, Row> {
    return this.cache.get(name) ?? this.cache.set(name, new Map()).get(name)!;
  }

  send(frame: Uint8Array): void {
    const m = decodeServerMessage(frame, this.wire, {
      delete: (t, key) => void this.#table(t.name).delete(key),
      insert: (t, row) => void this.#table(t.name).set(row.id, row),
      update: (t, key, reader) =>
        void this.#table(t.name).set(key, t.update.decode(reader, this.#table(t.name).get(key))!),
      reset: (t, rows) => void this.cache.set(t.name, new Map(rows.map((r) => [r.id, r]))),
    });
    this.frames.push(m);
    // The SDK swaps its codecs on SCHEMA: every later frame is in the new shape.
    if (m.type === 'schema') this.wire = this.#subs.schema.wire;
  }

  subscribe(queryId: number, query: Query): void {
    this.#subs.subscribe(this.handle, queryId, query);
  }

  rows(name: string): Row[] {
    return [...(this.cache.get(name)?.values() ?? [])].sort((a, b) => (a.id as number) - (b.id as number));
  }

  /** The frames since `from` by type, and the table names a RESET or SCHEMA named. */
  since(from: number): ServerMessage[] {
    return this.frames.slice(from);
  }

  tableName(id: number): string {
    return this.wire.tables.find((t) => t.id === id)!.name;
  }
}

interface World {
  readonly db: Database<ModuleDef>;
  readonly subs: ReturnType<typeof createSubscriptions>;
  tick(calls?: [string, Row][]): Promise<void>;
  /** Queues a publish of `module` for the next tick boundary; resolves with its result after that tick. */
  publish(module: ModuleDef): Promise<CallResult>;
  /** The server's rows of a table, by id. */
  rows(name: string): Row[];
}

async function world(options: { highWatermarkBytes?: number } = {}): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-migration-subs-'));
  dirs.push(dir);
  const db = await openDatabase({ dir, module: version(), logger: quiet, durability: 'never' });
  const engine = db.engine;
  const subs = createSubscriptions(engine, { logger: quiet, ...options });
  engine.onSchemaChange((schema, reshaped) => subs.migrate(schema, reshaped));
  return {
    db,
    subs,
    async tick(calls = []) {
      for (const [reducer, args] of calls) engine.enqueue(ann, reducer, args);
      engine.runTick();
      await engine.flush();
    },
    publish: (module) =>
      new Promise<CallResult>((resolve) => publishModule(db, { module, payload: {} }, resolve)),
    rows: (name) =>
      [...engine.tables[name]!.iter()].sort((a, b) => (a.id as number) - (b.id as number)) as Row[],
  };
}

const schemaFrame = (frames: ServerMessage[]) => {
  const m = frames.filter((f) => f.type === 'schema');
  expect(m).toHaveLength(1);
  return m[0] as Extract<ServerMessage, { type: 'schema' }>;
};

describe("a runtime migration's boundary re-describes every client and resyncs only what changed", () => {
  it('carries a query on an unchanged table over with no frame, and re-sends a reshaped table after the boundary tick, in the new shape', async () => {
    const w = await world();
    const c = new FrameClient(w.subs);
    c.subscribe(1, { table: 'note' });
    c.subscribe(2, { table: 'unit' });
    await w.tick([
      ['note', { id: 1, text: 'one' }],
      ['unit', { id: 1, x: 1, y: 1, team: 1 }],
    ]);
    expect(c.rows('note')).toEqual([{ id: 1, text: 'one' }]);

    const published = w.publish(version({ pinned: true }));
    const from = c.frames.length;
    // The boundary tick also writes both tables, after the migration: the carried query must see
    // its change as an ordinary update, the reshaped table's RESET must hold the new row.
    await w.tick([
      ['note', { id: 2, text: 'two' }],
      ['unit', { id: 1, x: 2, y: 1, team: 1 }],
    ]);
    expect(await published).toEqual({ ok: true });
    const frames = c.since(from);
    const schema = schemaFrame(frames);
    // SCHEMA first (nothing in the new shape before it), then the tick's update, then the RESET.
    expect(frames[0]!.type).toBe('schema');
    expect(schema.resetTableIds.map((id) => c.tableName(id))).toEqual(['note']);
    expect(schema.ended).toEqual([]);
    const resets = frames.filter((f) => f.type === 'reset');
    expect(resets).toHaveLength(1);
    expect(frames.findIndex((f) => f.type === 'reset')).toBeGreaterThan(
      frames.findIndex((f) => f.type === 'tick'),
    );
    expect(c.rows('note')).toEqual([
      { id: 1, text: 'one', pinned: false },
      { id: 2, text: 'two', pinned: false },
    ]);
    expect(c.rows('unit')).toEqual([{ id: 1, x: 2, y: 1, team: 1 }]);
    expect(c.rows('note')).toEqual(w.rows('note'));
    expect(c.rows('unit')).toEqual(w.rows('unit'));

    // And on: both queries follow the ticks, in the new shape, with no RESET.
    const next = c.frames.length;
    await w.tick([
      ['note', { id: 1, text: 'uno' }],
      ['unit', { id: 2, x: 5, y: 5, team: 2 }],
    ]);
    expect(c.since(next).map((f) => f.type)).not.toContain('reset');
    expect(c.rows('note')).toEqual(w.rows('note'));
    expect(c.rows('unit')).toEqual(w.rows('unit'));
    expect(w.subs.stats().queries).toBe(2);
    await w.db.close();
  });

  it('re-sends a table whose rows a declared conversion rewrote, though its shape stayed the same', async () => {
    const w = await world();
    const c = new FrameClient(w.subs);
    c.subscribe(1, { table: 'note' });
    c.subscribe(2, { table: 'unit' });
    await w.tick([
      ['note', { id: 1, text: 'one' }],
      ['unit', { id: 1, x: 1, y: 1, team: 1 }],
    ]);
    // A version needs a schema change: hero gains a column (no query of this client holds hero).
    const published = w.publish(version({ shout: true, level: true }));
    const from = c.frames.length;
    await w.tick();
    expect(await published).toEqual({ ok: true });
    expect(schemaFrame(c.since(from)).resetTableIds.map((id) => c.tableName(id))).toEqual(['note']);
    expect(c.rows('note')).toEqual([{ id: 1, text: 'ONE' }]);
    expect(c.rows('note')).toEqual(w.rows('note'));
    expect(c.rows('unit')).toEqual(w.rows('unit'));
    await w.db.close();
  });

  it('re-sends every table of a congested client (its cache lags), and what it missed arrives', async () => {
    const w = await world({ highWatermarkBytes: 1 << 16 });
    const c = new FrameClient(w.subs);
    c.subscribe(1, { table: 'note' });
    c.subscribe(2, { table: 'unit' });
    await w.tick([['unit', { id: 1, x: 1, y: 1, team: 1 }]]);
    c.bufferedAmount = 1 << 20; // its socket stops draining
    await w.tick([['unit', { id: 1, x: 3, y: 3, team: 1 }]]);
    expect(w.subs.isCongested(c.handle)).toBe(true);
    expect(c.rows('unit')).toEqual([{ id: 1, x: 1, y: 1, team: 1 }]); // coalesced, not sent
    await w.tick([['unit', { id: 2, x: 4, y: 4, team: 2 }]]);

    const published = w.publish(version({ pinned: true }));
    const from = c.frames.length;
    c.bufferedAmount = 0;
    await w.tick();
    expect(await published).toEqual({ ok: true });
    const schema = schemaFrame(c.since(from));
    expect(schema.resetTableIds.map((id) => c.tableName(id)).sort()).toEqual(['note', 'unit']);
    expect(w.subs.isCongested(c.handle)).toBe(false);
    expect(c.rows('unit')).toEqual(w.rows('unit'));
    expect(c.rows('unit')).toHaveLength(2);
    await w.tick([['unit', { id: 2, x: 6, y: 6, team: 2 }]]);
    expect(c.rows('unit')).toEqual(w.rows('unit'));
    await w.db.close();
  });

  it('rebuilds and re-sends the table of a circle query (near, follow) even when the migration left it alone', async () => {
    const w = await world();
    const c = new FrameClient(w.subs);
    c.subscribe(1, { table: 'unit', near: { x: 0, y: 0, radius: 10, exitRadius: 30 } });
    c.subscribe(2, { table: 'hero', follow: { table: 'unit', key: 1, radius: 10 } });
    c.subscribe(3, { table: 'note' });
    await w.tick([
      ['unit', { id: 1, x: 1, y: 1, team: 1 }],
      ['unit', { id: 2, x: 5, y: 0, team: 1 }],
      ['hero', { id: 1, x: 2, y: 2 }],
      ['note', { id: 1, text: 'one' }],
    ]);
    // Unit 2 walks out of the radius but stays inside the exit radius: held by the query's history.
    await w.tick([['unit', { id: 2, x: 20, y: 0, team: 1 }]]);
    expect(c.rows('unit').map((r) => r.id)).toEqual([1, 2]);

    const published = w.publish(version({ level: true }));
    const from = c.frames.length;
    await w.tick();
    expect(await published).toEqual({ ok: true });
    const schema = schemaFrame(c.since(from));
    // hero is reshaped; unit is not, but a circle query's history does not carry over; note stays.
    expect(schema.resetTableIds.map((id) => c.tableName(id)).sort()).toEqual(['hero', 'unit']);
    // Rebuilt from the tables: the unit outside the radius is gone, the hero has its new column.
    expect(c.rows('unit').map((r) => r.id)).toEqual([1]);
    expect(c.rows('hero')).toEqual([{ id: 1, x: 2, y: 2, level: 1 }]);
    expect(c.rows('note')).toEqual(w.rows('note'));
    await w.db.close();
  });

  it('ends a query whose index is gone, with its error, and re-sends its table for the queries that go on', async () => {
    const w = await world();
    const c = new FrameClient(w.subs);
    c.subscribe(1, { table: 'unit', where: { index: 'team', value: 1 } });
    c.subscribe(2, { table: 'unit' });
    c.subscribe(3, { table: 'note' });
    await w.tick([
      ['unit', { id: 1, x: 1, y: 1, team: 1 }],
      ['note', { id: 1, text: 'one' }],
    ]);
    const published = w.publish(version({ noTeamIndex: true }));
    const from = c.frames.length;
    await w.tick([['unit', { id: 2, x: 2, y: 2, team: 2 }]]);
    expect(await published).toEqual({ ok: true });
    const schema = schemaFrame(c.since(from));
    expect(schema.ended.map((e) => [e.queryId, e.code])).toEqual([[1, expect.any(String)]]);
    expect(schema.ended[0]!.message).toMatch(/schema version 2 ended the subscription .*team/);
    expect(schema.resetTableIds.map((id) => c.tableName(id))).toEqual(['unit']);
    expect(c.rows('unit')).toEqual(w.rows('unit'));
    expect(c.rows('note')).toEqual(w.rows('note'));
    expect(w.subs.stats().queries).toBe(2);
    await w.db.close();
  });

  it('a second migrating publish queued for the same boundary migrates at the next one, each re-sending its own table', async () => {
    const w = await world();
    const c = new FrameClient(w.subs);
    c.subscribe(1, { table: 'note' });
    c.subscribe(2, { table: 'hero' });
    await w.tick([
      ['note', { id: 1, text: 'one' }],
      ['hero', { id: 1, x: 1, y: 1 }],
    ]);
    // Both queued before one boundary: version 2 reshapes note, version 3 (planned again against
    // version 2) only hero. A schema version starts at a tick, so version 3 waits for the next.
    const results: CallResult[] = [];
    const second = w.publish(version({ pinned: true })).then((r) => results.push(r));
    const third = w.publish(version({ pinned: true, level: true })).then((r) => results.push(r));
    let from = c.frames.length;
    await w.tick();
    await second;
    expect(results).toEqual([{ ok: true }]);
    expect(schemaFrame(c.since(from)).resetTableIds.map((id) => c.tableName(id))).toEqual(['note']);
    expect(c.rows('note')).toEqual([{ id: 1, text: 'one', pinned: false }]);
    expect(c.rows('hero')).toEqual([{ id: 1, x: 1, y: 1 }]);
    from = c.frames.length;
    await w.tick();
    await third;
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(schemaFrame(c.since(from)).resetTableIds.map((id) => c.tableName(id))).toEqual(['hero']);
    expect(c.rows('hero')).toEqual([{ id: 1, x: 1, y: 1, level: 1 }]);
    expect(w.db.store.versions!.latest.version).toBe(3);
    await w.tick([['note', { id: 1, text: 'uno' }]]);
    expect(c.rows('note')).toEqual(w.rows('note'));
    expect(c.rows('hero')).toEqual(w.rows('hero'));
    const [t2, t3] = [w.db.engine.tick - 2, w.db.engine.tick - 1];
    const migrates = (tick: number) =>
      [...w.db.ticks(tick, tick)][0]!.calls.map((call) => call.reducer).filter((r) => r.startsWith('__'));
    expect([migrates(t2), migrates(t3)]).toEqual([
      ['__publish', '__migrate'],
      ['__publish', '__migrate'],
    ]);
    await w.db.close();
  });
});
