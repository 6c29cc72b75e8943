import type { WorldView } from '../world/world-view';

/** Where a project's site is, tiles (top-left and size), from its offset to the spawn point. */
export function projectSite(view: WorldView, projectId: string) {
  const def = view.table('project_def').find(projectId);
  const info = view.table('world_info').find(0);
  if (def === undefined || info === undefined) return undefined;
  return {
    x: Math.floor(info.spawnX) + def.siteDx,
    y: Math.floor(info.spawnY) + def.siteDy,
    width: def.width,
    height: def.height,
  };
}

/**
 * Draws every town project's site on the minimap as a gold outline (what it looks like before the
 * first stage raises a building there); `ox`, `oy` are the map's top-left in tiles.
 */
export function drawProjectSites(
  g: CanvasRenderingContext2D,
  view: WorldView,
  ox: number,
  oy: number,
  scale: number,
): void {
  g.strokeStyle = '#f5c542';
  g.lineWidth = 1.5;
  for (const def of view.table('project_def').iter()) {
    const site = projectSite(view, def.id);
    if (site === undefined) continue;
    g.strokeRect(
      (site.x - ox) * scale,
      (site.y - oy) * scale,
      Math.max(3, site.width * scale),
      Math.max(3, site.height * scale),
    );
  }
}

/** Whether a building kind is raised by a town project (players cannot place it). */
export function isProjectBuilding(view: WorldView, kind: string): boolean {
  return view
    .table('project_stage')
    .iter()
    .some((s) => s.buildingId === kind);
}

/** The name of the town project whose site a footprint overlaps, if any. */
export function projectOnSite(
  view: WorldView,
  x: number,
  y: number,
  w: number,
  h: number,
): string | undefined {
  for (const def of view.table('project_def').iter()) {
    const s = projectSite(view, def.id);
    if (s !== undefined && s.x < x + w && s.x + s.width > x && s.y < y + h && s.y + s.height > y)
      return def.name;
  }
  return undefined;
}
