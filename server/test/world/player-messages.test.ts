import { describe, expect, it } from 'vitest';
import { SERVER_IDENTITY } from '../../src/engine';
import { article, buildingOf, tiles, withArticle, youHave } from '../../src/world/words';
import { createWorld, who, type World } from './helpers';

/*
 * The server's refusals are read by players as they are (a bot, the CLI, another client) and by
 * ours when it has no sentence of its own: they name items, buildings and players by their names,
 * as full sentences, never by ids.
 */

type Id = ReturnType<World['join']>;

/** Places a building of `kind` next to the player (its costs given) and returns its row. */
function place(w: World, id: Id, kind: string) {
  const def = w.db.building_def.find(kind)!;
  const p = w.player(id);
  const site = w.freeSite(p.x + 1, p.y, def.width, def.height);
  for (const c of w.db.building_cost.filter('by_building', kind)) w.give(id, c.itemId, c.quantity);
  w.ok(id, 'place_building', { kind, x: site.x, y: site.y });
  return w.db.building.iter().find((r) => r.x === site.x && r.y === site.y)!;
}

/** Finishes a building at once, as a server transaction. */
function finish(w: World, building: number): void {
  w.system((ctx) => ctx.db.building.update({ ...ctx.db.building.find(building)!, complete: true }));
}

/** No id of any kind: no 32-digit identity, no "building 12", no snake_case content id. */
function expectNoIds(message: string): void {
  expect(message).not.toMatch(/[0-9a-f]{32}/);
  expect(message).not.toMatch(/\b(building|node|trade|slot) \d/);
  expect(message).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
}

async function twoPlayers() {
  const w = await createWorld();
  const a = w.join(1, 'Ann');
  const b = w.join(2, 'Bob');
  return { w, a, b };
}

describe('words', () => {
  it('puts the right article before a name', () => {
    expect(article('Oak Tree')).toBe('an');
    expect(article('Campfire')).toBe('a');
    expect(article('Unicorn Pen')).toBe('a');
    expect(article('hour')).toBe('an');
    expect(withArticle('Iron Ore')).toBe('an Iron Ore');
  });

  it('says distances in tiles to one decimal, with a singular for one', () => {
    expect(tiles(1)).toBe('1 tile');
    expect(tiles(1.04)).toBe('1 tile');
    expect(tiles(4.26)).toBe('4.3 tiles');
    expect(tiles(10)).toBe('10 tiles');
  });

  it("names a building by whose it is, to whom: yours, a player's, the town's", async () => {
    const { w, a, b } = await twoPlayers();
    const chest = { buildingId: 'storage_chest', owner: a };
    expect(buildingOf(w.db, chest, a)).toBe('your Storage Chest');
    expect(buildingOf(w.db, chest, b)).toBe("Ann's Storage Chest");
    expect(buildingOf(w.db, { ...chest, owner: SERVER_IDENTITY }, b)).toBe("the town's Storage Chest");
    expect(buildingOf(w.db, { ...chest, owner: who(99) }, b)).toBe('a Storage Chest');
    expect(youHave(w.db, 'stick', 0)).toBe('You have no Stick');
    expect(youHave(w.db, 'stick', 2)).toBe('You have 2 Stick');
  });
});

describe('building and storage refusals name the building and its owner', () => {
  it('NO_ACCESS: using, granting and taking down what is not yours', async () => {
    const { w, a, b } = await twoPlayers();
    const chest = place(w, a, 'storage_chest');
    finish(w, chest.id);
    w.teleport(b, chest.x - 1, chest.y + 0.5);
    const use = w.rejects(b, 'deposit', { building: chest.id, slot: 0, quantity: 1 }, 'NO_ACCESS');
    expect(use).toBe("You may not use Ann's Storage Chest; Ann can grant you access.");
    const grant = w.rejects(
      b,
      'grant_access',
      { building: chest.id, identity: b, allowed: true },
      'NO_ACCESS',
    );
    expect(grant).toBe('Only Ann, its owner, may grant access to this Storage Chest.');
    expect(w.rejects(b, 'demolish', { building: chest.id }, 'NO_ACCESS')).toBe(
      'Only Ann, its owner, may take down this Storage Chest.',
    );
    w.system((ctx) => ctx.db.building.update({ ...ctx.db.building.find(chest.id)!, owner: SERVER_IDENTITY }));
    expect(w.rejects(b, 'deposit', { building: chest.id, slot: 0, quantity: 1 }, 'NO_ACCESS')).toBe(
      "You may not use the town's Storage Chest; it belongs to the town.",
    );
    expect(w.rejects(a, 'demolish', { building: chest.id }, 'NO_ACCESS')).toBe(
      "The town's Storage Chest belongs to the town, not to a player.",
    );
    for (const m of [use, grant]) expectNoIds(m);
  });

  it('NOT_STORAGE and NOT_COMPLETE', async () => {
    const { w, a } = await twoPlayers();
    const fire = place(w, a, 'campfire');
    const notStorage = w.rejects(a, 'deposit', { building: fire.id, slot: 0, quantity: 1 }, 'NOT_STORAGE');
    expect(notStorage).toBe('Your Campfire stores nothing; only storage buildings hold items.');
    const chest = place(w, a, 'storage_chest');
    expect(w.rejects(a, 'withdraw', { building: chest.id, slot: 0, quantity: 1 }, 'NOT_COMPLETE')).toBe(
      'Your Storage Chest is still under construction; finish it first.',
    );
    expectNoIds(notStorage);
  });

  it('OUT_OF_REACH says how far it is and how close to come, for the owner and a granted player', async () => {
    const { w, a, b } = await twoPlayers();
    const chest = place(w, a, 'storage_chest');
    finish(w, chest.id);
    w.ok(a, 'grant_access', { building: chest.id, identity: b, allowed: true });
    const s = w.db.settings.find(0)!;
    const reach = tiles(s.reachTiles + s.playerRadiusTiles);
    w.teleport(a, chest.x - 10, chest.y + 0.5);
    w.teleport(b, chest.x + chest.width + 4, chest.y + 0.5);
    expect(w.rejects(a, 'withdraw', { building: chest.id, slot: 0, quantity: 1 }, 'OUT_OF_REACH')).toBe(
      `Your Storage Chest is 10 tiles away; walk within ${reach} of it.`,
    );
    expect(w.rejects(b, 'withdraw', { building: chest.id, slot: 0, quantity: 1 }, 'OUT_OF_REACH')).toBe(
      `Ann's Storage Chest is 4 tiles away; walk within ${reach} of it.`,
    );
  });

  it('OUT_OF_REACH for a resource names the resource', async () => {
    const { w, a } = await twoPlayers();
    const p = w.player(a);
    const node = w.nearestNode('fallen_branch', p.x, p.y);
    w.teleport(a, node.x - 6, node.y);
    const message = w.rejects(a, 'gather', { nodeId: node.id }, 'OUT_OF_REACH');
    expect(message).toMatch(/^The Fallen Branch is 6 tiles away; walk within \d+(\.\d)? tiles of it\.$/);
    expectNoIds(message);
  });
});

describe('trade refusals name the partner and the items', () => {
  it('TOO_FAR, offline, TRADE_EXISTS, UNKNOWN_TRADE, UNKNOWN_PLAYER, SELF_TARGET, MISSING_ITEMS', async () => {
    const { w, a, b } = await twoPlayers();
    const radius = tiles(w.db.settings.find(0)!.tradeRadiusTiles);
    w.teleport(b, w.player(a).x + 8, w.player(a).y);
    expect(w.rejects(a, 'trade_open', { partner: b }, 'TOO_FAR')).toBe(
      `Bob is 8 tiles away; walk within ${radius} to trade.`,
    );
    w.teleport(b, w.player(a).x + 1, w.player(a).y);
    w.ok(a, 'trade_open', { partner: b });
    expect(w.rejects(a, 'trade_open', { partner: b }, 'TRADE_EXISTS')).toBe(
      'You already have a trade open with Bob.',
    );
    const trade = w.db.trade.filter('by_a', a)[0]!.id;
    expect(w.rejects(a, 'trade_offer', { trade, itemId: 'stick', quantity: 2 }, 'MISSING_ITEMS')).toBe(
      'You have no Stick, not 2.',
    );
    w.give(a, 'stick', 1);
    expect(w.rejects(a, 'trade_offer', { trade, itemId: 'stick', quantity: 2 }, 'MISSING_ITEMS')).toBe(
      'You have 1 Stick, not 2.',
    );
    const over = w.rejects(a, 'trade_accept', { trade: trade + 100 }, 'UNKNOWN_TRADE');
    expect(over).toBe('That trade is over: it was completed, cancelled or declined.');
    const nobody = w.rejects(a, 'trade_open', { partner: who(77) }, 'UNKNOWN_PLAYER');
    expect(nobody).toBe('That player has never been in this world.');
    expect(w.rejects(a, 'trade_open', { partner: a }, 'SELF_TARGET')).toBe('You cannot trade with yourself.');
    for (const m of [over, nobody]) expectNoIds(m);
  });
});
