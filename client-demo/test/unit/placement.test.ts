import { describe, expect, test } from 'vitest';
import { toIdentity } from '@tickspace/server/engine';
import { checkPlacement } from '../../src/game/placement';
import type { BuildingDefRow } from '../../src/world/rows';
import { createMemoryView } from '../../src/world/world-view';

const me = toIdentity('a'.repeat(32));

function world() {
  const view = createMemoryView();
  view.table('settings').put({
    id: 0,
    playerSpeedTilesPerSec: 5,
    playerRadiusTiles: 0.3,
    reachTiles: 1.5,
    inventorySlots: 24,
    tradeRadiusTiles: 5,
    stationRadiusTiles: 4,
    buildRangeTiles: 6,
    constructStepMs: 1000,
    startBiome: 'grassland',
    startRadiusTiles: 40,
  });
  view.table('biome_def').put({
    id: 'grassland',
    name: 'Grassland',
    kind: 'land',
    tile: 6,
    color: '#7cae4a',
    speedFactor: 1,
    tMin: 0,
    tMax: 1,
    mMin: 0,
    mMax: 1,
  });
  view.table('biome_def').put({
    id: 'ocean',
    name: 'Ocean',
    kind: 'water',
    tile: 0,
    color: '#1f5f8b',
    speedFactor: 1,
    tMin: 0,
    tMax: 0,
    mMin: 0,
    mMax: 0,
  });
  view.table('building_cost').put({ buildingId: 'workbench', itemId: 'log', quantity: 4, position: 0 });
  view.table('item_def').put({
    id: 'log',
    name: 'Log',
    category: 'resource',
    stackSize: 30,
    iconShape: 'bar',
    iconColor: '#8b5a2b',
    toolKind: '',
    toolTier: 0,
    description: '',
    wellFedMs: 0,
  });
  return view;
}

const bench: BuildingDefRow = {
  id: 'workbench',
  name: 'Workbench',
  width: 2,
  height: 1,
  buildMs: 4000,
  storageSlots: 0,
  station: true,
  blocks: true,
  skill: 'construction',
  xp: 20,
  iconShape: 'square',
  iconColor: '#a0522d',
};

const water = (x: number) => (x >= 20 ? 0 : 6);
const base = {
  def: bench,
  playerX: 10,
  playerY: 10,
  tileAt: (x: number) => water(x),
  counts: new Map([['log', 4]]),
};

describe('checkPlacement (the place_building rules, client side)', () => {
  test('a free land site within range with the cost in the backpack is valid', () => {
    expect(checkPlacement({ ...base, view: world(), x: 12, y: 12 })).toEqual({ ok: true });
  });

  test('refuses, with a reason: too far, water, unexplored, another building, a resource, a player, missing items', () => {
    const view = world();
    expect(checkPlacement({ ...base, view, x: 30, y: 10 }).reason).toMatch(/far/);
    expect(checkPlacement({ ...base, view, x: 15, y: 10, playerX: 17 }).ok).toBe(true);
    expect(checkPlacement({ ...base, view, x: 19, y: 10, playerX: 17 }).reason).toMatch(/ocean/i);
    expect(checkPlacement({ ...base, view, x: 12, y: 12, tileAt: () => -1 }).reason).toMatch(/Unexplored/);
    view.table('building').put({
      id: 1,
      buildingId: 'campfire',
      owner: me,
      x: 13,
      y: 12,
      width: 1,
      height: 1,
      cx: 13.5,
      cy: 12.5,
      progressMs: 0,
      complete: true,
      containerId: 0,
    });
    expect(checkPlacement({ ...base, view, x: 12, y: 12 }).reason).toMatch(/building/);
    view
      .table('resource_node')
      .put({ id: 5, resourceId: 'oak_tree', x: 12.5, y: 14.5, amount: 3, respawnAtMs: 0 });
    expect(checkPlacement({ ...base, view, x: 12, y: 14 }).reason).toMatch(/resource/);
    view
      .table('avatar')
      .put({ identity: me, name: 'Ann', online: true, x: 8.5, y: 8.5, dirX: 0, dirY: 0, moving: false });
    expect(checkPlacement({ ...base, view, x: 8, y: 8 }).reason).toMatch(/Ann/);
    expect(checkPlacement({ ...base, view, x: 8, y: 11, counts: new Map([['log', 3]]) }).reason).toMatch(
      /Needs 4 Log/,
    );
  });

  test("refuses a town project's site, which lies relative to the spawn point", () => {
    const view = world();
    view.table('world_info').put({
      id: 0,
      seed: 's',
      worldTiles: 512,
      chunkTiles: 32,
      spawnX: 8.5,
      spawnY: 20.5,
      contentRev: 1,
    });
    view.table('project_def').put({
      id: 'town_square',
      name: 'Town Square',
      description: '',
      position: 0,
      siteDx: 4,
      siteDy: -8,
      width: 4,
      height: 4,
    });
    // The site covers tiles 12..15 x 12..15.
    expect(checkPlacement({ ...base, view, x: 11, y: 12 }).reason).toBe('Town Square is built here');
    expect(checkPlacement({ ...base, view, x: 10, y: 12 })).toEqual({ ok: true });
  });
});
