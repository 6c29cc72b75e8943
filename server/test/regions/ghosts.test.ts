import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, SERVER_IDENTITY, toIdentity, type Engine, type TickRecord } from '../../src/engine';
import { createMemoryFabric, type Fabric, type MemoryFabric } from '../../src/fabric';
import {
  GhostRelay,
  HandoffRelay,
  distanceToRect,
  encodeGhostMessage,
  ghostSubject,
  type GhostMessage,
  type GhostRelayOptions,
} from '../../src/regions';
import { GHOST_GRID, ghostModule } from './ghost-fixture';

const quiet = { error: () => {}, warn: () => {} };
type GhostEngine = Engine<ReturnType<typeof ghostModule>>;
const WEST = GHOST_GRID.regions[0]!; // x < 100
const EAST = GHOST_GRID.regions[1]!; // x >= 100
const BAND = 10;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * The in-process fabric routed through a switch: sends go to `current`, subscriptions listen on
 * both, so a test can run a faulty phase and then a clean one (the faulty fabric's leftovers are
 * simply never stepped again).
 */
function switchable(faulty: MemoryFabric, clean: MemoryFabric) {
  const state = { current: faulty as MemoryFabric };
  const fabric: Fabric = {
    publish: (s, d, id) => state.current.publish(s, d, id),
    consume: (o, h) => state.current.consume(o, h),
    kv: (b) => state.current.kv(b),
    send: (s, d) => state.current.send(s, d),
    subscribe: async (s, h) => {
      const subs = await Promise.all([faulty.subscribe(s, h), clean.subscribe(s, h)]);
      return { stop: async () => void (await Promise.all(subs.map((x) => x.stop()))) };
    },
    close: async () => {},
  };
  return { fabric, state };
}

/** Two region engines (no log, ticks run by the test) with their ghost relays over `fabric`. */
async function twoRegions(
  fabric: Fabric,
  options: Partial<GhostRelayOptions> & {
    handoffs?: boolean;
    eastCapacity?: number;
    /** Where handoffs go (JetStream is slower than core messages): the ghosts' fabric unless given. */
    handoffFabric?: Fabric;
  } = {},
) {
  const make = async (region: string, capacity?: number) => {
    const engine = createEngine({
      module: ghostModule(region, { capacity }),
      tickMs: 50,
      logger: quiet,
    }) as GhostEngine;
    const ghosts = new GhostRelay({
      engine,
      fabric,
      region,
      grid: GHOST_GRID,
      table: 'mover',
      bandTiles: BAND,
      logger: quiet,
      ...options,
    });
    await ghosts.start();
    cleanups.push(() => ghosts.stop());
    let handoff: HandoffRelay | undefined;
    if (options.handoffs === true) {
      handoff = new HandoffRelay({
        engine,
        fabric: options.handoffFabric ?? fabric,
        region,
        republishMs: 0,
        logger: quiet,
      });
      await handoff.start();
      cleanups.push(() => handoff!.stop());
    }
    const records: TickRecord[] = [];
    engine.onTick((r) => records.push(r));
    return { engine, ghosts, handoff, records };
  };
  const west = await make(WEST.name);
  const east = await make(EAST.name, options.eastCapacity);
  return { west, east };
}

/** Drains a manual fabric (every delivery handed out, with its faults). */
function drain(fabric: MemoryFabric): void {
  while (fabric.step());
}

/** What the east must hold as ghosts of the west: every west mover within the band, as a stopped copy. */
function expectedGhosts(west: GhostEngine): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  for (const m of west.db.mover.iter())
    if (!west.db.ts_ghost.has(m.id) && distanceToRect(EAST, m.x, m.y) <= BAND)
      out.set(m.id, { x: m.x, y: m.y });
  return out;
}

function heldGhosts(east: GhostEngine): Map<string, { x: number; y: number }> {
  const out = new Map<string, { x: number; y: number }>();
  for (const g of east.db.ts_ghost.iter()) {
    const m = east.db.mover.find(g.entity);
    expect(m, `ghost ${g.entity} has its row`).toBeDefined();
    expect(m!.moving, `ghost ${g.entity} is stored stopped`).toBe(false);
    expect(g.owner).toBe(WEST.name);
    out.set(g.entity, { x: m!.x, y: m!.y });
  }
  return out;
}

const position = fc.record({ x: fc.integer({ min: 0, max: 104 }), y: fc.integer({ min: 0, max: 99 }) });
type Round = { moves: { mover: number; dx: number; dy: number }[]; spawn: boolean; remove: number | null };
const round: fc.Arbitrary<Round> = fc.record({
  moves: fc.array(
    fc.record({
      mover: fc.nat(7),
      dx: fc.integer({ min: -12, max: 12 }),
      dy: fc.integer({ min: -6, max: 6 }),
    }),
    { maxLength: 6 },
  ),
  spawn: fc.boolean(),
  remove: fc.option(fc.nat(7), { nil: null }),
});

/** Queues one round's writes on the west (clamped to the west's side of the world plus its hysteresis). */
function queueRound(west: GhostEngine, r: Round, spawned: { n: number }): void {
  const ids = west.db.mover.iter().map((m) => m.id);
  for (const mv of r.moves) {
    const id = ids[mv.mover % Math.max(1, ids.length)];
    if (id === undefined) continue;
    const m = west.db.mover.find(id)!;
    west.enqueue(SERVER_IDENTITY, 'place', {
      id,
      x: Math.min(104, Math.max(0, m.x + mv.dx)),
      y: Math.min(99, Math.max(0, m.y + mv.dy)),
    });
  }
  if (r.spawn) west.enqueue(SERVER_IDENTITY, 'spawn', { id: `s${spawned.n++}`, x: 95, y: 50 });
  if (r.remove !== null && ids.length > 0)
    west.enqueue(SERVER_IDENTITY, 'remove', { id: ids[r.remove % ids.length]! });
}

describe('ghosts: border rows mirrored read-only into the neighbour (in-process fabric)', () => {
  it('after every tick the neighbour holds exactly the rows in its band, kept by deltas between keyframes', async () => {
    const seen = { inserted: 0, deleted: 0, updated: 0, deltas: 0, keyframes: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(position, { minLength: 1, maxLength: 8 }),
        fc.array(round, { minLength: 1, maxLength: 40 }),
        async (starts, rounds) => {
          const fabric = createMemoryFabric({ manual: true });
          const { west, east } = await twoRegions(fabric, { keyframeTicks: 7, staleTicks: 100 });
          starts.forEach((p, i) => west.engine.enqueue(SERVER_IDENTITY, 'spawn', { id: `m${i}`, ...p }));
          const spawned = { n: 0 };
          for (const r of [{ moves: [], spawn: false, remove: null }, ...rounds]) {
            queueRound(west.engine, r, spawned);
            west.engine.runTick();
            drain(fabric);
            east.engine.runTick();
            drain(fabric);
            expect(heldGhosts(east.engine)).toEqual(expectedGhosts(west.engine));
          }
          for (const rec of east.records)
            for (const c of rec.changes)
              if (c.tableId === east.engine.tables.mover!.id) {
                if (c.kind === 0) seen.inserted++;
                else if (c.kind === 2) seen.deleted++;
                else seen.updated++;
              }
          seen.deltas += west.ghosts.counts.sent - west.ghosts.counts.keyframes;
          seen.keyframes += west.ghosts.counts.keyframes;
          await Promise.all(cleanups.splice(0).map((c) => c()));
        },
      ),
      { numRuns: 40 },
    );
    // The interesting paths ran: rows entered, moved inside and left the band, by deltas and keyframes.
    expect(seen.inserted).toBeGreaterThan(0);
    expect(seen.updated).toBeGreaterThan(0);
    expect(seen.deleted).toBeGreaterThan(0);
    expect(seen.deltas).toBeGreaterThan(seen.keyframes);
    expect(seen.keyframes).toBeGreaterThan(0);
  }, 60_000);

  it('messages dropped, repeated, reordered and delayed: the next clean keyframe puts the band right', async () => {
    const seen = { dropped: 0, reordered: 0, duplicated: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(position, { minLength: 2, maxLength: 8 }),
        fc.array(round, { minLength: 5, maxLength: 30 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        async (starts, rounds, seed) => {
          const faulty = createMemoryFabric({
            manual: true,
            seed,
            faults: { drop: 0.3, duplicate: 0.2, reorder: 0.4, delay: 0.2 },
          });
          const clean = createMemoryFabric({ manual: true });
          const { fabric, state } = switchable(faulty, clean);
          const keyframeTicks = 5;
          const { west, east } = await twoRegions(fabric, { keyframeTicks, staleTicks: 100 });
          starts.forEach((p, i) => west.engine.enqueue(SERVER_IDENTITY, 'spawn', { id: `m${i}`, ...p }));
          const spawned = { n: 0 };
          for (const r of rounds) {
            queueRound(west.engine, r, spawned);
            west.engine.runTick();
            // Some rounds leave their messages queued: several in flight is where reordering bites.
            if (r.spawn) drain(faulty);
            east.engine.runTick();
            if (r.remove !== null) drain(faulty);
          }
          // The faults stop (what the faulty fabric still holds is never delivered); a keyframe comes.
          state.current = clean;
          for (let i = 0; i <= keyframeTicks; i++) {
            west.engine.runTick();
            drain(clean);
            east.engine.runTick();
            drain(clean);
          }
          expect(heldGhosts(east.engine)).toEqual(expectedGhosts(west.engine));
          seen.dropped += faulty.counts.deliveriesDropped;
          seen.reordered += faulty.counts.reordered;
          seen.duplicated += faulty.counts.duplicated;
          await Promise.all(cleanups.splice(0).map((c) => c()));
        },
      ),
      { numRuns: 30 },
    );
    expect(seen.dropped).toBeGreaterThan(0);
    expect(seen.reordered).toBeGreaterThan(0);
    expect(seen.duplicated).toBeGreaterThan(0);
  }, 60_000);

  it('a ghost its owner stops speaking of is dropped after staleTicks, not before', async () => {
    const fabric = createMemoryFabric({ manual: true });
    const staleTicks = 12;
    const { west, east } = await twoRegions(fabric, { keyframeTicks: 4, staleTicks });
    west.engine.enqueue(SERVER_IDENTITY, 'spawn', { id: 'm0', x: 95, y: 50 });
    west.engine.runTick();
    drain(fabric);
    east.engine.runTick();
    expect(east.engine.db.ts_ghost.has('m0')).toBe(true);
    // The west goes quiet (a crash, a partition): nothing more reaches the east.
    await west.ghosts.stop();
    const seenTick = east.engine.db.ts_ghost.find('m0')!.seenTick;
    while (east.engine.tick < seenTick + staleTicks) {
      east.engine.runTick();
      expect(east.engine.db.mover.has('m0'), `tick ${east.engine.tick}`).toBe(true);
    }
    east.engine.runTick();
    east.engine.runTick();
    expect(east.engine.db.mover.has('m0')).toBe(false);
    expect(east.engine.db.ts_ghost.count()).toBe(0);
    expect(east.ghosts.counts.expiries).toBeGreaterThan(0);
  });

  it('a reducer that writes a ghost is refused (GHOST_READ_ONLY) and rolls back; only the kit writes ghosts', async () => {
    const fabric = createMemoryFabric({ manual: true });
    const { west, east } = await twoRegions(fabric);
    west.engine.enqueue(SERVER_IDENTITY, 'spawn', { id: 'ghost', x: 95, y: 50 });
    east.engine.enqueue(SERVER_IDENTITY, 'spawn', { id: 'own', x: 150, y: 50 });
    west.engine.runTick();
    east.engine.runTick();
    drain(fabric);
    east.engine.runTick();
    expect(east.engine.db.ts_ghost.has('ghost')).toBe(true);
    const before = east.engine.db.mover.iter();
    const results = [
      east.engine.call(SERVER_IDENTITY, 'shift_all', { dx: 1 }),
      east.engine.call(SERVER_IDENTITY, 'place', { id: 'ghost', x: 120, y: 50 }),
      east.engine.call(SERVER_IDENTITY, 'remove', { id: 'ghost' }),
      east.engine.call(SERVER_IDENTITY, 'handoff_out', { entity: 'ghost', to: WEST.name }),
      east.engine.call(toIdentity('ab'.repeat(16)), 'ghost_apply', { message: '{}' }),
      east.engine.call(SERVER_IDENTITY, 'ghost_apply', { message: 'not json' }),
    ];
    east.engine.runTick();
    const [shift, place, remove, handoff, client, garbage] = await Promise.all(results);
    expect(shift).toMatchObject({ ok: false, code: 'GHOST_READ_ONLY' });
    expect(place).toMatchObject({ ok: false, code: 'GHOST_READ_ONLY' });
    expect(place!.ok === false && place!.message).toContain('region r0_0');
    expect(remove).toMatchObject({ ok: false, code: 'GHOST_READ_ONLY' });
    expect(handoff).toMatchObject({ ok: false, code: 'NOT_HERE' });
    expect(client).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(garbage).toMatchObject({ ok: false, code: 'INVALID_GHOST' });
    // Nothing moved: the east's own mover too (shift_all rolled back whole).
    expect(east.engine.db.mover.iter()).toEqual(before);
    // The owner's writes still reach the ghost.
    west.engine.enqueue(SERVER_IDENTITY, 'place', { id: 'ghost', x: 96, y: 51 });
    west.engine.runTick();
    drain(fabric);
    east.engine.runTick();
    expect(east.engine.db.mover.find('ghost')).toMatchObject({ x: 96, y: 51, moving: false });
  });

  // Keyframes every 2 ticks: the handoff's tick sends one (its `moved` list carries p); every 3: a
  // delta does (its `moved`), and a keyframe follows while p is in transit, which must not take it.
  it.each([2, 3])(
    'a handed-over mover is held by both regions at every tick, the old one keeping a ghost under the same id (keyframes every %i ticks)',
    async (keyframeTicks) => {
      const fabric = createMemoryFabric({ manual: true });
      // Handoffs on their own fabric, delivered every third tick: they arrive after the ghost traffic
      // of the same tick, as a JetStream handoff does after a core message.
      const handoffs = createMemoryFabric({ manual: true });
      const { west, east } = await twoRegions(fabric, {
        handoffs: true,
        handoffFabric: handoffs,
        keyframeTicks,
        staleTicks: 30,
      });
      west.engine.enqueue(SERVER_IDENTITY, 'spawn', { id: 'p', x: 98, y: 50 });
      let round = 0;
      const tickBoth = async () => {
        west.engine.runTick();
        east.engine.runTick();
        drain(fabric);
        if (++round % 3 === 0) {
          drain(handoffs);
          await Promise.all([west.handoff!.settled(), east.handoff!.settled()]);
          drain(handoffs);
        }
        // Both hold p at the end of every tick: no client of either ever sees it deleted.
        expect(west.engine.db.mover.has('p'), `west tick ${west.engine.tick}`).toBe(true);
        expect(east.engine.db.mover.has('p'), `east tick ${east.engine.tick}`).toBe(true);
      };
      west.engine.runTick();
      drain(fabric);
      east.engine.runTick();
      expect(east.engine.db.ts_ghost.find('p')).toMatchObject({ owner: WEST.name });
      // West to east: the west's row becomes a ghost of the east in the handoff's own transaction.
      west.engine.enqueue(SERVER_IDENTITY, 'place', { id: 'p', x: 103, y: 50 });
      await tickBoth();
      void west.engine.call(SERVER_IDENTITY, 'handoff_out', { entity: 'p', to: EAST.name });
      await tickBoth();
      expect(west.engine.db.ts_ghost.find('p')).toMatchObject({ owner: EAST.name, pending: true });
      for (
        let i = 0;
        i < 30 && west.engine.db.ts_outbox.count() + (east.engine.db.ts_ghost.has('p') ? 1 : 0) > 0;
        i++
      )
        await tickBoth();
      expect(east.engine.db.ts_ghost.has('p')).toBe(false);
      expect(west.engine.db.ts_outbox.count()).toBe(0);
      // The east now speaks of p: the west's ghost is the east's, confirmed.
      for (let i = 0; i < 3; i++) await tickBoth();
      expect(west.engine.db.ts_ghost.find('p')).toMatchObject({ owner: EAST.name, pending: false });
      expect(west.engine.db.mover.find('p')).toMatchObject({ x: 103, moving: false });
      // The net change of p in each tick of the west was never a delete (a delete and an insert in
      // one tick, the handoff's, collapse into an update for subscribers).
      for (const rec of west.records) {
        const ops = rec.changes.filter((c) => c.tableId === west.engine.tables.mover!.id).map((c) => c.kind);
        if (ops.length > 0) expect(ops.at(-1), `west tick ${rec.tick}`).not.toBe(2);
      }
      // And back: the west's ghost is replaced by the real row in one transaction.
      east.engine.enqueue(SERVER_IDENTITY, 'place', { id: 'p', x: 97, y: 50 });
      await tickBoth();
      void east.engine.call(SERVER_IDENTITY, 'handoff_out', { entity: 'p', to: WEST.name });
      for (
        let i = 0;
        i < 30 && (east.engine.db.ts_outbox.count() > 0 || west.engine.db.ts_ghost.has('p'));
        i++
      )
        await tickBoth();
      expect(west.engine.db.ts_ghost.has('p')).toBe(false);
      expect(west.engine.db.mover.find('p')).toMatchObject({ x: 97, moving: true });
      for (let i = 0; i < 3; i++) await tickBoth();
      expect(east.engine.db.ts_ghost.find('p')).toMatchObject({ owner: WEST.name, pending: false });
    },
  );

  it('a refused handoff takes the mover back over its own ghost', async () => {
    const fabric = createMemoryFabric({ manual: true });
    const { west, east } = await twoRegions(fabric, { handoffs: true, eastCapacity: 0 });
    west.engine.enqueue(SERVER_IDENTITY, 'spawn', { id: 'p', x: 103, y: 50 });
    west.engine.runTick();
    void west.engine.call(SERVER_IDENTITY, 'handoff_out', { entity: 'p', to: EAST.name });
    for (let i = 0; i < 20; i++) {
      west.engine.runTick();
      east.engine.runTick();
      drain(fabric);
      await Promise.all([west.handoff!.settled(), east.handoff!.settled()]);
      drain(fabric);
      expect(west.engine.db.mover.has('p')).toBe(true);
      if (i > 2 && west.engine.db.ts_outbox.count() === 0) break;
    }
    expect(west.engine.db.ts_outbox.count()).toBe(0);
    expect(west.engine.db.ts_ghost.has('p')).toBe(false);
    expect(west.engine.db.mover.find('p')).toMatchObject({ moving: true });
    expect(east.handoff!.counts.rejected).toBe(1);
  });

  it('refuses bad ghost messages before any call: over maxGhostBytes, not JSON, the wrong addressee', async () => {
    const fabric = createMemoryFabric({ manual: true });
    const { east } = await twoRegions(fabric, { maxGhostBytes: 2_000 });
    const base: GhostMessage = {
      kind: 'ghost',
      from: WEST.name,
      to: EAST.name,
      tick: 1,
      keyframe: false,
      rows: [],
      gone: [],
      moved: [],
    };
    const big = {
      ...base,
      rows: Array.from({ length: 80 }, (_, i) => ({ id: `m${i}`, x: 95, y: 1, moving: true })),
    };
    fabric.send(ghostSubject(WEST.name, EAST.name), encodeGhostMessage(big));
    fabric.send(ghostSubject(WEST.name, EAST.name), new TextEncoder().encode('{"kind":'));
    fabric.send(ghostSubject(WEST.name, EAST.name), encodeGhostMessage({ ...base, to: 'r9_9', rows: [] }));
    fabric.send(ghostSubject('r7_7', EAST.name), encodeGhostMessage({ ...base, rows: [] }));
    drain(fabric);
    expect(east.ghosts.counts.invalid).toBe(4);
    expect(east.ghosts.counts.received).toBe(0);
    expect(east.engine.queuedCalls).toBe(0);
    // Under the limit, the same rows are taken.
    fabric.send(
      ghostSubject(WEST.name, EAST.name),
      encodeGhostMessage({ ...base, rows: big.rows.slice(0, 3) }),
    );
    drain(fabric);
    east.engine.runTick();
    expect(east.engine.db.ts_ghost.count()).toBe(3);
  });

  it('refuses options that cannot work', () => {
    const engine = createEngine({ module: ghostModule('r0_0'), logger: quiet });
    const fabric = createMemoryFabric();
    const make = (o: Partial<GhostRelayOptions>) =>
      new GhostRelay({
        engine,
        fabric,
        region: 'r0_0',
        grid: GHOST_GRID,
        table: 'mover',
        bandTiles: 5,
        ...o,
      });
    expect(() => make({ staleTicks: 20, keyframeTicks: 20 })).toThrow(/staleTicks/);
    expect(() => make({ bandTiles: -1 })).toThrow(/bandTiles/);
    expect(() => make({ keyframeTicks: 0 })).toThrow(/keyframeTicks/);
    expect(() => make({ region: 'r5_5' })).toThrow(/no such region/);
    expect(make({}).neighbours).toEqual(['r1_0']);
  });
});
