import { describe, expect, test } from 'vitest';
import { toIdentity, type Identity } from '@tickspace/server/engine';
import { buildingAt, nearestInteraction, nearestPlayer } from '../../src/game/nearby';
import { createMemoryView } from '../../src/world/world-view';

const me = toIdentity('a'.repeat(32));
const other = (c: string) => toIdentity(c.repeat(32));

function world() {
  const view = createMemoryView();
  view.table('resource_node').put({ id: 1, resourceId: 'oak_tree', x: 3, y: 0, amount: 3, respawnAtMs: 0 });
  view.table('resource_node').put({ id: 2, resourceId: 'oak_tree', x: 1, y: 0, amount: 0, respawnAtMs: 9 }); // depleted
  view.table('building').put({
    id: 7,
    buildingId: 'workbench',
    owner: me,
    x: 10,
    y: 10,
    width: 2,
    height: 1,
    cx: 11,
    cy: 10.5,
    progressMs: 0,
    complete: false,
    containerId: 0,
  });
  return view;
}

describe('nearby', () => {
  test('interact: the nearest node with something left, a nearer unfinished site before it, nothing beyond 4 tiles', () => {
    const view = world();
    expect(nearestInteraction(view, 0, 0)).toMatchObject({ kind: 'node', node: { id: 1 } });
    expect(nearestInteraction(view, 11, 8)).toMatchObject({ kind: 'site', building: { id: 7 } });
    expect(nearestInteraction(view, 30, 30)).toBeUndefined();
    view.table('building').put({ ...view.table('building').find(7)!, complete: true });
    expect(nearestInteraction(view, 11, 8)).toBeUndefined();
  });

  test('trade partner: the nearest other online player within the radius', () => {
    const view = world();
    const avatar = (identity: Identity, x: number, online = true) =>
      view.table('avatar').put({
        identity,
        name: identity.slice(0, 3),
        online,
        x,
        y: 0,
        dirX: 0,
        dirY: 0,
        moving: false,
      });
    avatar(me, 0);
    avatar(other('b'), 4);
    avatar(other('c'), 2, false);
    avatar(other('d'), 3);
    expect(nearestPlayer(view, me, 0, 0, 5)?.identity).toBe(other('d'));
    expect(nearestPlayer(view, me, 0, 0, 2.5)).toBeUndefined();
  });

  test('building at a tile: inside the footprint, with half a tile of slack above', () => {
    const view = world();
    expect(buildingAt(view, 11.9, 10.9)?.id).toBe(7);
    expect(buildingAt(view, 10, 9.6)?.id).toBe(7);
    expect(buildingAt(view, 12, 10)).toBeUndefined();
  });
});
