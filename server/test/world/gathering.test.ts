import { describe, expect, it } from 'vitest';
import { createWorld, who } from './helpers';

describe('gather', () => {
  it('takes the resource time, then yields items, grants experience and depletes the node', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const node = w.nearestNode('fallen_branch', w.player(id).x, w.player(id).y);
    const def = w.db.resource_def.find('fallen_branch')!;
    w.standBy(id, node);
    w.ok(id, 'gather', { nodeId: node.id });
    expect(w.db.action.find(id)).toMatchObject({ kind: 'gather', target: node.id });
    w.wait(def.gatherMs - 100);
    expect(w.count(id, 'stick')).toBe(0);
    w.wait(150);
    expect(w.count(id, 'stick')).toBe(def.quantityPerGather);
    expect(w.db.action.find(id)).toBeUndefined();
    expect(w.db.resource_node.find(node.id)!.amount).toBe(def.amount - 1);
    expect(w.db.skill.find([id, def.skill])!.xp).toBe(def.xp);
  });

  it('depletes a node after its amount and respawns it after respawnMs', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const node = w.nearestNode('fiber_grass', w.player(id).x, w.player(id).y);
    const def = w.db.resource_def.find('fiber_grass')!;
    w.standBy(id, node);
    for (let i = 0; i < def.amount; i++) {
      w.ok(id, 'gather', { nodeId: node.id });
      w.wait(def.gatherMs + 50);
    }
    const depleted = w.db.resource_node.find(node.id)!;
    expect(depleted.amount).toBe(0);
    expect(depleted.respawnAtMs).toBeGreaterThan(w.engine.now);
    expect(w.count(id, 'fiber')).toBe(def.amount * def.quantityPerGather);
    expect(w.rejects(id, 'gather', { nodeId: node.id }, 'NODE_DEPLETED')).toMatch(
      new RegExp(`^This ${def.name} is used up; it grows back in \\d+(\\.\\d)? (s|min)`),
    );
    w.wait(depleted.respawnAtMs - w.engine.now + 50);
    expect(w.db.resource_node.find(node.id)).toMatchObject({ amount: def.amount, respawnAtMs: 0 });
    w.ok(id, 'gather', { nodeId: node.id });
  });

  it('rejects with NOT_JOINED, UNKNOWN_NODE, OUT_OF_REACH and BUSY', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const node = w.nearestNode('fallen_branch', w.player(id).x, w.player(id).y);
    w.rejects(who(7), 'gather', { nodeId: node.id }, 'NOT_JOINED');
    w.rejects(id, 'gather', { nodeId: 0xfffffff }, 'UNKNOWN_NODE');
    w.teleport(id, node.x - 3, node.y);
    w.rejects(id, 'gather', { nodeId: node.id }, 'OUT_OF_REACH');
    w.standBy(id, node);
    w.ok(id, 'gather', { nodeId: node.id });
    w.rejects(id, 'gather', { nodeId: node.id }, 'BUSY');
  });

  it('rejects a node that needs a missing tool with TOOL_REQUIRED, and accepts it with the tool', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const tree = w.nearestNode('oak_tree', w.player(id).x, w.player(id).y);
    w.standBy(id, tree);
    const message = w.rejects(id, 'gather', { nodeId: tree.id }, 'TOOL_REQUIRED');
    expect(message).toMatch(/needs an axe of tier 1/);
    w.give(id, 'stone_axe', 1);
    w.ok(id, 'gather', { nodeId: tree.id });
    w.wait(w.db.resource_def.find('oak_tree')!.gatherMs + 50);
    expect(w.count(id, 'log')).toBe(1);
  });

  it('is faster with a better tool', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const tree = w.nearestNode('oak_tree', w.player(id).x, w.player(id).y);
    w.standBy(id, tree);
    w.give(id, 'iron_axe', 1);
    w.ok(id, 'gather', { nodeId: tree.id });
    const action = w.db.action.find(id)!;
    expect(action.endsMs - action.startedMs).toBe(
      Math.round(w.db.resource_def.find('oak_tree')!.gatherMs / 1.5),
    );
  });

  it('rejects with INVENTORY_FULL when the yield does not fit', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const slots = w.db.settings.find(0)!.inventorySlots;
    for (let i = 0; i < slots; i++) w.give(id, 'stone_axe', 1);
    const node = w.nearestNode('fallen_branch', w.player(id).x, w.player(id).y);
    w.standBy(id, node);
    w.rejects(id, 'gather', { nodeId: node.id }, 'INVENTORY_FULL');
  });

  it('is cancelled by moving and by cancel_action; cancel_action while idle rejects NO_ACTION', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const node = w.nearestNode('fallen_branch', w.player(id).x, w.player(id).y);
    w.standBy(id, node);
    w.ok(id, 'gather', { nodeId: node.id });
    w.ok(id, 'move', { dx: -1, dy: 0 });
    expect(w.db.action.find(id)).toBeUndefined();
    w.ok(id, 'move', { dx: 0, dy: 0 });
    w.standBy(id, node);
    w.ok(id, 'gather', { nodeId: node.id });
    w.ok(id, 'cancel_action', {});
    w.wait(2000);
    expect(w.count(id, 'stick')).toBe(0);
    w.rejects(id, 'cancel_action', {}, 'NO_ACTION');
  });

  it('ends with a notice, and nothing gained, when the node was emptied meanwhile', async () => {
    const w = await createWorld();
    const a = w.join(1);
    const b = w.join(2);
    const node = w.nearestNode('flint_nodule', w.player(a).x, w.player(a).y);
    const def = w.db.resource_def.find('flint_nodule')!;
    w.system((ctx) => ctx.db.resource_node.update({ ...ctx.db.resource_node.find(node.id)!, amount: 1 }));
    w.standBy(a, node);
    w.teleport(b, node.x + 1.2, node.y);
    w.ok(a, 'gather', { nodeId: node.id });
    w.ok(b, 'gather', { nodeId: node.id });
    w.wait(def.gatherMs + 100);
    expect(w.count(a, 'flint')).toBe(1);
    expect(w.count(b, 'flint')).toBe(0);
    expect(w.db.notice.filter('by_owner', b)).toEqual([expect.objectContaining({ code: 'NODE_DEPLETED' })]);
    expect(w.db.action.find(b)).toBeUndefined();
  });
});
