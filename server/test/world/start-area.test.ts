import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import { classifyTile, createFrontier, terrainParams, type TerrainParams } from '../../src/world';
import { StartArea } from '../../src/world/start-area';
import { createWorld, who } from './helpers';

const TILES_PER_PLAYER = 64;

/** Terrain parameters of a default-sized world, read from a fresh engine's content tables. */
async function paramsOf(seed: string): Promise<TerrainParams> {
  const frontier = await createFrontier({ seed });
  const engine = createEngine({ module: frontier.module, seed });
  engine.runTick();
  return terrainParams(engine.db, { seed, worldTiles: 4096, chunkTiles: 32, maxNodesPerChunk: 128 });
}

/** Root mean square distance of the area's first `n` tiles from the spawn point. */
function rmsSpread(area: StartArea, p: TerrainParams, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const { tx, ty } = area.tile(i);
    sum += (tx + 0.5 - p.spawnX) ** 2 + (ty + 0.5 - p.spawnY) ** 2;
  }
  return Math.sqrt(sum / n);
}

describe('start area', () => {
  it('is walkable land, every tile reachable from the spawn point, at 300 to 4,000 players', async () => {
    const p = await paramsOf('bench'); // a coastal start: the area must follow the land
    const area = new StartArea(p);
    const W = p.worldTiles;
    const taken = new Set<number>();
    let checked = 0;
    // Failures are collected, not asserted per tile: 256,000 expect calls would be the test's cost.
    const water: string[] = [];
    const cutOff: string[] = [];
    for (const players of [300, 1000, 2000, 4000]) {
      const size = area.grow(players * TILES_PER_PLAYER);
      expect(size).toBe(players * TILES_PER_PLAYER);
      for (; checked < size; checked++) {
        const { tx, ty } = area.tile(checked);
        if (p.blockedTile[classifyTile(p, tx, ty)] !== 0) water.push(`${tx},${ty}`);
        // Reachable: a 4-neighbour was taken before it (the first tile is the spawn point's).
        if (checked === 0) expect([tx, ty]).toEqual([Math.floor(p.spawnX), Math.floor(p.spawnY)]);
        else if (
          ![tx + 1 + ty * W, tx - 1 + ty * W, tx + (ty + 1) * W, tx + (ty - 1) * W].some((t) => taken.has(t))
        )
          cutOff.push(`${tx},${ty}`);
        taken.add(ty * W + tx);
      }
    }
    expect(water.slice(0, 5)).toEqual([]);
    expect(cutOff.slice(0, 5)).toEqual([]);
    expect(taken.size).toBe(4000 * TILES_PER_PLAYER);
  }, 60_000);

  it('spreads by the square root of the population where the land is open', { timeout: 30_000 }, async () => {
    const p = await paramsOf('frontier');
    const area = new StartArea(p);
    area.grow(4000 * TILES_PER_PLAYER);
    const spread = [300, 1000, 2000, 4000].map((n) => rmsSpread(area, p, n * TILES_PER_PLAYER));
    for (let i = 1; i < spread.length; i++) {
      const players = [300, 1000, 2000, 4000];
      const expected = Math.sqrt(players[i]! / players[i - 1]!);
      const ratio = spread[i]! / spread[i - 1]!;
      expect(ratio, `${players[i - 1]} -> ${players[i]} players`).toBeGreaterThan(expected * 0.8);
      expect(ratio, `${players[i - 1]} -> ${players[i]} players`).toBeLessThan(expected * 1.25);
    }
  });

  it(
    'is a function of the terrain: two areas grown in different steps take the same tiles',
    { timeout: 30_000 },
    async () => {
      const p = await paramsOf('bench');
      const a = new StartArea(p);
      const b = new StartArea(p);
      a.grow(50_000);
      for (const n of [1, 7, 1000, 33_333, 50_000]) b.grow(n);
      for (let i = 0; i < 50_000; i += 97) expect(b.tile(i)).toEqual(a.tile(i));
      expect(() => a.tile(50_000)).toThrow(RangeError);
    },
  );
});

describe('join spreads a crowd over the start area', () => {
  /** Joins `n` players in one tick; returns the avatars' distances from the spawn point. */
  function joinCrowd(w: Awaited<ReturnType<typeof createWorld>>, n: number): number[] {
    for (let i = 1; i <= n; i++) {
      w.engine.connect(who(i));
      w.engine.enqueue(who(i), 'join', { name: `crowd${i}` });
    }
    w.engine.runTick();
    expect(w.db.player.count()).toBe(n);
    const info = w.db.world_info.find(0)!;
    return w.db.avatar.iter().map((a) => {
      expect(w.isLand(Math.floor(a.x), Math.floor(a.y)), `avatar at ${a.x},${a.y}`).toBe(true);
      return Math.hypot(a.x - info.spawnX, a.y - info.spawnY);
    });
  }
  const rms = (d: number[]) => Math.sqrt(d.reduce((s, x) => s + x * x, 0) / d.length);

  it('on land, wider for a larger population, the same for the same seed', async () => {
    const world = { seed: 'frontier', spawnSpreadAbovePlayers: 0 };
    const small = joinCrowd(await createWorld(world), 50);
    const large = joinCrowd(await createWorld(world), 400);
    // The n-th player spawns over n x 64 tiles: the crowd's spread grows with the population.
    expect(rms(large)).toBeGreaterThan(rms(small) * 2);
    const again = joinCrowd(await createWorld(world), 50);
    expect(again).toEqual(small);
  }, 30_000);

  it('keeps small worlds together (spawnSpreadAbovePlayers) and can be turned off (spawnTilesPerPlayer 0)', async () => {
    const together = joinCrowd(await createWorld({ seed: 'frontier', spawnSpreadAbovePlayers: 60 }), 60);
    const off = joinCrowd(await createWorld({ seed: 'frontier', spawnTilesPerPlayer: 0 }), 120);
    const spread = joinCrowd(await createWorld({ seed: 'frontier', spawnSpreadAbovePlayers: 0 }), 60);
    // At the spawn point, players stand a few tiles apart; over 60 x 64 tiles, some 35 tiles out.
    expect(rms(together)).toBeLessThan(6);
    expect(rms(off)).toBeLessThan(8);
    expect(rms(spread)).toBeGreaterThan(12);
  }, 30_000);

  it('stops growing at maxStartAreaTiles', async () => {
    const capped = joinCrowd(
      await createWorld({ seed: 'frontier', spawnSpreadAbovePlayers: 0, maxStartAreaTiles: 1000 }),
      200,
    );
    // 1,000 tiles nearest the spawn point on open land: a disc of radius sqrt(1000 / pi) ~ 18.
    expect(Math.max(...capped)).toBeLessThan(20);
    expect(rms(capped)).toBeGreaterThan(8);
  }, 30_000);

  it('refuses options out of range', async () => {
    for (const bad of [
      { spawnTilesPerPlayer: -1 },
      { spawnSpreadAbovePlayers: -1 },
      { maxStartAreaTiles: 0 },
    ])
      await expect(createFrontier(bad)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
