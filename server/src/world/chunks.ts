import { siteClearings } from './project-sites';
import type { FrontierRuntime, FrontierDb } from './runtime';
import { generateChunkNodes, generateChunkTiles, type TerrainParams } from './terrain';

/**
 * Terrain is generated lazily, one chunk at a time, inside the reducer that first needs it (a join,
 * a physics step that carries a player into a new chunk). The result is a pure function of the
 * seed, the coordinates and the biome content, and it is written to the tables, so subscriptions
 * deliver it and replays re-create it identically.
 */

/** The chunk id of a tile position (clamped to the world). */
export function chunkIdAt(
  p: Pick<TerrainParams, 'chunkTiles' | 'chunksPerSide'>,
  x: number,
  y: number,
): number {
  const cx = Math.min(p.chunksPerSide - 1, Math.max(0, Math.floor(x / p.chunkTiles)));
  const cy = Math.min(p.chunksPerSide - 1, Math.max(0, Math.floor(y / p.chunkTiles)));
  return cy * p.chunksPerSide + cx;
}

/** Generates and stores one chunk (tiles and resource nodes) unless it exists. Returns whether it was created. */
export function materializeChunk(db: FrontierDb, p: TerrainParams, cx: number, cy: number): boolean {
  if (cx < 0 || cy < 0 || cx >= p.chunksPerSide || cy >= p.chunksPerSide) return false;
  const id = cy * p.chunksPerSide + cx;
  if (db.terrain_chunk.has(id)) return false;
  const n = p.chunkTiles;
  const tiles = generateChunkTiles(p, cx, cy);
  db.terrain_chunk.insert({ id, cx, cy, x: cx * n + n / 2, y: cy * n + n / 2, tiles });
  const clearings = siteClearings(db);
  for (const node of generateChunkNodes(p, cx, cy, tiles)) {
    // Nothing grows on a town project's site or close around it (see SITE_CLEARING).
    if (clearings.some(([x0, y0, x1, y1]) => node.x > x0 && node.x < x1 && node.y > y0 && node.y < y1))
      continue;
    const def = db.resource_def.find(node.resourceId);
    db.resource_node.insert({
      id: node.id,
      resourceId: node.resourceId,
      x: node.x,
      y: node.y,
      amount: def?.amount ?? 1,
      respawnAtMs: 0,
    });
  }
  return true;
}

/**
 * Ensures every chunk within `radius` chunks (a square) of the chunk holding (x, y) exists.
 * `params` is built only if some chunk is missing.
 */
export function ensureChunksAround(
  db: FrontierDb,
  rt: FrontierRuntime,
  params: () => TerrainParams,
  x: number,
  y: number,
  radius: number,
): number {
  const { chunkTiles, worldTiles } = rt.options;
  const per = worldTiles / chunkTiles;
  const ccx = Math.min(per - 1, Math.max(0, Math.floor(x / chunkTiles)));
  const ccy = Math.min(per - 1, Math.max(0, Math.floor(y / chunkTiles)));
  let created = 0;
  let p: TerrainParams | undefined;
  for (let cy = ccy - radius; cy <= ccy + radius; cy++) {
    for (let cx = ccx - radius; cx <= ccx + radius; cx++) {
      if (cx < 0 || cy < 0 || cx >= per || cy >= per || db.terrain_chunk.has(cy * per + cx)) continue;
      p ??= params();
      if (materializeChunk(db, p, cx, cy)) created++;
    }
  }
  return created;
}

/**
 * Records that what blocks movement changed over a tile rectangle (a building placed or removed):
 * every chunk whose physics region (chunk plus margin) overlaps it gets `rev = tick`.
 */
export function touchBlockers(
  db: FrontierDb,
  rt: FrontierRuntime,
  tick: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  margin: number,
): void {
  const { chunkTiles, worldTiles } = rt.options;
  const per = worldTiles / chunkTiles;
  const a = Math.max(0, Math.floor((x0 - margin) / chunkTiles));
  const b = Math.min(per - 1, Math.floor((x1 + margin) / chunkTiles));
  const c = Math.max(0, Math.floor((y0 - margin) / chunkTiles));
  const d = Math.min(per - 1, Math.floor((y1 + margin) / chunkTiles));
  for (let cy = c; cy <= d; cy++)
    for (let cx = a; cx <= b; cx++) {
      const id = cy * per + cx;
      const row = db.chunk_rev.find(id);
      if (row === undefined) db.chunk_rev.insert({ id, rev: tick });
      else if (row.rev !== tick) db.chunk_rev.update({ id, rev: tick });
    }
}

/** Distance from a point to an axis-aligned rectangle (0 inside). */
export function distanceToRect(
  px: number,
  py: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): number {
  const dx = Math.max(x0 - px, 0, px - x1);
  const dy = Math.max(y0 - py, 0, py - y1);
  return Math.sqrt(dx * dx + dy * dy);
}
