/**
 * Scale constants shared by the renderer, the input and the UI: the server works in tiles, the
 * scene graph in world pixels.
 */

/** World pixels per tile at zoom 1. */
export const TILE_PX = 16;
/** Texture pixels per tile in terrain chunk bitmaps (drawn at TILE_PX / TERRAIN_TEXELS_PER_TILE scale). */
export const TERRAIN_TEXELS_PER_TILE = 8;
