import { BufferImageSource, Container, Sprite, Texture } from 'pixi.js';
import type { TerrainChunkRow } from '../world/rows';
import type { BiomeLook } from './terrain-art';
import { paintChunk } from './terrain-art';
import { TERRAIN_TEXELS_PER_TILE, TILE_PX } from './tile-metrics';

/** Options of {@link TerrainLayer}. */
export interface TerrainLayerOptions {
  /** Side of a chunk in tiles (from `world_info`). */
  readonly chunkTiles: number;
  /** Biome looks by tile byte. */
  readonly biomes: readonly (BiomeLook | undefined)[];
  /**
   * Painted chunk textures kept after their chunk left the area of interest, so walking back and
   * forth does not repaint. Least recently removed go first.
   * @default 48
   */
  readonly maxCachedChunks?: number;
}

interface ChunkEntry {
  readonly id: number;
  readonly cx: number;
  readonly cy: number;
  readonly tiles: Uint8Array;
  readonly texture: Texture;
}

/**
 * The terrain: one sprite per subscribed chunk, textures painted once per chunk and cached.
 * Chunks come and go with the area-of-interest subscription (`add` / `remove`); the tile bytes
 * stay readable for collision prediction, the build ghost and the minimap.
 */
export class TerrainLayer {
  /** Add this to the scene, under everything else. */
  readonly container = new Container({ label: 'terrain' });
  readonly chunkTiles: number;
  readonly #biomes: readonly (BiomeLook | undefined)[];
  readonly #maxCached: number;
  /** Chunks in view, by chunk id. */
  readonly #live = new Map<number, { entry: ChunkEntry; sprite: Sprite }>();
  /** Chunks in view by packed chunk coordinates, for tile lookups. */
  readonly #byCoord = new Map<number, ChunkEntry>();
  /** Removed chunks kept for reuse, oldest first (Map keeps insertion order). */
  readonly #cache = new Map<number, ChunkEntry>();
  #painted = 0;

  constructor(options: TerrainLayerOptions) {
    this.chunkTiles = options.chunkTiles;
    this.#biomes = options.biomes;
    this.#maxCached = options.maxCachedChunks ?? 48;
  }

  /** Number of chunk bitmaps painted since creation (cache misses). */
  get paintedCount(): number {
    return this.#painted;
  }

  /** Number of chunks in view. */
  get chunkCount(): number {
    return this.#live.size;
  }

  /** Shows a chunk (replacing an older version of it). */
  add(row: TerrainChunkRow): void {
    this.remove(row.id);
    let entry = this.#cache.get(row.id);
    if (entry !== undefined && sameBytes(entry.tiles, row.tiles)) this.#cache.delete(row.id);
    else {
      if (entry !== undefined) this.#evict(row.id);
      entry = this.#paint(row);
    }
    const sprite = new Sprite({ texture: entry.texture, label: `chunk ${row.cx},${row.cy}` });
    const sizePx = this.chunkTiles * TILE_PX;
    sprite.position.set(row.cx * sizePx, row.cy * sizePx);
    sprite.scale.set(TILE_PX / TERRAIN_TEXELS_PER_TILE);
    this.container.addChild(sprite);
    this.#live.set(row.id, { entry, sprite });
    this.#byCoord.set(packChunk(row.cx, row.cy), entry);
  }

  /** Hides a chunk; its texture stays cached for a while. */
  remove(id: number): void {
    const live = this.#live.get(id);
    if (live === undefined) return;
    this.#live.delete(id);
    this.#byCoord.delete(packChunk(live.entry.cx, live.entry.cy));
    live.sprite.destroy();
    this.#cache.set(id, live.entry);
    while (this.#cache.size > this.#maxCached) this.#evict(this.#cache.keys().next().value!);
  }

  /** Removes every chunk. */
  clear(): void {
    for (const id of [...this.#live.keys()]) this.remove(id);
  }

  /** The tile byte at world tile coordinates, or -1 when that chunk is not in view. */
  tileAt(tileX: number, tileY: number): number {
    const n = this.chunkTiles;
    const tx = Math.floor(tileX);
    const ty = Math.floor(tileY);
    const cx = Math.floor(tx / n);
    const cy = Math.floor(ty / n);
    const entry = this.#byCoord.get(packChunk(cx, cy));
    if (entry === undefined) return -1;
    return entry.tiles[(ty - cy * n) * n + (tx - cx * n)]!;
  }

  /** Chunks in view: coordinates and tile bytes (for the minimap). */
  chunks(): { cx: number; cy: number; tiles: Uint8Array }[] {
    return [...this.#live.values()].map((l) => ({ cx: l.entry.cx, cy: l.entry.cy, tiles: l.entry.tiles }));
  }

  /** Frees every texture. */
  destroy(): void {
    this.clear();
    for (const id of [...this.#cache.keys()]) this.#evict(id);
    this.container.destroy();
  }

  #paint(row: TerrainChunkRow): ChunkEntry {
    const rgba = paintChunk({
      cx: row.cx,
      cy: row.cy,
      chunkTiles: this.chunkTiles,
      tiles: row.tiles,
      biomes: this.#biomes,
      tileOutside: (x, y) => this.tileAt(x, y),
    });
    const side = this.chunkTiles * TERRAIN_TEXELS_PER_TILE;
    const source = new BufferImageSource({
      resource: new Uint8Array(rgba.buffer),
      width: side,
      height: side,
      format: 'rgba8unorm',
      scaleMode: 'nearest',
      alphaMode: 'no-premultiply-alpha',
    });
    this.#painted++;
    return { id: row.id, cx: row.cx, cy: row.cy, tiles: row.tiles, texture: new Texture({ source }) };
  }

  #evict(id: number): void {
    const entry = this.#cache.get(id);
    if (entry === undefined) return;
    this.#cache.delete(id);
    entry.texture.destroy(true);
  }
}

/** Packs chunk coordinates (each below 2^16) into one map key. */
function packChunk(cx: number, cy: number): number {
  return cy * 65536 + cx;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
