import type { FrontierDb } from './runtime';

/**
 * How far around a town project's site no resource node grows, tiles: a tile on the west, east
 * and north sides, and two on the south, where a tree's crown (drawn above its foot) would reach
 * over the site. It also leaves room to walk up and give.
 */
export const SITE_CLEARING = { west: 1, east: 1, north: 1, south: 2 } as const;

/** A project's site in world tiles (top-left corner and footprint), from its offset to the spawn point. */
export function projectSite(db: FrontierDb, projectId: string) {
  const def = db.project_def.find(projectId);
  const info = db.world_info.find(0);
  if (def === undefined || info === undefined) return undefined;
  return {
    x: Math.floor(info.spawnX) + def.siteDx,
    y: Math.floor(info.spawnY) + def.siteDy,
    width: def.width,
    height: def.height,
  };
}

/**
 * The clearings ({@link SITE_CLEARING}) around every project's site, as [x0, y0, x1, y1] tiles, for
 * terrain generation to keep nodes out of.
 */
export function siteClearings(db: FrontierDb): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (const def of db.project_def.iter()) {
    const s = projectSite(db, def.id);
    if (s === undefined) continue;
    out.push([
      s.x - SITE_CLEARING.west,
      s.y - SITE_CLEARING.north,
      s.x + s.width + SITE_CLEARING.east,
      s.y + s.height + SITE_CLEARING.south,
    ]);
  }
  return out;
}
