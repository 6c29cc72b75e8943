import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine';
import {
  createFrontier,
  generateChunkNodes,
  generateChunkTiles,
  terrainParams,
  type TerrainParams,
} from '../../src/world';
import { hash2, valueNoise } from '../../src/world/noise';
import { createWorld } from './helpers';

/** Terrain parameters of the default 4096 x 4096 world, read from a fresh engine's content tables. */
async function defaultParams(seed = 'frontier'): Promise<TerrainParams> {
  const frontier = await createFrontier({ seed });
  const engine = createEngine({ module: frontier.module, seed });
  engine.runTick();
  return terrainParams(engine.db, {
    seed,
    worldTiles: frontier.options.worldTiles,
    chunkTiles: 32,
    maxNodesPerChunk: 128,
  });
}

describe('terrain', () => {
  it('defaults to a 4096 x 4096 world of 32 x 32 chunks', async () => {
    const frontier = await createFrontier();
    expect(frontier.options).toMatchObject({ worldTiles: 4096, chunkTiles: 32, seed: 'frontier' });
    const engine = createEngine({ module: frontier.module, seed: 'x' });
    engine.runTick();
    expect(engine.db.world_info.find(0)).toMatchObject({
      worldTiles: 4096,
      chunkTiles: 32,
      spawnX: 2048,
      spawnY: 2048,
    });
    // Init generates the chunks around the spawn point, not the whole world.
    expect(engine.db.terrain_chunk.count()).toBe((2 * frontier.options.aoiChunks + 1) ** 2);
  });

  it('is a pure function of the seed and coordinates, anywhere in the world (property)', async () => {
    const p = await defaultParams();
    const q = await defaultParams();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 127 }), fc.integer({ min: 0, max: 127 }), (cx, cy) => {
        const a = generateChunkTiles(p, cx, cy);
        expect(generateChunkTiles(q, cx, cy)).toEqual(a);
        expect(generateChunkNodes(q, cx, cy, a)).toEqual(generateChunkNodes(p, cx, cy, a));
      }),
      { numRuns: 25, seed: 11 },
    );
  });

  it('has every biome, water and cliffs somewhere, with ocean along the edges', async () => {
    const p = await defaultParams();
    const seen = new Set<number>();
    for (let cy = 0; cy < 128; cy += 9)
      for (let cx = 0; cx < 128; cx += 9) for (const t of generateChunkTiles(p, cx, cy)) seen.add(t);
    expect([...seen].sort((a, b) => a - b)).toEqual(
      p.byTile.flatMap((b) => (b === undefined ? [] : [b.tile])),
    );
    expect(new Set(generateChunkTiles(p, 0, 0))).toEqual(new Set([p.waterTile]));
    expect(new Set(generateChunkTiles(p, 127, 64))).toEqual(new Set([p.waterTile]));
  });

  it('places the start biome, free of water and cliffs, around the spawn point', async () => {
    const p = await defaultParams('another-seed');
    const start = p.startRadiusTiles;
    for (let cy = Math.floor((p.spawnY - start) / 32); cy <= Math.floor((p.spawnY + start) / 32); cy++)
      for (let cx = Math.floor((p.spawnX - start) / 32); cx <= Math.floor((p.spawnX + start) / 32); cx++) {
        const tiles = generateChunkTiles(p, cx, cy);
        tiles.forEach((t, i) => {
          const x = cx * 32 + (i % 32) + 0.5;
          const y = cy * 32 + Math.floor(i / 32) + 0.5;
          if (Math.hypot(x - p.spawnX, y - p.spawnY) < start) expect(t).toBe(p.startTile);
        });
      }
  });

  it('places resource nodes on land, one per tile with a free ring, with unique ids in their chunk range (property)', async () => {
    const p = await defaultParams();
    fc.assert(
      fc.property(fc.integer({ min: 40, max: 87 }), fc.integer({ min: 40, max: 87 }), (cx, cy) => {
        const tiles = generateChunkTiles(p, cx, cy);
        const nodes = generateChunkNodes(p, cx, cy, tiles);
        const base = (cy * p.chunksPerSide + cx) * p.maxNodesPerChunk;
        const ids = new Set(nodes.map((n) => n.id));
        expect(ids.size).toBe(nodes.length);
        for (const n of nodes) {
          expect(n.id).toBeGreaterThanOrEqual(base);
          expect(n.id).toBeLessThan(base + p.maxNodesPerChunk);
          const lx = Math.floor(n.x) - cx * 32;
          const ly = Math.floor(n.y) - cy * 32;
          expect(p.byTile[tiles[ly * 32 + lx]!]!.kind).toBe('land');
          const r = p.nodeRadius.get(n.resourceId)!;
          // Inside its tile.
          expect(n.x - r).toBeGreaterThanOrEqual(Math.floor(n.x) - 1e-6);
          expect(n.x + r).toBeLessThanOrEqual(Math.floor(n.x) + 1 + 1e-6);
          for (const m of nodes)
            if (m !== n)
              expect(
                Math.max(
                  Math.abs(Math.floor(m.x) - Math.floor(n.x)),
                  Math.abs(Math.floor(m.y) - Math.floor(n.y)),
                ),
              ).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 30, seed: 5 },
    );
  });

  it('respects maxNodesPerChunk', async () => {
    const w = await createWorld({ seed: 'test-world', worldTiles: 512, maxNodesPerChunk: 3 });
    const perChunk = new Map<number, number>();
    for (const n of w.db.resource_node.iter()) {
      const chunk = Math.floor(n.id / 3);
      perChunk.set(chunk, (perChunk.get(chunk) ?? 0) + 1);
    }
    expect(Math.max(...perChunk.values())).toBe(3);
  });

  it('puts gatherable basics within 30 tiles of the spawn point', async () => {
    const w = await createWorld();
    const info = w.db.world_info.find(0)!;
    const near = new Set(
      w.db.resource_node.withinRadius(info.spawnX, info.spawnY, 30).map((n) => n.resourceId),
    );
    for (const kind of [
      'fallen_branch',
      'fiber_grass',
      'loose_stones',
      'flint_nodule',
      'oak_tree',
      'berry_bush',
    ])
      expect(near).toContain(kind);
  });

  it('rejects bad world options', async () => {
    await expect(createFrontier({ worldTiles: 1000 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createFrontier({ chunkTiles: 4 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(createFrontier({ worldTiles: 65_536, maxNodesPerChunk: 1024 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});

describe('noise', () => {
  it('stays in [0, 1) and is continuous (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (x, y, seed) => {
          const v = valueNoise(x, y, seed);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThan(1);
          expect(Math.abs(valueNoise(x + 1e-4, y, seed) - v)).toBeLessThan(1e-2);
          expect(hash2(Math.floor(x), Math.floor(y), seed)).toBe(hash2(Math.floor(x), Math.floor(y), seed));
        },
      ),
      { numRuns: 200, seed: 1 },
    );
  });
});
