import fc from 'fast-check';
import { expect } from 'vitest';
import { createEngine, type Identity } from '../../src/engine';
import { createSubscriptions } from '../../src/engine/tooling';
import { mapKey } from '../../src/engine/values';
import type { LodSpec, Query } from '../../src/protocol';
import { createFrameCache, type FrameCache } from '../kit/frame-cache';
import { ModelQuery } from './model';
import { viewers, world } from './world-fixture';

/*
 * The brute-force reference of levels of detail. Membership is the plain model's (ModelQuery);
 * on top, each member has the copy the client should hold: the row as of the last tick in which
 * it entered, was within the near radius (measured then, from the centre then), or its query's
 * outer band refreshed (tick t with (t + subscriber + queryId) % every === 0). After every tick
 * the client's cache must equal those copies exactly.
 */

type Engine = ReturnType<typeof createEngine<typeof world>>;
type Row = Record<string, unknown>;

/** How often the interesting paths ran, summed over a property's runs. */
export interface LodPaths {
  /** Member checks where the client's copy was behind the row (an update held back). */
  held: number;
  /** A lagging row came within the near radius and caught up in that tick. */
  caughtUpNear: number;
  /** A lagging row caught up at its band's refresh tick. */
  caughtUpRefresh: number;
  /** A lagging row left the query (a delete, never lost). */
  leftLagging: number;
  /** A row entered the query in the outer band (an insert at once). */
  enteredOuter: number;
  /** A congested client drained while some of its rows were held back. */
  drainedLagging: number;
}

export const newPaths = (): LodPaths => ({
  held: 0,
  caughtUpNear: 0,
  caughtUpRefresh: 0,
  leftLagging: 0,
  enteredOuter: 0,
  drainedLagging: 0,
});

type LodQuery = Query & { readonly lod: LodSpec };

const hundredths = (min: number, max: number) =>
  fc.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((v) => v / 100);
const coord = hundredths(0, 40);
const entityId = fc.integer({ min: 1, max: 24 });
const lodCircle = fc
  .tuple(
    hundredths(4, 25),
    fc.oneof(fc.constant(0), hundredths(0, 6)),
    fc.oneof(fc.constant(0), hundredths(0.2, 1.1)),
  )
  .map(([r, extra, f]) => ({ radius: r, exitRadius: r + extra, near: r * f }));
const every = fc.integer({ min: 2, max: 8 });

/** One client's level-of-detail queries: an entity circle (fixed or following), maybe a marker one. */
const clientQueries: fc.Arbitrary<LodQuery[]> = fc
  .tuple(
    fc.oneof(
      fc.tuple(entityId, lodCircle, every).map(([key, c, n]) => ({
        table: 'entity',
        follow: { table: 'entity', key, radius: c.radius, exitRadius: c.exitRadius },
        lod: { radius: c.near, every: n },
      })),
      fc.tuple(coord, coord, lodCircle, every).map(([x, y, c, n]) => ({
        table: 'entity',
        near: { x, y, radius: c.radius, exitRadius: c.exitRadius },
        lod: { radius: c.near, every: n },
      })),
    ),
    fc.option(
      fc.tuple(coord, coord, lodCircle, every).map(([x, y, c, n]) => ({
        table: 'marker',
        near: { x, y, radius: c.radius, exitRadius: c.exitRadius },
        lod: { radius: c.near, every: n },
      })),
      { nil: undefined },
    ),
  )
  .map(([e, m]) => (m === undefined ? [e] : [e, m]) as LodQuery[]);

const step = hundredths(-3, 3);
type Op =
  | { kind: 'nudge'; id: number; dx: number; dy: number }
  | { kind: 'spawn'; id: number; x: number; y: number }
  | { kind: 'teleport'; id: number; x: number; y: number }
  /**
   * Moves an entity most of the way towards the centre of a client's first query: one whose copy
   * on that client lags when there is one (so lagging rows come near), else entity `id`.
   */
  | { kind: 'approach'; id: number; client: number; pick: number; by: number }
  | { kind: 'remove'; id: number }
  | { kind: 'hurt'; id: number }
  | { kind: 'mark'; id: number; by: number; hidden: boolean; x: number; y: number }
  | { kind: 'restore' };
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('nudge' as const), id: entityId, dx: step, dy: step }),
    weight: 20,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('spawn' as const), id: entityId, x: coord, y: coord }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('teleport' as const), id: entityId, x: coord, y: coord }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('approach' as const),
      id: entityId,
      client: fc.nat(),
      pick: fc.nat(),
      by: fc.oneof(fc.constant(1), hundredths(0.5, 1)),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), id: entityId }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('hurt' as const), id: entityId }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('mark' as const),
      id: fc.integer({ min: 1, max: 5 }),
      by: fc.integer({ min: 0, max: 2 }),
      hidden: fc.boolean(),
      x: fc.integer({ min: 0, max: 40 }),
      y: fc.integer({ min: 0, max: 40 }),
    }),
    weight: 3,
  },
  { arbitrary: fc.constant({ kind: 'restore' as const }), weight: 1 },
);

export const lodScenario = fc.record({
  initial: fc.array(fc.record({ id: entityId, x: coord, y: coord }), { minLength: 8, maxLength: 24 }),
  clients: fc.array(clientQueries, { minLength: 1, maxLength: 3 }),
  ticks: fc.array(fc.array(op, { maxLength: 20 }), { minLength: 1, maxLength: 20 }),
});
export type LodScenario = typeof lodScenario extends fc.Arbitrary<infer T> ? T : never;

interface ModelSub {
  readonly id: number;
  readonly model: ModelQuery;
  readonly lod: LodSpec;
  /** Member map key -> the row the client should hold. */
  copies: Map<unknown, Row>;
  /** Members whose copy is behind their row. */
  stale: Set<unknown>;
}

interface Client {
  readonly viewer: Identity;
  readonly handle: number;
  readonly cache: FrameCache;
  readonly subs: ModelSub[];
}

/** The query's centre now (undefined while a followed row is missing or hidden). */
function centre(engine: Engine, q: Query, viewer: Identity): readonly [number, number] | undefined {
  if ('near' in q) return [q.near.x, q.near.y];
  if (!('follow' in q)) throw new Error('a level of detail needs a circle');
  const fs = engine.tables[q.follow.table]!;
  const row = fs.find(q.follow.key);
  if (row === undefined) return undefined;
  const vis = fs.def.options.visibility as ((r: Row, v: Identity) => boolean) | undefined;
  if (vis !== undefined && !vis(row, viewer)) return undefined;
  return [row[fs.spatialX!] as number, row[fs.spatialY!] as number];
}

/** Advances one query's model by a tick (or a fresh seed) and its copies by the rules above. */
function advance(
  engine: Engine,
  c: Client,
  s: ModelSub,
  paths: LodPaths,
  how: 'tick' | 'fresh' | 'drain',
): void {
  const q = s.model.query;
  const before = s.model.members;
  s.model.step(engine, how === 'fresh');
  const store = engine.tables[q.table]!;
  const at = centre(engine, q, c.viewer);
  const refresh = (engine.tick + c.handle + s.id) % s.lod.every === 0;
  const r2 = s.lod.radius * s.lod.radius;
  const next = new Map<unknown, Row>();
  const stale = new Set<unknown>();
  for (const mk of s.stale) if (!s.model.members.has(mk)) paths.leftLagging++;
  for (const row of store.iter()) {
    const mk = mapKey(store.keyOf(row));
    if (!s.model.members.has(mk)) continue;
    const dx = (row[store.spatialX!] as number) - at![0];
    const dy = (row[store.spatialY!] as number) - at![1];
    const near = dx * dx + dy * dy <= r2;
    const copy = s.copies.get(mk);
    if (how !== 'tick' || !before.has(mk) || copy === undefined) {
      if (how === 'tick' && !near) paths.enteredOuter++;
      if (how === 'drain' && s.stale.has(mk)) paths.drainedLagging++;
      next.set(mk, row);
    } else if (near || refresh) {
      if (s.stale.has(mk)) {
        if (near) paths.caughtUpNear++;
        else paths.caughtUpRefresh++;
      }
      next.set(mk, row);
    } else {
      next.set(mk, copy);
      if (!isSame(store, copy, row)) {
        paths.held++;
        stale.add(mk);
      }
    }
  }
  s.copies = next;
  s.stale = stale;
}

function isSame(store: Engine['tables'][string] & object, a: Row, b: Row): boolean {
  return store.columnNames.every((n: string) => Object.is(a[n], b[n]));
}

function check(engine: Engine, c: Client, skip: boolean): void {
  if (skip) return;
  for (const table of ['entity', 'marker']) {
    const want = new Map<unknown, Row>();
    for (const s of c.subs)
      if (s.model.query.table === table) for (const [mk, r] of s.copies) want.set(mk, r);
    const sorted = [...want.entries()]
      .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0))
      .map((e) => e[1]);
    expect(c.cache.rows(table), `client ${c.handle} table ${table} at tick ${engine.tick}`).toEqual(sorted);
  }
}

/** Stalls: `buffered(client, tickIndex)` bytes queued (over the watermark when large). */
export interface LodRunOptions {
  readonly buffered?: (client: number, tick: number) => number;
}

/**
 * Runs a scenario: after every tick each client's cache equals the model's copies; after the last
 * tick, enough quiet ticks for every band to refresh, and then the cache equals the brute force.
 */
export function runLod(sc: LodScenario, paths: LodPaths, options: LodRunOptions = {}): void {
  const engine = createEngine({ module: world, tickMs: 50 });
  const subs = createSubscriptions(engine, { highWatermarkBytes: 1000, lowWatermarkBytes: 100 });
  for (const e of sc.initial) engine.enqueue(viewers[0]!, 'spawn', { ...e, team: 0 });
  engine.runTick();
  const firstState = Object.fromEntries(
    Object.entries(engine.tables).map(([name, store]) => [
      name,
      { rows: store.iter(), autoInc: store!.autoInc },
    ]),
  );
  let tickIndex = -1;
  let nextId = 1;
  const clients: Client[] = sc.clients.map((qs, i) => {
    const viewer = viewers[i]!;
    const cache = createFrameCache(subs.schema.wire);
    const handle = subs.addClient(viewer, {
      get bufferedAmount() {
        return tickIndex < 0 || options.buffered === undefined ? 0 : options.buffered(i, tickIndex);
      },
      send: (f) => void cache.apply(f),
    });
    const c: Client = { viewer, handle, cache, subs: [] };
    for (const q of qs) {
      const id = nextId++;
      subs.subscribe(handle, id, q);
      const s: ModelSub = {
        id,
        model: new ModelQuery(q, viewer, engine),
        lod: q.lod,
        copies: new Map(),
        stale: new Set(),
      };
      advance(engine, c, s, paths, 'fresh');
      c.subs.push(s);
    }
    check(engine, c, false);
    return c;
  });
  const wasCongested = new Set<Client>();
  const tick = () => {
    engine.runTick();
    for (const c of clients) {
      const congested = subs.isCongested(c.handle);
      const how = wasCongested.has(c) && !congested ? 'drain' : 'tick';
      for (const s of c.subs) advance(engine, c, s, paths, how);
      check(engine, c, congested);
      if (congested) wasCongested.add(c);
      else wasCongested.delete(c);
    }
  };
  const sender = viewers[0]!;
  for (const ops of sc.ticks) {
    tickIndex++;
    for (const o of ops) {
      switch (o.kind) {
        case 'nudge': {
          const e = engine.tables.entity!.find(o.id);
          if (e !== undefined)
            engine.enqueue(sender, 'move', {
              id: o.id,
              x: (e.x as number) + o.dx,
              y: (e.y as number) + o.dy,
            });
          break;
        }
        case 'approach': {
          const c = clients[o.client % clients.length]!;
          const lagging = c.subs[0]!.model.query.table === 'entity' ? [...c.subs[0]!.stale] : [];
          const id = lagging.length > 0 ? Number(lagging[o.pick % lagging.length]) : o.id;
          const e = engine.tables.entity!.find(id);
          const at = centre(engine, c.subs[0]!.model.query, c.viewer);
          if (e === undefined || at === undefined) break;
          const x = e.x as number;
          const y = e.y as number;
          engine.enqueue(sender, 'move', { id, x: x + (at[0] - x) * o.by, y: y + (at[1] - y) * o.by });
          break;
        }
        case 'spawn':
          engine.enqueue(sender, 'spawn', { id: o.id, team: 0, x: o.x, y: o.y });
          break;
        case 'teleport':
          engine.enqueue(sender, 'move', { id: o.id, x: o.x, y: o.y });
          break;
        case 'remove':
          engine.enqueue(sender, 'remove', { id: o.id });
          break;
        case 'hurt':
          engine.enqueue(sender, 'hurt', { id: o.id, by: 7 });
          break;
        case 'mark':
          engine.enqueue(viewers[o.by]!, 'mark', { id: o.id, hidden: o.hidden, x: o.x, y: o.y });
          break;
        case 'restore':
          engine.restore({ tick: engine.tick, tables: firstState });
          for (const c of clients) {
            for (const s of c.subs) advance(engine, c, s, paths, 'fresh');
            wasCongested.delete(c);
            check(engine, c, false);
          }
          break;
      }
    }
    tick();
  }
  // Every buffer drains, then every band refreshes at least once with nothing changing.
  tickIndex = Number.MAX_SAFE_INTEGER;
  for (let i = 0; i < 8; i++) tick();
  for (const c of clients)
    for (const table of ['entity', 'marker']) {
      const store = engine.tables[table]!;
      const keys = new Set<unknown>();
      for (const s of c.subs)
        if (s.model.query.table === table) for (const mk of s.model.members) keys.add(mk);
      const want = store
        .iter()
        .filter((r) => keys.has(mapKey(store.keyOf(r))))
        .sort((a, b) => (String(mapKey(store.keyOf(a))) < String(mapKey(store.keyOf(b))) ? -1 : 1));
      expect(c.cache.rows(table), `client ${c.handle} ${table} after every band refreshed`).toEqual(want);
    }
}
