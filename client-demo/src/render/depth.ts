import { TILE_PX } from './tile-metrics';

/**
 * Draw order of everything in the entity layer, as one rule: what stands up (players, resource
 * nodes, blocking buildings) sorts by the y of its foot, so the nearer (lower on screen) overlaps
 * the farther; what lies flat on the ground (a building players walk over, such as the town
 * square's paving, its well and hall, or a flower bed) sorts beneath everything standing, in its
 * own band, since a player on it stands on top of it wherever their foot is; labels and progress
 * bars sort above everything.
 */
export const DEPTH_BANDS = {
  /** Offset of the flat band: below any foot (feet are at y >= 0 px and well under 1e6 px). */
  GROUND: -1e6,
  /** Offset of the label band (name labels, progress bars): above any foot. */
  OVERLAY: 1e7,
} as const;

/**
 * The depth of something standing with its foot at `footYPx` (pixels).
 * @example
 * standingDepth(320); // -> 320
 */
export function standingDepth(footYPx: number): number {
  return footYPx;
}

/**
 * The depth of a building: its footprint's bottom edge, in the ground band when players walk over
 * it (`blocks` false).
 * @example
 * buildingDepth({ y: 10, height: 4 }, true); // -> 224
 * buildingDepth({ y: 10, height: 4 }, false); // -> -999776
 */
export function buildingDepth(b: { readonly y: number; readonly height: number }, blocks: boolean): number {
  const bottom = (b.y + b.height) * TILE_PX;
  return blocks ? bottom : DEPTH_BANDS.GROUND + bottom;
}

/**
 * The depth of a label or a progress bar belonging to something at `footYPx`.
 * @example
 * overlayDepth(320); // -> 10000320
 */
export function overlayDepth(footYPx: number): number {
  return DEPTH_BANDS.OVERLAY + footYPx;
}
