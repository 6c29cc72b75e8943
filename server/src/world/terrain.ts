import seedrandom from 'seedrandom';
import type { ReadonlyDb } from '../engine';
import { fractalNoise, hashString } from './noise';
import type { FrontierTables } from './tables';

/** A biome as the generator and the physics see it. */
export interface TerrainBiome {
  readonly id: string;
  readonly tile: number;
  readonly kind: string;
  readonly speedFactor: number;
  readonly tMin: number;
  readonly tMax: number;
  readonly mMin: number;
  readonly mMax: number;
  /** Resource kinds that grow here, sorted by id, with their chance per tile. */
  readonly resources: readonly { readonly resourceId: string; readonly density: number }[];
}

/** Everything chunk generation depends on: the seed, the world's size and the biome content. */
export interface TerrainParams {
  readonly seed: string;
  readonly worldTiles: number;
  readonly chunkTiles: number;
  readonly chunksPerSide: number;
  readonly maxNodesPerChunk: number;
  readonly spawnX: number;
  readonly spawnY: number;
  readonly startRadiusTiles: number;
  /** Land biomes in tile order: the first whose climate window matches wins. */
  readonly land: readonly TerrainBiome[];
  readonly waterTile: number;
  readonly cliffTile: number;
  readonly startTile: number;
  /** Biome by tile byte. */
  readonly byTile: readonly (TerrainBiome | undefined)[];
  /** Whether a tile byte blocks movement (water, cliff, unknown). */
  readonly blockedTile: Uint8Array;
  /** Resource node radius by resource id. */
  readonly nodeRadius: ReadonlyMap<string, number>;
}

/** Elevation below this is water. */
const SEA_LEVEL = 0.35;
/** Elevation above this is a cliff (mountain core). */
const CLIFF_LEVEL = 0.75;
/** Tiles from the world's edge over which land sinks into the ocean. */
const EDGE_FALLOFF_TILES = 96;
/** Distance in tiles kept free of nodes around the spawn point, so nobody spawns inside a tree. */
const SPAWN_CLEAR_TILES = 3;

/**
 * Reads the generator's parameters from the content tables. Cheap (a few dozen rows), so callers
 * rebuild it per step rather than caching something that a content reload could make stale.
 */
export function terrainParams(
  db: ReadonlyDb<FrontierTables>,
  world: { seed: string; worldTiles: number; chunkTiles: number; maxNodesPerChunk: number },
): TerrainParams {
  const biomes = db.biome_def
    .iter()
    .sort((a, b) => a.tile - b.tile)
    .map((b): TerrainBiome => ({
      id: b.id,
      tile: b.tile,
      kind: b.kind,
      speedFactor: b.speedFactor,
      tMin: b.tMin,
      tMax: b.tMax,
      mMin: b.mMin,
      mMax: b.mMax,
      resources: db.biome_resource
        .filter('by_biome', b.id)
        .map((r) => ({ resourceId: r.resourceId, density: r.density }))
        .sort((x, y) => (x.resourceId < y.resourceId ? -1 : 1)),
    }));
  const settings = db.settings.find(0);
  const byTile: (TerrainBiome | undefined)[] = new Array(256).fill(undefined);
  const blockedTile = new Uint8Array(256).fill(1);
  for (const b of biomes) {
    byTile[b.tile] = b;
    blockedTile[b.tile] = b.kind === 'land' ? 0 : 1;
  }
  const land = biomes.filter((b) => b.kind === 'land');
  const start = biomes.find((b) => b.id === settings?.startBiome && b.kind === 'land') ?? land[0];
  const nodeRadius = new Map<string, number>();
  for (const r of db.resource_def.iter()) nodeRadius.set(r.id, r.radius);
  const half = world.worldTiles / 2;
  return {
    ...world,
    chunksPerSide: world.worldTiles / world.chunkTiles,
    spawnX: half,
    spawnY: half,
    startRadiusTiles: settings?.startRadiusTiles ?? 32,
    land,
    waterTile: biomes.find((b) => b.kind === 'water')?.tile ?? 0,
    cliffTile: biomes.find((b) => b.kind === 'cliff')?.tile ?? 1,
    startTile: start?.tile ?? 0,
    byTile,
    blockedTile,
    nodeRadius,
  };
}

/** Seeds of the noise fields, derived once per seed string. */
const seedCache = new Map<string, { elevation: number; temperature: number; moisture: number }>();
function noiseSeeds(seed: string) {
  let s = seedCache.get(seed);
  if (s === undefined) {
    s = {
      elevation: hashString(`${seed}/elevation`),
      temperature: hashString(`${seed}/temperature`),
      moisture: hashString(`${seed}/moisture`),
    };
    if (seedCache.size > 64) seedCache.clear();
    seedCache.set(seed, s);
  }
  return s;
}

/** The tile byte at world tile (tx, ty). Pure: a function of the parameters and the coordinates. */
export function classifyTile(p: TerrainParams, tx: number, ty: number): number {
  const seeds = noiseSeeds(p.seed);
  const x = tx + 0.5;
  const y = ty + 0.5;
  const W = p.worldTiles;
  let e = fractalNoise(x, y, 320, 5, seeds.elevation);
  // Stretch the noise's bunched-up middle so both seas and mountains appear.
  e = 0.5 + (e - 0.5) * 1.8;
  const edge = Math.min(x, y, W - x, W - y) / EDGE_FALLOFF_TILES;
  if (edge < 1) e *= edge * edge * (3 - 2 * edge);
  const dx = x - p.spawnX;
  const dy = y - p.spawnY;
  const d = Math.sqrt(dx * dx + dy * dy);
  const r = p.startRadiusTiles;
  if (d < r) return p.startTile;
  if (d < r * 2) {
    // A ring where the start biome fades into the wild, still free of water and cliffs.
    if (e < SEA_LEVEL + 0.03) e = SEA_LEVEL + 0.03;
    if (e > CLIFF_LEVEL - 0.03) e = CLIFF_LEVEL - 0.03;
  }
  if (e < SEA_LEVEL) return p.waterTile;
  if (e > CLIFF_LEVEL) return p.cliffTile;
  const temperature = Math.min(
    1,
    Math.max(0, 0.15 + 0.7 * (y / W) + (fractalNoise(x, y, 400, 3, seeds.temperature) - 0.5) * 0.6),
  );
  const moisture = Math.min(1, Math.max(0, 0.5 + (fractalNoise(x, y, 256, 4, seeds.moisture) - 0.5) * 1.8));
  const land = p.land;
  for (let i = 0; i < land.length; i++) {
    const b = land[i]!;
    if (temperature >= b.tMin && temperature <= b.tMax && moisture >= b.mMin && moisture <= b.mMax)
      return b.tile;
  }
  return land.length > 0 ? land[land.length - 1]!.tile : p.startTile;
}

/** Generates one chunk's tiles, row-major: `tiles[ly * chunkTiles + lx]`. */
export function generateChunkTiles(p: TerrainParams, cx: number, cy: number): Uint8Array {
  const n = p.chunkTiles;
  const tiles = new Uint8Array(n * n);
  const x0 = cx * n;
  const y0 = cy * n;
  for (let ly = 0; ly < n; ly++)
    for (let lx = 0; lx < n; lx++) tiles[ly * n + lx] = classifyTile(p, x0 + lx, y0 + ly);
  return tiles;
}

/** A resource node the generator places. */
export interface NodeSpec {
  readonly id: number;
  readonly resourceId: string;
  readonly x: number;
  readonly y: number;
}

/**
 * Places resource nodes in a chunk: per tile, one draw from a PRNG seeded by the world seed and the
 * chunk coordinates, against the biome's densities. Nodes keep a free tile between each other so
 * that paths stay open, and stay away from the spawn point.
 */
export function generateChunkNodes(p: TerrainParams, cx: number, cy: number, tiles: Uint8Array): NodeSpec[] {
  const n = p.chunkTiles;
  const rng = seedrandom.alea(`${p.seed}/nodes/${cx}/${cy}`);
  const taken = new Uint8Array(n * n);
  const chunkId = cy * p.chunksPerSide + cx;
  const out: NodeSpec[] = [];
  for (let ly = 0; ly < n; ly++) {
    for (let lx = 0; lx < n; lx++) {
      const roll = rng();
      const jitterX = rng() - 0.5;
      const jitterY = rng() - 0.5;
      if (out.length >= p.maxNodesPerChunk) continue;
      const biome = p.byTile[tiles[ly * n + lx]!];
      if (biome === undefined || biome.kind !== 'land' || taken[ly * n + lx] === 1) continue;
      let acc = 0;
      let pick: string | undefined;
      for (const r of biome.resources) {
        acc += r.density;
        if (roll < acc) {
          pick = r.resourceId;
          break;
        }
      }
      if (pick === undefined) continue;
      const radius = p.nodeRadius.get(pick) ?? 0.5;
      const tx = cx * n + lx;
      const ty = cy * n + ly;
      const sx = tx + 0.5 - p.spawnX;
      const sy = ty + 0.5 - p.spawnY;
      if (sx * sx + sy * sy < SPAWN_CLEAR_TILES * SPAWN_CLEAR_TILES) continue;
      // Nodes sit inside their tile: a jitter of at most (0.5 - radius) keeps them off the neighbours.
      const room = Math.max(0, 0.5 - radius);
      out.push({
        id: chunkId * p.maxNodesPerChunk + out.length,
        resourceId: pick,
        x: tx + 0.5 + jitterX * room,
        y: ty + 0.5 + jitterY * room,
      });
      for (let oy = -1; oy <= 1; oy++)
        for (let ox = -1; ox <= 1; ox++) {
          const nx = lx + ox;
          const ny = ly + oy;
          if (nx >= 0 && ny >= 0 && nx < n && ny < n) taken[ny * n + nx] = 1;
        }
    }
  }
  return out;
}
