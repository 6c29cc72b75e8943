import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { createFrontier } from '../../src/world';
import { createWorld, SMALL, who, type World } from './helpers';

/** Tiles that block movement (water, cliff) among generated chunks, as a lookup. */
function blockedLookup(w: World) {
  const n = w.frontier.options.chunkTiles;
  const per = w.frontier.options.worldTiles / n;
  const blocking = new Set(
    w.db.biome_def
      .iter()
      .filter((b) => b.kind !== 'land')
      .map((b) => b.tile),
  );
  return (tx: number, ty: number) => {
    const chunk = w.db.terrain_chunk.find(Math.floor(ty / n) * per + Math.floor(tx / n));
    if (chunk === undefined) return true;
    return blocking.has(chunk.tiles[(ty % n) * n + (tx % n)]!);
  };
}

/** Penetration of a circle into blocked tiles (0 if none). */
function penetration(blocked: (x: number, y: number) => boolean, x: number, y: number, r: number): number {
  let worst = 0;
  for (let ty = Math.floor(y - r); ty <= Math.floor(y + r); ty++)
    for (let tx = Math.floor(x - r); tx <= Math.floor(x + r); tx++) {
      if (!blocked(tx, ty)) continue;
      const qx = Math.max(tx, Math.min(x, tx + 1));
      const qy = Math.max(ty, Math.min(y, ty + 1));
      worst = Math.max(worst, r - Math.hypot(qx - x, qy - y));
    }
  return worst;
}

describe('physics step', () => {
  it('moves at content speed times the biome factor in the open', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const s = w.db.settings.find(0)!;
    const site = w.freeSite(w.player(id).x, w.player(id).y, 6, 1);
    w.teleport(id, site.x + 0.5, site.y + 0.5);
    w.ok(id, 'move', { dx: 1, dy: 0 });
    const x0 = w.player(id).x;
    w.engine.runTick();
    const biome = w.db.biome_def.iter().find((b) => b.id === s.startBiome)!;
    expect(w.player(id).x - x0).toBeCloseTo(
      (s.playerSpeedTilesPerSec * biome.speedFactor * w.engine.tickMs) / 1000,
      4,
    );
  });

  it('never lets players into water or cliffs, and slides them along walls (property)', async () => {
    const w = await createWorld();
    const blocked = blockedLookup(w);
    const r = w.db.settings.find(0)!.playerRadiusTiles;
    // Stand next to some blocked terrain.
    let edge: { x: number; y: number } | undefined;
    const info = w.db.world_info.find(0)!;
    for (let d = 40; d < 120 && edge === undefined; d++)
      for (const [dx, dy] of [
        [1, 0],
        [0, 1],
        [-1, 0],
        [0, -1],
      ] as const) {
        const tx = Math.floor(info.spawnX + dx * d);
        const ty = Math.floor(info.spawnY + dy * d);
        if (blocked(tx, ty) && !blocked(tx - dx, ty - dy) && !blocked(tx - 2 * dx, ty - 2 * dy)) {
          edge = { x: tx - 2 * dx + 0.5, y: ty - 2 * dy + 0.5 };
          break;
        }
      }
    expect(edge, 'blocked terrain near spawn').toBeDefined();
    const id = w.join(1);
    let moved = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.integer({ min: 1, max: 12 })),
          { minLength: 1, maxLength: 12 },
        ),
        async (legs) => {
          w.teleport(id, edge!.x, edge!.y);
          for (const [angle, ticks] of legs) {
            w.ok(id, 'move', {
              dx: Math.fround(Math.cos(angle) * 0.999),
              dy: Math.fround(Math.sin(angle) * 0.999),
            });
            for (let i = 0; i < ticks; i++) {
              const before = w.player(id);
              w.engine.runTick();
              const p = w.player(id);
              if (p.x !== before.x || p.y !== before.y) moved++;
              expect(penetration(blocked, p.x, p.y, r)).toBeLessThan(1e-3);
            }
          }
          w.ok(id, 'move', { dx: 0, dy: 0 });
        },
      ),
      { numRuns: 30, seed: 3 },
    );
    expect(moved).toBeGreaterThan(50);
  });

  it('slides along a wall when walking into it at an angle', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const site = w.freeSite(w.player(id).x, w.player(id).y, 4, 6);
    // A wall of 4 stone walls along x = site.x + 3.
    for (let i = 0; i < 4; i++) {
      for (const c of w.db.building_cost.filter('by_building', 'wooden_wall'))
        w.give(id, c.itemId, c.quantity);
      w.teleport(id, site.x + 1.5, site.y + 1 + i);
      w.ok(id, 'place_building', { kind: 'wooden_wall', x: site.x + 3, y: site.y + 1 + i });
    }
    w.teleport(id, site.x + 2.5, site.y + 1.2);
    w.ok(id, 'move', { dx: Math.SQRT1_2, dy: Math.SQRT1_2 });
    w.wait(500);
    const p = w.player(id);
    // Blocked in x by the wall face at site.x + 3, still advancing in y.
    expect(p.x).toBeLessThan(site.x + 3);
    expect(p.x).toBeGreaterThan(site.x + 3 - 0.4);
    expect(p.y).toBeGreaterThan(site.y + 1.2 + 0.8);
    expect(w.frontier.physicsStats(w.engine).rapierMoves).toBeGreaterThan(0);
  });

  it('collides with blocking resource nodes but walks through non-blocking ones', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const tree = w.nearestNode('oak_tree', w.player(id).x, w.player(id).y);
    w.teleport(id, tree.x - 2, tree.y);
    w.ok(id, 'move', { dx: 1, dy: 0 });
    w.wait(1000);
    const r = w.db.settings.find(0)!.playerRadiusTiles + w.db.resource_def.find('oak_tree')!.radius;
    expect(Math.hypot(w.player(id).x - tree.x, w.player(id).y - tree.y)).toBeGreaterThanOrEqual(r - 1e-3);
    expect(w.player(id).x).toBeLessThan(tree.x);
    const twig = w.nearestNode('fallen_branch', w.player(id).x, w.player(id).y);
    w.ok(id, 'move', { dx: 0, dy: 0 });
    w.teleport(id, twig.x - 1, twig.y);
    w.ok(id, 'move', { dx: 1, dy: 0 });
    w.wait(600);
    // Either walked over the twig or was stopped by something else past it: it never stops the player at the twig.
    expect(w.player(id).x).toBeGreaterThan(twig.x);
  });

  it('generates terrain ahead of walking players', async () => {
    const w = await createWorld();
    const id = w.join(1);
    const before = w.db.terrain_chunk.count();
    // Walk far enough to cross chunk borders (speed 5 tiles/s, 6 s).
    w.ok(id, 'move', { dx: 0, dy: -1 });
    w.wait(6000);
    const p = w.player(id);
    const n = w.frontier.options.chunkTiles;
    const per = w.frontier.options.worldTiles / n;
    const aoi = w.frontier.options.aoiChunks;
    const cx = Math.floor(p.x / n);
    const cy = Math.floor(p.y / n);
    for (let y = cy - aoi; y <= cy + aoi; y++)
      for (let x = cx - aoi; x <= cx + aoi; x++) expect(w.db.terrain_chunk.has(y * per + x)).toBe(true);
    expect(w.db.terrain_chunk.count()).toBeGreaterThan(before);
  });

  it('caps the time step at maxStepMs when ticks are long', async () => {
    const frontier = await createFrontier({ ...SMALL, maxStepMs: 100 });
    const engine = createEngine({ module: frontier.module, seed: 't', tickMs: 400 });
    engine.runTick();
    const id = who(1);
    engine.enqueue(id, 'join', { name: 'Slowpoke' });
    engine.runTick();
    engine.runTick();
    // Find open ground east of the player by walking one step and checking it was not blocked.
    engine.enqueue(id, 'move', { dx: 1, dy: 0 });
    engine.runTick();
    const a = engine.db.avatar.find(id)!.x;
    engine.runTick();
    const b = engine.db.avatar.find(id)!.x;
    const s = engine.db.settings.find(0)!;
    const factor = engine.db.biome_def.find(s.startBiome)!.speedFactor;
    expect(b - a).toBeCloseTo((s.playerSpeedTilesPerSec * factor * 100) / 1000, 4);
  });

  it('keeps at most maxPhysicsChunks chunk worlds', async () => {
    const w = await createWorld({ ...SMALL, maxPhysicsChunks: 2 });
    const ids = [1, 2, 3, 4, 5].map((n) => w.join(n));
    const info = w.db.world_info.find(0)!;
    // Spread the players over different chunks and keep them walking.
    ids.forEach((id, i) => w.teleport(id, info.spawnX - 60 + i * 32, info.spawnY + (i % 2) * 40 - 20));
    for (const id of ids) w.ok(id, 'move', { dx: 0, dy: 1 });
    for (let i = 0; i < 20; i++) {
      w.engine.runTick();
      expect(w.frontier.physics(w.engine).size).toBeLessThanOrEqual(2);
    }
    expect(w.frontier.physicsStats(w.engine).invalidations).toBeGreaterThan(0);
  });
});
