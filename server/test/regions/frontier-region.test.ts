import { describe, expect, it } from 'vitest';
import {
  createEngine,
  SERVER_IDENTITY,
  type CallResult,
  type Identity,
  type ReadonlyDb,
} from '../../src/engine';
import { createMemoryFabric, type MemoryFabric, type MemoryFaults } from '../../src/fabric';
import { createFrontierRegion } from '../../src/cli/frontier-region';
import {
  HandoffRelay,
  openPlayerDirectory,
  regionGrid,
  type GhostTables,
  type HandoffTables,
  type PlayerDirectory,
} from '../../src/regions';
import { makeWorld, SMALL, who, type FrontierEngine } from '../world/helpers';

const quiet = { error: () => {}, warn: () => {} };
const NAMES = ['r0_0', 'r1_0'] as const;
type Name = (typeof NAMES)[number];

/** Whether a region owns the player's avatar (a ghost, the old region's copy after a handoff, is not owning). */
const owns = (engine: FrontierEngine, id: Identity) =>
  engine.db.avatar.has(id) && !(engine.db as unknown as ReadonlyDb<GhostTables>).ts_ghost.has(id);

/** Two Frontier regions side by side (border at x = 256) over one in-process fabric, ticked by hand. */
async function twoRegions(options: { seed?: number; faults?: MemoryFaults } = {}) {
  const grid = regionGrid('2x1', 512, 512);
  const fabric: MemoryFabric = createMemoryFabric({
    seed: options.seed ?? 1,
    faults: options.faults,
    manual: true,
  });
  const directory: PlayerDirectory = await openPlayerDirectory(fabric);
  const regions = {} as Record<
    Name,
    { engine: FrontierEngine; relay: HandoffRelay; world: ReturnType<typeof makeWorld> }
  >;
  for (const name of NAMES) {
    const region = await createFrontierRegion({ ...SMALL, region: name, grid });
    const engine = createEngine({
      module: region.module,
      seed: 'regions',
      tickMs: 50,
      logger: quiet,
    }) as unknown as FrontierEngine;
    const relay = new HandoffRelay({
      engine,
      fabric,
      region: name,
      directory,
      republishMs: 0,
      logger: quiet,
    });
    await relay.start();
    region.watchBorders(engine);
    engine.runTick();
    regions[name] = { engine, relay, world: makeWorld(region.frontier, engine) };
  }
  const kit = (name: Name) => regions[name].engine.db as unknown as ReadonlyDb<HandoffTables>;
  /** One round: a tick in each region, its hooks and relays settled, every delivery handed out. */
  const round = async () => {
    for (const name of NAMES) regions[name].engine.runTick();
    for (let i = 0; i < 4; i++) {
      for (const name of NAMES) await regions[name].relay.settled();
      while (fabric.step()) for (const name of NAMES) await regions[name].relay.settled();
    }
  };
  const until = async (what: string, done: () => boolean, rounds = 400) => {
    for (let i = 0; i < rounds; i++) {
      if (done()) return;
      await round();
      // Lost deliveries and acks come back as AckWait would bring them.
      if (i % 10 === 9) fabric.expireAckWait();
      if (i % 10 === 9) for (const name of NAMES) regions[name].relay.republish();
    }
    throw new Error(`not reached in ${rounds} rounds: ${what}`);
  };
  /** A call answered in the rounds it takes (ticks run here, not by the engine's loop). */
  const call = async (name: Name, sender: Identity, reducer: string, args: Record<string, unknown>) => {
    let result: CallResult | undefined;
    void regions[name].engine.call(sender, reducer, args).then((r) => (result = r));
    await until(`${reducer} answered`, () => result !== undefined);
    return result!;
  };
  const where = (id: Identity) => NAMES.filter((n) => owns(regions[n].engine, id));
  return { grid, fabric, directory, regions, kit, round, until, call, where };
}

/** Everything that travels with a player, in a form two regions can compare (container ids differ). */
function travelling(engine: FrontierEngine, id: Identity) {
  const db = engine.db;
  const player = db.player.find(id)!;
  return {
    name: player.name,
    items: db.inventory
      .filter('by_container', player.containerId)
      .map((r) => `${r.slot}:${r.itemId}x${r.quantity}`)
      .sort(),
    skills: db.skill
      .filter('by_owner', id)
      .map((s) => `${s.skillId}:${s.xp}/${s.level}`)
      .sort(),
    quests: db.quest_progress
      .filter('by_owner', id)
      .map((q) => `${q.questId}:${q.step}/${q.count}`)
      .sort(),
    fedLeftMs: (db.satiety.find(id)?.fedUntilMs ?? engine.now) - engine.now,
  };
}

/** Test setup in a region: a player near the border with items, skill xp, quest progress and a meal. */
function equip(world: ReturnType<typeof makeWorld>, id: Identity) {
  world.give(id, 'fiber', 7);
  world.give(id, 'stick', 3);
  world.system((ctx) => {
    const s = ctx.db.skill.filter('by_owner', id)[0];
    ctx.db.skill.update({ ...s, xp: 42, level: 2 });
    const quest = ctx.db.quest_def.iter()[0];
    ctx.db.quest_progress.insert({ owner: id, questId: quest.id, step: 1, count: 2 });
    ctx.db.satiety.insert({ owner: id, fedUntilMs: ctx.now + 60_000 });
  });
}

function itemTotal(engine: FrontierEngine): number {
  let n = 0;
  for (const r of engine.db.inventory.iter()) n += r.quantity;
  return n;
}

describe('Frontier across a region border', () => {
  it('a walker crosses with everything that travels (items, skills, quests, satiety), once, and walks back', async () => {
    const w = await twoRegions();
    const west = w.regions.r0_0;
    const east = w.regions.r1_0;
    const ann = who(1);
    west.engine.connect(ann);
    west.world.ok(ann, 'join', { name: 'Ann' });
    west.world.teleport(ann, 250, 256);
    equip(west.world, ann);
    const before = travelling(west.engine, ann);
    expect(before.items.length).toBeGreaterThan(0);

    west.world.ok(ann, 'move', { dx: 1, dy: 0 });
    await w.until('Ann in the east', () => owns(east.engine, ann));
    expect(w.where(ann)).toEqual(['r1_0']);
    const arrived = east.engine.db.avatar.find(ann)!;
    // Hysteresis: handed over only 4 tiles past the border, and still walking on the other side.
    expect(arrived.x).toBeGreaterThanOrEqual(260);
    expect(arrived.moving).toBe(true);
    const after = travelling(east.engine, ann);
    expect({ ...after, fedLeftMs: 0 }).toEqual({ ...before, fedLeftMs: 0 });
    // Each region's clock is its own: the meal's remaining time travels, minus the walk.
    expect(after.fedLeftMs).toBeGreaterThan(50_000);
    expect(after.fedLeftMs).toBeLessThan(60_000);
    // Nothing of Ann stays in the west but the tombstone.
    const wdb = west.engine.db;
    expect(wdb.player.has(ann) || wdb.skill.filter('by_owner', ann).length > 0).toBe(false);
    expect(wdb.inventory.iter().filter((r) => r.owner === ann)).toEqual([]);
    expect(wdb.container.filter('by_owner', ann)).toEqual([]);
    expect(wdb.quest_progress.filter('by_owner', ann)).toEqual([]);
    expect(wdb.satiety.has(ann)).toBe(false);
    await w.until('the west outbox empty', () => w.kit('r0_0').ts_outbox.count() === 0);
    expect(await w.directory.find(ann)).toEqual({ region: 'r1_0', epoch: 1 });
    // Terrain exists around the arrival (the receiver generated it), so the walk goes on there.
    await w.round();
    expect(east.engine.db.avatar.find(ann)!.x).toBeGreaterThan(arrived.x);

    // A call that still reaches the west is refused with where Ann went; join cannot recreate her.
    const move = await w.call('r0_0', ann, 'move', { dx: 0, dy: 0 });
    expect(move).toMatchObject({ ok: false, code: 'NOT_HERE' });
    expect(move.ok ? '' : move.message).toContain('r1_0');
    expect(await w.call('r0_0', ann, 'join', { name: 'Ann' })).toMatchObject({ code: 'NOT_HERE' });
    expect(wdb.player.has(ann)).toBe(false);

    // And back: epoch 2, the tombstone gone, everything still there.
    await w.call('r1_0', ann, 'move', { dx: -1, dy: 0 });
    await w.until('Ann back in the west', () => owns(west.engine, ann));
    expect(w.where(ann)).toEqual(['r0_0']);
    expect({ ...travelling(west.engine, ann), fedLeftMs: 0 }).toEqual({ ...before, fedLeftMs: 0 });
    expect(w.kit('r0_0').ts_moved.find(ann)).toBeUndefined();
    await w.until('both outboxes empty', () => NAMES.every((n) => w.kit(n).ts_outbox.count() === 0));
    expect(await w.directory.find(ann)).toEqual({ region: 'r0_0', epoch: 2 });
    expect((await w.call('r0_0', ann, 'move', { dx: 0, dy: 0 })).ok).toBe(true);
  });

  it('a running action ends at the border and consumes nothing; open trades close', async () => {
    const w = await twoRegions();
    const west = w.regions.r0_0;
    const east = w.regions.r1_0;
    const [ann, bob] = [who(1), who(2)];
    for (const [id, name] of [
      [ann, 'Ann'],
      [bob, 'Bob'],
    ] as const) {
      west.engine.connect(id);
      west.world.ok(id, 'join', { name });
    }
    west.world.give(ann, 'fiber', 3);
    west.world.ok(ann, 'craft', { recipeId: 'rope' });
    west.world.ok(ann, 'trade_open', { partner: bob });
    expect(west.engine.db.action.has(ann)).toBe(true);
    expect(west.engine.db.trade.count()).toBe(1);
    expect((await w.call('r0_0', SERVER_IDENTITY, 'handoff_out', { entity: ann, to: 'r1_0' })).ok).toBe(true);
    expect(west.engine.db.trade.count()).toBe(0);
    expect(west.engine.db.action.has(ann)).toBe(false);
    await w.until('Ann in the east', () => owns(east.engine, ann));
    expect(east.engine.db.action.has(ann)).toBe(false);
    expect(travelling(east.engine, ann).items).toEqual(['0:fiberx3']);
    // The craft's finisher was cancelled with the action: no rope appears anywhere later.
    west.world.wait(2_000);
    east.world.wait(2_000);
    expect(travelling(east.engine, ann).items).toEqual(['0:fiberx3']);
    expect(west.engine.db.inventory.iter().filter((r) => r.owner === ann)).toEqual([]);
  });

  it('a refused arrival (the name is taken there) puts the player back, stopped, with a notice and every item', async () => {
    const w = await twoRegions();
    const west = w.regions.r0_0;
    const east = w.regions.r1_0;
    const [ann, other] = [who(1), who(9)];
    east.engine.connect(other);
    east.world.ok(other, 'join', { name: 'ann' });
    west.engine.connect(ann);
    west.world.ok(ann, 'join', { name: 'Ann' });
    west.world.teleport(ann, 250, 256);
    equip(west.world, ann);
    const before = travelling(west.engine, ann);
    west.world.ok(ann, 'move', { dx: 1, dy: 0 });
    await w.until('the refusal answered', () => w.regions.r0_0.relay.counts.answers > 0);
    expect(w.where(ann)).toEqual(['r0_0']);
    expect({ ...travelling(west.engine, ann), fedLeftMs: 0 }).toEqual({ ...before, fedLeftMs: 0 });
    expect(west.engine.db.avatar.find(ann)!.moving).toBe(false);
    expect(west.engine.db.notice.filter('by_owner', ann).map((n) => n.code)).toContain('TRAVEL_REFUSED');
    expect(w.kit('r1_0').ts_inbox.iter()).toMatchObject([{ outcome: 'rejected', code: 'NAME_TAKEN' }]);
    expect(w.kit('r0_0').ts_outbox.count()).toBe(0);
    expect((await w.call('r0_0', ann, 'move', { dx: 0, dy: 1 })).ok).toBe(true);
  });

  it('a payload that is not version 1 is refused with the field named, and nothing is inserted', async () => {
    const w = await twoRegions();
    const east = w.regions.r1_0;
    const args = { from: 'r0_0', id: 1, floor: 1, entity: who(5), epoch: 1 };
    for (const [payload, field] of [
      ['{"v":2}', 'v'],
      ['{"v":1,"player":{"name":"X","nameKey":"x"},"avatar":{"x":1}}', 'avatar'],
    ] as const) {
      const result = await w.call('r1_0', SERVER_IDENTITY, 'handoff_in', { ...args, payload });
      expect(result).toMatchObject({ ok: false, code: 'INVALID_HANDOFF' });
      expect(result.ok ? '' : result.message).toContain(`field ${field}`);
    }
    expect(east.engine.db.player.count()).toBe(0);

    // A valid one far from anything the east generated: the arrival gets terrain around it.
    const payload = JSON.stringify({
      v: 1,
      player: { name: 'Zed', nameKey: 'zed', online: false, joinedMs: 0 },
      avatar: { x: 300, y: 450, dirX: 0, dirY: 0, moving: false, online: false },
      backpack: { slots: 16, items: [{ slot: 0, itemId: 'fiber', quantity: 2 }] },
      skills: [],
      quests: [],
      fedLeftMs: 0,
    });
    const chunk = Math.floor(450 / 32) * 16 + Math.floor(300 / 32);
    expect(east.engine.db.terrain_chunk.has(chunk)).toBe(false);
    expect(await w.call('r1_0', SERVER_IDENTITY, 'handoff_in', { ...args, payload })).toEqual({ ok: true });
    expect(east.engine.db.terrain_chunk.has(chunk)).toBe(true);
    expect(travelling(east.engine, who(5)).items).toEqual(['0:fiberx2']);
  });

  it('players walking back and forth over a fabric that drops, duplicates and reorders: owned once, items conserved', async () => {
    const w = await twoRegions({ seed: 7, faults: { drop: 0.15, duplicate: 0.2, reorder: 0.3, delay: 0.1 } });
    const west = w.regions.r0_0;
    const ids = [1, 2, 3, 4, 5, 6].map(who);
    for (const [i, id] of ids.entries()) {
      west.engine.connect(id);
      west.world.ok(id, 'join', { name: `walker${i}` });
      west.world.teleport(id, 248 + i, 240 + i * 4);
      west.world.give(id, 'fiber', i + 1);
    }
    const total = itemTotal(west.engine);
    let crossings = 0;
    for (let leg = 0; leg < 4; leg++) {
      const dx = leg % 2 === 0 ? 1 : -1;
      const target: Name = dx > 0 ? 'r1_0' : 'r0_0';
      for (const id of ids) {
        const [here] = w.where(id);
        await w.call(here!, id, 'move', { dx, dy: 0 });
      }
      await w.until(`every walker in ${target}`, () => ids.every((id) => w.where(id)[0] === target));
      crossings += ids.length;
      // After every leg: one avatar per player, no item made or lost (in tables or outboxes).
      for (const id of ids) expect(w.where(id)).toHaveLength(1);
      // An outbox row counts until its receiver applied it (then the items are the receiver's).
      let outboxItems = 0;
      for (const from of NAMES)
        for (const row of w.kit(from).ts_outbox.iter()) {
          if (w.kit(row.to as Name).ts_inbox.find([from, row.id])?.outcome === 'applied') continue;
          for (const item of JSON.parse(row.payload).backpack.items) outboxItems += item.quantity;
        }
      expect(itemTotal(w.regions.r0_0.engine) + itemTotal(w.regions.r1_0.engine) + outboxItems).toBe(total);
    }
    await w.until('outboxes empty', () => NAMES.every((n) => w.kit(n).ts_outbox.count() === 0));
    expect(itemTotal(w.regions.r0_0.engine) + itemTotal(w.regions.r1_0.engine)).toBe(total);
    for (const id of ids) expect(await w.directory.find(id)).toEqual({ region: 'r0_0', epoch: 4 });
    // The faults ran: without them this test proves less than it says.
    expect(crossings).toBe(24);
    expect(w.fabric.counts.duplicated).toBeGreaterThan(0);
    expect(w.fabric.counts.deliveriesDropped + w.fabric.counts.acksLost).toBeGreaterThan(0);
    expect(w.regions.r0_0.relay.counts.duplicates + w.regions.r1_0.relay.counts.duplicates).toBeGreaterThan(
      0,
    );
  });
});
