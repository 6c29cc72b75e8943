import { describe, expect, it } from 'vitest';
import { createWorld, SMALL, who, type World } from './helpers';

type Id = ReturnType<World['join']>;

/** Gives the costs of a building kind. */
function giveCost(w: World, id: Id, kind: string): void {
  for (const c of w.db.building_cost.filter('by_building', kind)) w.give(id, c.itemId, c.quantity);
}

/** Places a building of `kind` next to the player and returns its row. */
function place(w: World, id: Id, kind: string) {
  const def = w.db.building_def.find(kind)!;
  const p = w.player(id);
  const site = w.freeSite(p.x + 1, p.y, def.width, def.height);
  giveCost(w, id, kind);
  w.ok(id, 'place_building', { kind, x: site.x, y: site.y });
  const b = w.db.building.iter().find((r) => r.x === site.x && r.y === site.y)!;
  expect(b).toBeDefined();
  return b;
}

/** Completes a building by repeated construct actions. */
function complete(w: World, id: Id, building: number): void {
  const b = w.db.building.find(building)!;
  const def = w.db.building_def.find(b.buildingId)!;
  const steps = Math.ceil((def.buildMs - b.progressMs) / w.db.settings.find(0)!.constructStepMs);
  for (let i = 0; i < steps; i++) {
    w.ok(id, 'construct', { building });
    w.wait(w.db.settings.find(0)!.constructStepMs + 50);
  }
  expect(w.db.building.find(building)!.complete).toBe(true);
}

describe('place_building', () => {
  it('consumes the materials and creates a construction site that construct completes', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const b = place(w, id, 'campfire');
    expect(b).toMatchObject({
      buildingId: 'campfire',
      owner: id,
      complete: false,
      progressMs: 0,
      width: 1,
      height: 1,
    });
    expect(w.bag(id)).toEqual({});
    w.ok(id, 'construct', { building: b.id });
    w.wait(1050);
    expect(w.db.building.find(b.id)!.progressMs).toBe(1000);
    complete(w, id, b.id);
    expect(w.db.skill.find([id, 'construction'])!.xp).toBe(w.db.building_def.find('campfire')!.xp);
    w.rejects(id, 'construct', { building: b.id }, 'ALREADY_COMPLETE');
  });

  it('rejects with UNKNOWN_BUILDING_KIND, OUT_OF_BOUNDS, OUT_OF_REACH and MISSING_ITEMS', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const p = w.player(id);
    const site = w.freeSite(p.x + 1, p.y, 1, 1);
    w.rejects(who(3), 'place_building', { kind: 'campfire', ...site }, 'NOT_JOINED');
    w.rejects(id, 'place_building', { kind: 'castle', ...site }, 'UNKNOWN_BUILDING_KIND');
    w.rejects(id, 'place_building', { kind: 'campfire', x: -1, y: 5 }, 'OUT_OF_BOUNDS');
    w.rejects(id, 'place_building', { kind: 'campfire', x: 511, y: 511 + 1 }, 'OUT_OF_BOUNDS');
    w.rejects(id, 'place_building', { kind: 'campfire', x: site.x + 20, y: site.y }, 'OUT_OF_REACH');
    expect(w.rejects(id, 'place_building', { kind: 'campfire', ...site }, 'MISSING_ITEMS')).toMatch(
      /5 Stone \(have 0\)/,
    );
  });

  it('rejects footprints on water or cliffs, over buildings, resource nodes or players with BLOCKED', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const first = place(w, id, 'campfire');
    giveCost(w, id, 'campfire');
    expect(w.rejects(id, 'place_building', { kind: 'campfire', x: first.x, y: first.y }, 'BLOCKED')).toMatch(
      /^The site overlaps your Campfire\.$/,
    );
    const node = w.nearestNode('fallen_branch', w.player(id).x, w.player(id).y);
    w.standBy(id, node);
    expect(
      w.rejects(
        id,
        'place_building',
        { kind: 'campfire', x: Math.floor(node.x), y: Math.floor(node.y) },
        'BLOCKED',
      ),
    ).toMatch(/^The site overlaps a Fallen Branch\.$/);
    const me = w.player(id);
    expect(
      w.rejects(
        id,
        'place_building',
        { kind: 'campfire', x: Math.floor(me.x), y: Math.floor(me.y) },
        'BLOCKED',
      ),
    ).toMatch(/stands on the site/);
    // Find a non-land tile in the generated terrain and stand near it.
    let water: { x: number; y: number } | undefined;
    for (const c of w.db.terrain_chunk.iter()) {
      const i = c.tiles.findIndex((t) =>
        w.db.biome_def.iter().some((b) => b.tile === t && b.kind !== 'land'),
      );
      if (i >= 0) {
        water = { x: c.cx * 32 + (i % 32), y: c.cy * 32 + Math.floor(i / 32) };
        break;
      }
    }
    expect(water).toBeDefined();
    w.teleport(id, water!.x - 2, water!.y + 0.5);
    expect(w.rejects(id, 'place_building', { kind: 'campfire', ...water! }, 'BLOCKED')).toMatch(
      /buildings stand on land/,
    );
  });

  it('blocks movement: a walking player stops at a wall', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const wall = place(w, id, 'wooden_wall');
    // Stand 3 tiles west of the wall, on its row, and walk east.
    w.teleport(id, wall.x - 3 + 0.5, wall.y + 0.5);
    w.ok(id, 'move', { dx: 1, dy: 0 });
    w.wait(2000);
    const p = w.player(id);
    expect(p.x).toBeLessThanOrEqual(wall.x - w.db.settings.find(0)!.playerRadiusTiles + 0.001);
    expect(p.x).toBeGreaterThan(wall.x - 0.5);
  });
});

describe('construct', () => {
  it('rejects with UNKNOWN_BUILDING, NO_ACCESS, OUT_OF_REACH and BUSY', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const b = w.join(2);
    const site = place(w, a, 'campfire');
    w.rejects(a, 'construct', { building: 9999 }, 'UNKNOWN_BUILDING');
    w.teleport(b, site.x - 1, site.y + 0.5);
    w.rejects(b, 'construct', { building: site.id }, 'NO_ACCESS');
    w.teleport(a, site.x - 10, site.y);
    w.rejects(a, 'construct', { building: site.id }, 'OUT_OF_REACH');
    w.teleport(a, site.x - 1, site.y + 0.5);
    w.ok(a, 'construct', { building: site.id });
    w.rejects(a, 'construct', { building: site.id }, 'BUSY');
  });
});

describe('storage', () => {
  it('deposits and withdraws with stack limits; others need access', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const b = w.join(2);
    const chest = place(w, a, 'storage_chest');
    w.give(a, 'stick', 10);
    w.rejects(a, 'deposit', { building: chest.id, slot: 0, quantity: 5 }, 'NOT_COMPLETE');
    complete(w, a, chest.id);
    w.ok(a, 'deposit', { building: chest.id, slot: 0, quantity: 4 });
    expect(w.count(a, 'stick')).toBe(6);
    const stored = w.db.inventory.filter('by_container', chest.containerId);
    expect(stored).toEqual([
      expect.objectContaining({ itemId: 'stick', quantity: 4, shared: true, owner: a }),
    ]);
    w.ok(a, 'withdraw', { building: chest.id, slot: 0, quantity: 1 });
    expect(w.count(a, 'stick')).toBe(7);
    w.teleport(b, chest.x - 1, chest.y + 0.5);
    w.give(b, 'stone', 2);
    w.rejects(b, 'withdraw', { building: chest.id, slot: 0, quantity: 1 }, 'NO_ACCESS');
    w.ok(a, 'grant_access', { building: chest.id, identity: b, allowed: true });
    w.ok(b, 'withdraw', { building: chest.id, slot: 0, quantity: 3 });
    w.ok(b, 'deposit', { building: chest.id, slot: 0, quantity: 2 });
    expect(w.bag(b)).toEqual({ stick: 3 });
    w.ok(a, 'grant_access', { building: chest.id, identity: b, allowed: false });
    w.rejects(b, 'deposit', { building: chest.id, slot: 0, quantity: 1 }, 'NO_ACCESS');
  });

  it('rejects bad slots and quantities, non-storage buildings and full storage', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const chest = place(w, a, 'storage_chest');
    complete(w, a, chest.id);
    const fire = place(w, a, 'campfire');
    complete(w, a, fire.id);
    w.teleport(a, chest.x - 1, chest.y + 0.5);
    w.give(a, 'stick', 3);
    w.rejects(a, 'deposit', { building: fire.id, slot: 0, quantity: 1 }, 'NOT_STORAGE');
    w.rejects(a, 'deposit', { building: chest.id, slot: 200, quantity: 1 }, 'INVALID_SLOT');
    w.rejects(a, 'deposit', { building: chest.id, slot: 5, quantity: 1 }, 'EMPTY_SLOT');
    w.rejects(a, 'deposit', { building: chest.id, slot: 0, quantity: 0 }, 'INVALID_QUANTITY');
    w.rejects(a, 'deposit', { building: chest.id, slot: 0, quantity: 4 }, 'INVALID_QUANTITY');
    w.rejects(a, 'withdraw', { building: chest.id, slot: 0, quantity: 1 }, 'EMPTY_SLOT');
    // Fill the chest's slots with single tools.
    const slots = w.db.building_def.find('storage_chest')!.storageSlots;
    w.system((ctx) => {
      for (let s = 0; s < slots; s++)
        ctx.db.inventory.insert({
          containerId: chest.containerId,
          slot: s,
          owner: a,
          shared: true,
          itemId: 'stone_axe',
          quantity: 1,
        });
    });
    w.rejects(a, 'deposit', { building: chest.id, slot: 0, quantity: 1 }, 'INVENTORY_FULL');
    w.teleport(a, chest.x - 10, chest.y);
    w.rejects(a, 'withdraw', { building: chest.id, slot: 0, quantity: 1 }, 'OUT_OF_REACH');
  });
});

describe('grant_access and demolish', () => {
  it('only the owner grants access or demolishes; storage must be empty', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const b = w.join(2);
    const chest = place(w, a, 'storage_chest');
    complete(w, a, chest.id);
    w.rejects(b, 'grant_access', { building: chest.id, identity: b, allowed: true }, 'NO_ACCESS');
    w.rejects(a, 'grant_access', { building: chest.id, identity: a, allowed: true }, 'SELF_TARGET');
    w.rejects(a, 'grant_access', { building: chest.id, identity: who(77), allowed: true }, 'UNKNOWN_PLAYER');
    w.rejects(a, 'grant_access', { building: 4242, identity: b, allowed: true }, 'UNKNOWN_BUILDING');
    w.give(a, 'stick', 1);
    w.teleport(a, chest.x - 1, chest.y + 0.5);
    w.ok(a, 'deposit', { building: chest.id, slot: 0, quantity: 1 });
    w.rejects(b, 'demolish', { building: chest.id }, 'NO_ACCESS');
    w.rejects(a, 'demolish', { building: chest.id }, 'STORAGE_NOT_EMPTY');
    w.ok(a, 'withdraw', { building: chest.id, slot: 0, quantity: 1 });
    w.ok(a, 'demolish', { building: chest.id });
    expect(w.db.building.find(chest.id)).toBeUndefined();
    expect(w.db.container.find(chest.containerId)).toBeUndefined();
  });

  it('demolishing a wall lets players through again', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const wall = place(w, id, 'wooden_wall');
    w.teleport(id, wall.x - 2 + 0.5, wall.y + 0.5);
    w.ok(id, 'move', { dx: 1, dy: 0 });
    w.wait(1000);
    const stopped = w.player(id).x;
    expect(stopped).toBeLessThan(wall.x);
    w.ok(id, 'demolish', { building: wall.id });
    w.wait(1000);
    expect(w.player(id).x).toBeGreaterThan(wall.x + 1);
  });
});

describe('demolish refund', () => {
  it('gives back demolishRefundPercent of the cost, rounded down, and says so in a notice', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const fire = place(w, a, 'campfire');
    expect(w.bag(a)).toEqual({});
    w.ok(a, 'demolish', { building: fire.id });
    // Campfire: 5 stone, 3 sticks; half back, rounded down.
    expect(w.bag(a)).toEqual({ stone: 2, stick: 1 });
    const notice = w.db.notice.iter().find((n) => n.owner === a && n.code === 'DEMOLISHED')!;
    expect(notice.text).toBe('Campfire demolished: got back 2 Stone, 1 Stick');
  });

  it('takes the percentage from the option, and refuses when the refund does not fit', async () => {
    const w = await createWorld({ ...SMALL, demolishRefundPercent: 100 });
    const a = w.join(1);
    const fire = place(w, a, 'campfire');
    // Fill every backpack slot with single tools: the refund cannot fit.
    const bag = w.player(a).containerId;
    const slots = w.db.container.find(bag)!.slots;
    w.system((ctx) => {
      for (let s = 0; s < slots; s++)
        ctx.db.inventory.insert({
          containerId: bag,
          slot: s,
          owner: a,
          shared: false,
          itemId: 'stone_axe',
          quantity: 1,
        });
    });
    expect(w.rejects(a, 'demolish', { building: fire.id }, 'INVENTORY_FULL')).toContain('free a slot');
    expect(w.db.building.find(fire.id)).toBeDefined();
    w.system((ctx) => {
      ctx.db.inventory.delete([bag, 0]);
      ctx.db.inventory.delete([bag, 1]);
    });
    w.ok(a, 'demolish', { building: fire.id });
    expect(w.count(a, 'stone')).toBe(5);
    expect(w.count(a, 'stick')).toBe(3);
    await expect(createWorld({ ...SMALL, demolishRefundPercent: 101 })).rejects.toThrow(
      /demolishRefundPercent/,
    );
  });
});
