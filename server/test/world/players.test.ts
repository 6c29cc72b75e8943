import { describe, expect, it } from 'vitest';
import { createWorld, who } from './helpers';

describe('join', () => {
  it('creates a player on land near the spawn point, with a backpack and every skill at level 1', async () => {
    const w = await createWorld();
    const id = w.join(1, 'Alice');
    const p = w.player(id);
    expect(p).toMatchObject({ name: 'Alice', nameKey: 'alice', online: true, moving: false });
    const info = w.db.world_info.find(0)!;
    expect(Math.hypot(p.x - info.spawnX, p.y - info.spawnY)).toBeLessThan(40);
    expect(w.isLand(Math.floor(p.x), Math.floor(p.y))).toBe(true);
    expect(w.db.container.find(p.containerId)).toMatchObject({
      owner: id,
      buildingId: 0,
      slots: w.db.settings.find(0)!.inventorySlots,
    });
    expect(
      w.db.skill
        .filter('by_owner', id)
        .map((s) => [s.skillId, s.level])
        .sort(),
    ).toEqual(
      w.db.skill_def
        .iter()
        .map((s) => [s.id, 1])
        .sort(),
    );
  });

  it('spawns a crowd on distinct free spots near each other', async () => {
    const w = await createWorld();
    for (let i = 1; i <= 30; i++) w.engine.enqueue(who(i), 'join', { name: `crowd${i}` });
    w.engine.runTick();
    const players = w.db.avatar.iter();
    expect(players).toHaveLength(30);
    const info = w.db.world_info.find(0)!;
    for (const p of players) expect(Math.hypot(p.x - info.spawnX, p.y - info.spawnY)).toBeLessThan(40);
    // Spawn points avoid blocking nodes.
    for (const p of players)
      for (const n of w.db.resource_node.withinRadius(p.x, p.y, 1.5)) {
        const def = w.db.resource_def.find(n.resourceId)!;
        if (def.blocks) expect(Math.hypot(n.x - p.x, n.y - p.y)).toBeGreaterThanOrEqual(def.radius + 0.3);
      }
  });

  it.each([
    ['ab', 'INVALID_NAME'],
    ['a'.repeat(17), 'INVALID_NAME'],
    ['bad name', 'INVALID_NAME'],
    ['émile', 'INVALID_NAME'],
    ['', 'INVALID_NAME'],
  ])('rejects the name %j with %s and changes nothing', async (name, code) => {
    const w = await createWorld();
    w.rejects(who(1), 'join', { name }, code);
    expect(w.db.player.count()).toBe(0);
  });

  it('accepts names at both length limits', async () => {
    const w = await createWorld();
    w.ok(who(1), 'join', { name: 'abc' });
    w.ok(who(2), 'join', { name: 'a'.repeat(16) });
  });

  it('honours custom name limits', async () => {
    const w = await createWorld({ seed: 'test-world', worldTiles: 512, minNameChars: 5, maxNameChars: 6 });
    w.rejects(who(1), 'join', { name: 'abcd' }, 'INVALID_NAME');
    w.rejects(who(1), 'join', { name: 'abcdefg' }, 'INVALID_NAME');
    w.ok(who(1), 'join', { name: 'abcde' });
  });

  it('rejects a taken name, case-insensitively, with NAME_TAKEN', async () => {
    const w = await createWorld();
    w.join(1, 'Alice');
    w.rejects(who(2), 'join', { name: 'ALICE' }, 'NAME_TAKEN');
  });

  it('rejects with NO_SPAWN_POINT when every spot near the spawn point is taken', async () => {
    const w = await createWorld();
    const info = w.db.world_info.find(0)!;
    // Fill the spawn area with walls (before anyone joined, so no physics cache is stale).
    w.system((ctx) => {
      for (let y = info.spawnY - 36; y < info.spawnY + 36; y++)
        for (let x = info.spawnX - 36; x < info.spawnX + 36; x++)
          ctx.db.building.insert({
            buildingId: 'wooden_wall',
            owner: who(99),
            x,
            y,
            width: 1,
            height: 1,
            cx: x + 0.5,
            cy: y + 0.5,
            progressMs: 0,
            complete: true,
            containerId: 0,
          });
    });
    w.rejects(who(1), 'join', { name: 'Latecomer' }, 'NO_SPAWN_POINT');
  });

  it('rejects a second join with ALREADY_JOINED', async () => {
    const w = await createWorld();
    w.join(1, 'Alice');
    w.rejects(who(1), 'join', { name: 'Alice2' }, 'ALREADY_JOINED');
  });
});

describe('move', () => {
  it('sets the intent; the physics step moves the player', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const before = w.player(id);
    w.ok(id, 'move', { dx: 1, dy: 0 });
    expect(w.player(id)).toMatchObject({ dirX: 1, dirY: 0, moving: true });
    w.ticks(5);
    expect(w.player(id).x).not.toBe(before.x);
    w.ok(id, 'move', { dx: 0, dy: 0 });
    const stopped = w.player(id);
    expect(stopped.moving).toBe(false);
    w.ticks(3);
    expect(w.player(id).x).toBe(stopped.x);
  });

  it('rejects a direction longer than 1 with INVALID_DIRECTION', async () => {
    const w = await createWorld();
    const id = w.join(1);
    w.rejects(id, 'move', { dx: 1, dy: 1 }, 'INVALID_DIRECTION');
  });

  it('rejects callers without a player with NOT_JOINED', async () => {
    const w = await createWorld();
    w.rejects(who(9), 'move', { dx: 1, dy: 0 }, 'NOT_JOINED');
  });

  it('rejects non-finite directions at the argument check', async () => {
    const w = await createWorld();
    const id = w.join(1);
    expect(() => w.engine.enqueue(id, 'move', { dx: Number.NaN, dy: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});

describe('leaving and returning', () => {
  it('keeps the player, position and inventory when they leave, and resumes on reconnect', async () => {
    const w = await createWorld();
    const id = w.join(1, 'Alice');
    w.give(id, 'stick', 5);
    w.ok(id, 'move', { dx: 0, dy: 1 });
    w.ticks(4);
    w.engine.disconnect(id);
    w.engine.runTick();
    const left = w.player(id);
    expect(left).toMatchObject({ online: false, moving: false });
    w.ticks(5);
    expect(w.player(id).y).toBe(left.y);
    w.engine.connect(id);
    w.engine.runTick();
    expect(w.player(id)).toMatchObject({ online: true, x: left.x, y: left.y, name: 'Alice' });
    expect(w.count(id, 'stick')).toBe(5);
    w.rejects(id, 'join', { name: 'Alice' }, 'ALREADY_JOINED');
  });

  it('serverStarted (no client is connected) sets every online player offline and stops every walking avatar, leaving offline ones alone', async () => {
    const w = await createWorld();
    const walker = w.join(1, 'Walker');
    const idle = w.join(2, 'Idle');
    const gone = w.join(3, 'Gone');
    w.ok(walker, 'move', { dx: 1, dy: 0 });
    w.engine.disconnect(gone);
    w.ticks(3);
    const goneBefore = w.player(gone);
    w.engine.serverStarted();
    const record = w.engine.runTick();
    expect(record.calls.map((c) => c.reducer)).toContain('__started');
    for (const id of [walker, idle])
      expect(w.player(id)).toMatchObject({ online: false, moving: false, dirX: 0, dirY: 0 });
    expect(w.db.player.find(walker)!.online).toBe(false);
    expect(w.player(gone)).toEqual(goneBefore);
    const stoppedAt = w.player(walker);
    w.ticks(5);
    expect(w.player(walker).x).toBe(stoppedAt.x);
    // A player who comes back is online again where they stood.
    w.engine.connect(walker);
    w.engine.runTick();
    expect(w.player(walker)).toMatchObject({ online: true, x: stoppedAt.x });
  });
});
