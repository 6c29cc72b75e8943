import { parseColor } from '../render/colors';
import type { Scene } from '../render/scene';
import type { BiomeLook } from '../render/terrain-art';
import { TerrainLayer } from '../render/terrain-layer';
import type { Unsubscribe, WorldView } from '../world/world-view';
import { CollisionWorld } from './collision-world';

/** The terrain as the game sees it: drawn chunks, what blocks movement, and the biomes' looks. */
export interface WorldLayers {
  readonly terrain: TerrainLayer;
  readonly collision: CollisionWorld;
  /** Biome look by tile value (the minimap draws with it too). */
  readonly biomes: readonly (BiomeLook | undefined)[];
  /** Removes the chunk listeners. */
  readonly off: Unsubscribe;
}

/**
 * Builds the terrain layer from the `terrain_chunk` rows (kept in step with inserts, updates and
 * deletes) and the collision world over it, with each biome's walkability and speed.
 */
export function createWorldLayers(view: WorldView, scene: Scene): WorldLayers {
  const biomes: (BiomeLook | undefined)[] = [];
  const speedByTile: number[] = [];
  for (const b of view.table('biome_def').iter()) {
    biomes[b.tile] = { id: b.id, kind: b.kind, color: parseColor(b.color) };
    speedByTile[b.tile] = b.speedFactor;
  }
  const info = view.table('world_info').find(0);
  const terrain = new TerrainLayer({ chunkTiles: info?.chunkTiles ?? 32, biomes });
  scene.terrain.addChild(terrain.container);
  const chunks = view.table('terrain_chunk');
  for (const c of chunks.iter()) terrain.add(c);
  const offs = [
    chunks.onInsert((c) => terrain.add(c)),
    chunks.onUpdate((_o, c) => terrain.add(c)),
    chunks.onDelete((c) => terrain.remove(c.id)),
  ];
  const collision = new CollisionWorld({
    view,
    tileAt: (tx, ty) => terrain.tileAt(tx, ty),
    walkable: (tile) => biomes[tile]?.kind === 'land',
    speedOf: (tile) => speedByTile[tile] ?? 1,
  });
  return {
    terrain,
    collision,
    biomes,
    off: () => {
      for (const o of offs) o();
    },
  };
}
