import { describe, expect, it } from 'vitest';
import { buildingDepth, overlayDepth, standingDepth } from '../../src/render/depth';
import { TILE_PX } from '../../src/render/tile-metrics';

const foot = (yTiles: number) => standingDepth(yTiles * TILE_PX);

describe('draw order', () => {
  // The town square: a 4x4 site players walk over (blocks false), at tiles (518..522, 500..504).
  const square = { y: 500, height: 4 };
  // A cabin: a 4x3 footprint that blocks, at tiles (y 500..503).
  const cabin = { y: 500, height: 3 };

  it('a player anywhere on a building they walk over draws above it', () => {
    for (const y of [500.05, 501, 502.5, 503.95])
      expect(foot(y)).toBeGreaterThan(buildingDepth(square, false));
  });

  it('a building players walk over lies under everything standing, even far behind it', () => {
    expect(buildingDepth(square, false)).toBeLessThan(foot(0));
    expect(buildingDepth({ y: 4000, height: 4 }, false)).toBeLessThan(foot(0));
  });

  it('a blocking building sorts by its bottom edge: in front of a player behind it, behind one in front', () => {
    expect(foot(499.7)).toBeLessThan(buildingDepth(cabin, true));
    expect(foot(503.3)).toBeGreaterThan(buildingDepth(cabin, true));
  });

  it('labels and bars draw above everything standing', () => {
    expect(overlayDepth(0)).toBeGreaterThan(foot(4095));
    expect(overlayDepth(0)).toBeGreaterThan(buildingDepth({ y: 4090, height: 6 }, true));
    expect(overlayDepth(foot(10))).toBeGreaterThan(overlayDepth(foot(9)));
  });
});
