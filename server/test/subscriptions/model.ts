import fc from 'fast-check';
import { expect } from 'vitest';
import { createEngine, type Identity } from '../../src/engine';
import { createSubscriptions } from '../../src/engine/tooling';
import { mapKey } from '../../src/engine/values';
import {
  queryKindOf,
  type CircleArea,
  type Query,
  type QueryKindName,
  type QueryOfKind,
} from '../../src/protocol';
import { createFrameCache, type FrameCache } from '../kit/frame-cache';
import { viewers, world } from './world-fixture';

type Engine = ReturnType<typeof createEngine<typeof world>>;
type Row = Readonly<Record<string, unknown>>;

type Store = Engine['tables'][string] & object;

/** What a brute-force case reads: the query's table, the viewer's visibility, its members so far. */
export interface ModelContext {
  readonly engine: Engine;
  readonly store: Store;
  readonly viewer: Identity;
  /** Whether the row's table shows it to the viewer. */
  visible(store: Store, row: Row): boolean;
  /** Whether the query held the row (by map key) before this step; always false on a fresh start. */
  held(mk: unknown): boolean;
  /** The query's own state between steps, kept across fresh starts (a following circle's centre). */
  readonly memo: { centre?: readonly [number, number] };
}

/**
 * How often a stepped follow's centre stayed behind its moving row and how often it jumped onto
 * it, over every model step since the last reset: the tests assert both paths ran.
 */
export const followSteps = { stayed: 0, jumped: 0 };

/**
 * The brute-force reference of one query kind: whether it holds a row, decided from the tables
 * alone, and the queries the property tests draw for it. `holds` is asked for every visible row
 * of the query's table after every tick.
 */
interface ModelCase<Q> {
  /** Called once per step; returns the row test for that step (so a centre is looked up once). */
  holds(q: Q, m: ModelContext): (row: Row) => boolean;
  /** Queries of this kind on the fixture world (see world-fixture.ts). */
  readonly arbitrary: fc.Arbitrary<Q>;
}

function circleTest(
  m: ModelContext,
  centre: readonly [number, number] | undefined,
  c: CircleArea,
): (row: Row) => boolean {
  if (centre === undefined) return () => false;
  return (row) => {
    const dx = (row[m.store.spatialX!] as number) - centre[0];
    const dy = (row[m.store.spatialY!] as number) - centre[1];
    const r = m.held(mapKey(m.store.keyOf(row))) ? (c.exitRadius ?? c.radius) : c.radius;
    return dx * dx + dy * dy <= r * r;
  };
}

const coord = fc.double({ min: -25, max: 125, noNaN: true, noDefaultInfinity: true });
const radius = fc.double({ min: 0, max: 45, noNaN: true });
const circle = fc
  .tuple(radius, fc.double({ min: 0, max: 20, noNaN: true }))
  .map(([r, extra]) => ({ radius: r, exitRadius: r + extra }));
const entityId = fc.integer({ min: 1, max: 24 });
/** No step, or a step of up to 9 ({@link within} clamps it to the radius, as the engine requires). */
const followStep = fc.oneof(
  fc.constant({}),
  fc.double({ min: 0, max: 9, noNaN: true }).map((step) => ({ step })),
);
const markerId = fc.integer({ min: 1, max: 5 });
const within = (s: { step?: number }, c: CircleArea) =>
  s.step === undefined ? {} : { step: Math.min(s.step, c.radius) };

/**
 * One brute-force case per registered query kind: a kind added to WIRE_QUERY_KINDS without a
 * case here does not compile, and the tests below check every kind is drawn.
 */
export const MODEL_CASES: { readonly [N in QueryKindName]: ModelCase<QueryOfKind<N>> } = {
  table: {
    holds: () => () => true,
    arbitrary: fc.constantFrom({ table: 'entity' }, { table: 'item' }, { table: 'marker' }),
  },
  index: {
    holds: (q) => (row) => row[q.where.index] === q.where.value,
    arbitrary: fc.oneof(
      fc
        .integer({ min: 0, max: 2 })
        .map((team) => ({ table: 'entity', where: { index: 'team', value: team } })),
      fc
        .integer({ min: 0, max: 3 })
        .map((v) => ({ table: 'item', where: { index: 'owner', value: viewers[v] } })),
    ),
  },
  rect: {
    holds: (q, m) => (row) => {
      const x = row[m.store.spatialX!] as number;
      const y = row[m.store.spatialY!] as number;
      return x >= q.rect.minX && x <= q.rect.maxX && y >= q.rect.minY && y <= q.rect.maxY;
    },
    arbitrary: fc
      .tuple(
        coord,
        coord,
        fc.double({ min: 0, max: 60, noNaN: true }),
        fc.double({ min: 0, max: 60, noNaN: true }),
      )
      .map(([x, y, w, h]) => ({ table: 'entity', rect: { minX: x, minY: y, maxX: x + w, maxY: y + h } })),
  },
  near: {
    holds: (q, m) => circleTest(m, [q.near.x, q.near.y], q.near),
    arbitrary: fc.oneof(
      fc.tuple(coord, coord, circle).map(([x, y, c]) => ({ table: 'entity', near: { x, y, ...c } })),
      fc.tuple(coord, coord, circle).map(([x, y, c]) => ({ table: 'marker', near: { x, y, ...c } })),
    ),
  },
  follow: {
    holds(q, m) {
      const fs = m.engine.tables[q.follow.table]!;
      const row = fs.find(q.follow.key);
      const at =
        row !== undefined && m.visible(fs, row)
          ? ([row[fs.spatialX!] as number, row[fs.spatialY!] as number] as const)
          : undefined;
      // A step keeps the centre until the row is a step or more from it (squared distances).
      const step = q.follow.step ?? 0;
      const was = m.memo.centre;
      let centre = at;
      if (at !== undefined && was !== undefined && step > 0 && (at[0] !== was[0] || at[1] !== was[1])) {
        const d2 = (at[0] - was[0]) ** 2 + (at[1] - was[1]) ** 2;
        if (d2 < step * step) {
          centre = was;
          followSteps.stayed++;
        } else followSteps.jumped++;
      }
      m.memo.centre = centre;
      return circleTest(m, centre, q.follow);
    },
    arbitrary: fc.oneof(
      fc.tuple(entityId, circle, followStep).map(([key, c, step]) => ({
        table: 'entity',
        follow: { table: 'entity', key, ...c, ...within(step, c) },
      })),
      fc.tuple(markerId, circle, followStep).map(([key, c, step]) => ({
        table: 'entity',
        follow: { table: 'marker', key, ...c, ...within(step, c) },
      })),
    ),
  },
  range: {
    holds: (q) => (row) => {
      const v = row[q.range.index] as number;
      return (
        (q.range.gte === undefined || v >= (q.range.gte as number)) &&
        (q.range.lt === undefined || v < (q.range.lt as number))
      );
    },
    // hp starts at 100 and falls by 7 a hit; qty is 0 to 9 (gte above lt: an empty range).
    arbitrary: fc.oneof(
      fc
        .record(
          { gte: fc.integer({ min: 0, max: 110 }), lt: fc.integer({ min: 0, max: 110 }) },
          { requiredKeys: [] },
        )
        .map((b) => ({ table: 'entity', range: { index: 'hp', ...b } })),
      fc
        .record(
          { gte: fc.integer({ min: 0, max: 10 }), lt: fc.integer({ min: 0, max: 10 }) },
          { requiredKeys: [] },
        )
        .map((b) => ({ table: 'item', range: { index: 'qty', ...b } })),
    ),
  },
};

const visibleTo =
  (viewer: Identity) =>
  (store: Store, row: Row): boolean => {
    const vis = store.def.options.visibility as
      ((r: Row, v: Identity) => boolean) | { to: readonly string[]; everyoneWhen?: string } | undefined;
    if (vis === undefined) return true;
    if (typeof vis === 'function') return vis(row, viewer);
    // The declared form, read here independently of the engine's reading of it.
    return (
      (vis.everyoneWhen !== undefined && row[vis.everyoneWhen] === true) ||
      vis.to.some((c) => row[c] === viewer)
    );
  };

/** The reference: each query evaluated by brute force over every row, hysteresis kept per query. */
export class ModelQuery {
  readonly query: Query;
  readonly viewer: Identity;
  members = new Set<unknown>();
  readonly memo: ModelContext['memo'] = {};
  constructor(query: Query, viewer: Identity, engine: Engine) {
    this.query = query;
    this.viewer = viewer;
    this.step(engine, true);
  }
  /** Recomputes membership from the tables (fresh: enter test for every row). */
  step(engine: Engine, fresh = false): void {
    const q = this.query;
    const store = engine.tables[q.table]!;
    const visible = visibleTo(this.viewer);
    const previous = this.members;
    const m: ModelContext = {
      engine,
      store,
      viewer: this.viewer,
      visible,
      held: (mk) => !fresh && previous.has(mk),
      memo: this.memo,
    };
    const kind = MODEL_CASES[queryKindOf(q).name] as ModelCase<Query>;
    const holds = kind.holds(q, m);
    const next = new Set<unknown>();
    for (const row of store.iter()) if (visible(store, row) && holds(row)) next.add(mapKey(store.keyOf(row)));
    this.members = next;
  }
}

export interface Client {
  viewer: Identity;
  handle: number;
  cache: FrameCache;
  queries: Map<number, ModelQuery>;
}

function expected(engine: Engine, client: Client, table: string): Row[] {
  const store = engine.tables[table]!;
  const keys = new Set<unknown>();
  for (const mq of client.queries.values())
    if (mq.query.table === table) for (const k of mq.members) keys.add(k);
  return store
    .iter()
    .filter((r) => keys.has(mapKey(store.keyOf(r))))
    .sort((a, b) => (String(mapKey(store.keyOf(a))) < String(mapKey(store.keyOf(b))) ? -1 : 1));
}

function check(engine: Engine, clients: Client[], only?: (c: Client) => boolean): void {
  for (const c of clients) {
    if (only !== undefined && !only(c)) continue;
    for (const table of ['entity', 'item', 'marker']) {
      const got = c.cache.rows(table);
      const want = expected(engine, c, table);
      expect(got, `client ${c.viewer.slice(0, 2)} table ${table} at tick ${engine.tick}`).toEqual(want);
    }
  }
}

/** Any registered kind's query, each kind as likely as the others. */
export const queryArb: fc.Arbitrary<Query> = fc.oneof(
  ...Object.values(MODEL_CASES).map((c) => c.arbitrary as fc.Arbitrary<Query>),
);

export type Op =
  | { kind: 'spawn'; id: number; team: number; x: number; y: number }
  | { kind: 'nudge'; id: number; dx: number; dy: number }
  | { kind: 'teleport'; id: number; x: number; y: number }
  | { kind: 'remove'; id: number }
  | { kind: 'hurt'; id: number }
  | { kind: 'team'; id: number; team: number }
  | { kind: 'give'; id: number; owner: number; qty: number }
  | { kind: 'mark'; id: number; by: number; hidden: boolean; x: number; y: number }
  | { kind: 'sub'; client: number; query: Query }
  | { kind: 'unsub'; client: number; pick: number }
  /** The tables set back to the scenario's first state (as recovery or a rewind does): every client resyncs. */
  | { kind: 'restore' };

const small = fc.double({ min: -7, max: 7, noNaN: true });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('nudge' as const), id: entityId, dx: small, dy: small }),
    weight: 8,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('spawn' as const),
      id: entityId,
      team: fc.integer({ min: 0, max: 2 }),
      x: coord,
      y: coord,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('teleport' as const), id: entityId, x: coord, y: coord }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), id: entityId }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('hurt' as const), id: entityId }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('team' as const),
      id: entityId,
      team: fc.integer({ min: 0, max: 2 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('give' as const),
      id: markerId,
      owner: fc.integer({ min: 0, max: 3 }),
      qty: fc.integer({ min: 0, max: 9 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('mark' as const),
      id: markerId,
      by: fc.integer({ min: 0, max: 3 }),
      hidden: fc.boolean(),
      x: fc.integer({ min: -20, max: 120 }),
      y: fc.integer({ min: -20, max: 120 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('sub' as const),
      client: fc.integer({ min: 0, max: 2 }),
      query: queryArb,
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'restore' as const }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('unsub' as const),
      client: fc.integer({ min: 0, max: 2 }),
      pick: fc.nat(),
    }),
    weight: 1,
  },
);

export const scenario = fc.record({
  initial: fc.array(fc.record({ id: entityId, team: fc.integer({ min: 0, max: 2 }), x: coord, y: coord }), {
    maxLength: 24,
  }),
  queries: fc.array(fc.array(queryArb, { maxLength: 3 }), { minLength: 1, maxLength: 3 }),
  ticks: fc.array(fc.array(opArb, { maxLength: 12 }), { minLength: 1, maxLength: 12 }),
});

/**
 * A crowd: up to 24 entities packed into a few cells, walking small steps every tick, watched
 * through circles (fixed and following, with and without a hysteresis band). Most rows then sit
 * well inside or well outside each area on both sides of a tick, the case the fan-out settles by
 * arithmetic alone, while some cross the boundary or the band every tick.
 */
// fc.double crowds its values near zero; uniform hundredths spread rows over the whole area.
const hundredths = (min: number, max: number) =>
  fc.integer({ min: min * 100, max: max * 100 }).map((v) => v / 100);
const crowdCoord = hundredths(0, 40);
const crowdCircle = fc
  .tuple(hundredths(2, 25), fc.oneof(fc.constant(0), hundredths(0, 6)))
  .map(([r, extra]) => ({ radius: r, exitRadius: r + extra }));
const crowdQuery: fc.Arbitrary<Query> = fc.oneof(
  {
    arbitrary: fc
      .tuple(entityId, crowdCircle)
      .map(([key, c]) => ({ table: 'entity', follow: { table: 'entity', key, ...c } })),
    weight: 2,
  },
  {
    // Steps around the walk's stride (up to 3 a tick on each axis), so centres both wait and jump.
    arbitrary: fc.tuple(entityId, crowdCircle, hundredths(0.5, 5)).map(([key, c, step]) => ({
      table: 'entity',
      follow: { table: 'entity', key, ...c, step: Math.min(step, c.radius) },
    })),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(crowdCoord, crowdCoord, crowdCircle)
      .map(([x, y, c]) => ({ table: 'entity', near: { x, y, ...c } })),
    weight: 1,
  },
);
const step = hundredths(-3, 3);
const crowdOp: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('nudge' as const), id: entityId, dx: step, dy: step }),
    weight: 20,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('spawn' as const),
      id: entityId,
      team: fc.constant(0),
      x: crowdCoord,
      y: crowdCoord,
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ kind: fc.constant('remove' as const), id: entityId }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('hurt' as const), id: entityId }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('sub' as const),
      client: fc.integer({ min: 0, max: 2 }),
      query: crowdQuery,
    }),
    weight: 1,
  },
);
export const crowdScenario = fc.record({
  initial: fc.array(fc.record({ id: entityId, team: fc.constant(0), x: crowdCoord, y: crowdCoord }), {
    minLength: 8,
    maxLength: 24,
  }),
  queries: fc.array(fc.array(crowdQuery, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }),
  ticks: fc.array(fc.array(crowdOp, { maxLength: 30 }), { minLength: 1, maxLength: 10 }),
});

export type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** How a run treats a client's send buffer: `buffered(client, tickIndex)` bytes queued at that tick. */
export interface RunOptions {
  readonly buffered?: (client: number, tick: number) => number;
  readonly highWatermarkBytes?: number;
  readonly lowWatermarkBytes?: number;
}

/** Runs a scenario, checking every client after every tick; returns the client-ticks spent coalescing. */
export function run(s: Scenario, options: RunOptions = {}): number {
  let coalesced = 0;
  const engine = createEngine({ module: world, tickMs: 50 });
  const subs = createSubscriptions(engine, {
    highWatermarkBytes: options.highWatermarkBytes,
    lowWatermarkBytes: options.lowWatermarkBytes,
  });
  let tickIndex = -1;
  const congested = new Set<number>();
  for (const e of s.initial) engine.enqueue(viewers[0]!, 'spawn', e);
  engine.runTick();
  const firstState = Object.fromEntries(
    Object.entries(engine.tables).map(([name, store]) => [
      name,
      { rows: store.iter(), autoInc: store!.autoInc },
    ]),
  );
  let nextQueryId = 1;
  const clients: Client[] = s.queries.map((qs, i) => {
    const cache = createFrameCache(subs.schema.wire);
    const viewer = viewers[i]!;
    const sink = {
      get bufferedAmount() {
        return tickIndex < 0 || options.buffered === undefined ? 0 : options.buffered(i, tickIndex);
      },
      send: (f: Uint8Array) => void cache.apply(f),
    };
    const handle = subs.addClient(viewer, sink);
    const client: Client = { viewer, handle, cache, queries: new Map() };
    for (const q of qs) {
      const id = nextQueryId++;
      subs.subscribe(handle, id, q);
      client.queries.set(id, new ModelQuery(q, viewer, engine));
    }
    return client;
  });
  check(engine, clients);
  const clientOk = (c: Client) => !congested.has(clients.indexOf(c));
  for (const ops of s.ticks) {
    tickIndex++;
    for (const op of ops) {
      const sender = viewers[0]!;
      switch (op.kind) {
        case 'spawn':
          engine.enqueue(sender, 'spawn', { id: op.id, team: op.team, x: op.x, y: op.y });
          break;
        case 'nudge': {
          const e = engine.tables.entity!.find(op.id);
          if (e !== undefined)
            engine.enqueue(sender, 'move', {
              id: op.id,
              x: (e.x as number) + op.dx,
              y: (e.y as number) + op.dy,
            });
          break;
        }
        case 'teleport':
          engine.enqueue(sender, 'move', { id: op.id, x: op.x, y: op.y });
          break;
        case 'remove':
          engine.enqueue(sender, 'remove', { id: op.id });
          break;
        case 'hurt':
          engine.enqueue(sender, 'hurt', { id: op.id, by: 7 });
          break;
        case 'team':
          engine.enqueue(sender, 'setTeam', { id: op.id, team: op.team });
          break;
        case 'give':
          engine.enqueue(sender, 'give', { id: op.id, owner: viewers[op.owner]!, qty: op.qty });
          break;
        case 'mark':
          engine.enqueue(viewers[op.by]!, 'mark', { id: op.id, hidden: op.hidden, x: op.x, y: op.y });
          break;
        case 'sub': {
          const c = clients[op.client % clients.length]!;
          const id = nextQueryId++;
          subs.subscribe(c.handle, id, op.query);
          c.queries.set(id, new ModelQuery(op.query, c.viewer, engine));
          check(engine, clients, clientOk);
          break;
        }
        case 'restore':
          engine.restore({ tick: engine.tick, tables: firstState });
          // A resync seeds every query afresh: the enter test, no hysteresis yet.
          for (const c of clients) for (const mq of c.queries.values()) mq.step(engine, true);
          check(engine, clients);
          break;
        case 'unsub': {
          const c = clients[op.client % clients.length]!;
          const ids = [...c.queries.keys()];
          if (ids.length === 0) break;
          const id = ids[op.pick % ids.length]!;
          subs.unsubscribe(c.handle, id);
          c.queries.delete(id);
          check(engine, clients, clientOk);
          break;
        }
      }
    }
    engine.runTick();
    for (const c of clients) for (const mq of c.queries.values()) mq.step(engine);
    // A client over the high watermark gets nothing until it drains: its cache is stale, not wrong.
    congested.clear();
    clients.forEach((c, i) => subs.isCongested(c.handle) && congested.add(i));
    coalesced += congested.size;
    check(engine, clients, clientOk);
  }
  // Every buffer drains: one more tick sends each coalescing client its net change.
  tickIndex = Number.MAX_SAFE_INTEGER;
  engine.runTick();
  for (const c of clients) for (const mq of c.queries.values()) mq.step(engine);
  expect(subs.stats().congestedClients).toBe(0);
  check(engine, clients);
  return coalesced;
}
