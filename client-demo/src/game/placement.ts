import { projectOnSite } from '../loop/project-site-marks';
import type { BuildingDefRow } from '../world/rows';
import type { WorldView } from '../world/world-view';

/** Why a site is refused; undefined reason means it can be placed. */
export interface PlacementCheck {
  readonly ok: boolean;
  readonly reason?: string;
}

/** What the placement check needs besides the view. */
export interface PlacementInput {
  readonly view: WorldView;
  readonly def: BuildingDefRow;
  /** Footprint top-left tile. */
  readonly x: number;
  readonly y: number;
  /** The local player's position (tiles). */
  readonly playerX: number;
  readonly playerY: number;
  /** Tile byte at a tile, -1 when unknown. */
  readonly tileAt: (x: number, y: number) => number;
  /** Item counts in the backpack. */
  readonly counts: ReadonlyMap<string, number>;
}

/** Distance from a point to a rectangle (0 inside). */
function distanceToRect(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = Math.max(x0 - px, 0, px - x1);
  const dy = Math.max(y0 - py, 0, py - y1);
  return Math.hypot(dx, dy);
}

/**
 * Checks a building site with the rules of the `place_building` reducer, on what the client
 * sees: within build range, every tile land, no building, resource node or player in the way,
 * and the cost in the backpack. The ghost turns red with the reason; the server decides anyway.
 *
 * @example
 * checkPlacement({ view, def, x: 10, y: 12, playerX: 11, playerY: 11, tileAt, counts }); // -> { ok: true }
 */
export function checkPlacement(input: PlacementInput): PlacementCheck {
  const { view, def, x, y } = input;
  const w = def.width;
  const hgt = def.height;
  const settings = view.table('settings').find(0);
  const range = settings?.buildRangeTiles ?? 6;
  const d = distanceToRect(input.playerX, input.playerY, x, y, x + w, y + hgt);
  if (d > range) return { ok: false, reason: 'Too far away' };
  const biomes = new Map(
    view
      .table('biome_def')
      .iter()
      .map((b) => [b.tile, b]),
  );
  for (let ty = y; ty < y + hgt; ty++)
    for (let tx = x; tx < x + w; tx++) {
      const tile = input.tileAt(tx, ty);
      const biome = biomes.get(tile);
      if (biome === undefined || biome.kind !== 'land')
        return {
          ok: false,
          reason: biome === undefined ? 'Unexplored ground' : `Cannot build on ${biome.name.toLowerCase()}`,
        };
    }
  const project = projectOnSite(view, x, y, w, hgt);
  if (project !== undefined) return { ok: false, reason: `${project} is built here` };
  for (const b of view.table('building').iter())
    if (b.x < x + w && b.x + b.width > x && b.y < y + hgt && b.y + b.height > y)
      return { ok: false, reason: 'Another building is in the way' };
  for (const n of view.table('resource_node').iter()) {
    if (n.x < x - 2 || n.x > x + w + 2 || n.y < y - 2 || n.y > y + hgt + 2) continue;
    const radius = view.table('resource_def').find(n.resourceId)?.radius ?? 0.5;
    if (distanceToRect(n.x, n.y, x, y, x + w, y + hgt) < radius)
      return { ok: false, reason: 'A resource is in the way' };
  }
  const pr = (settings?.playerRadiusTiles ?? 0.3) + 0.05;
  for (const p of view.table('avatar').iter()) {
    if (!p.online) continue;
    if (distanceToRect(p.x, p.y, x, y, x + w, y + hgt) < pr)
      return { ok: false, reason: `${p.name} is standing there` };
  }
  for (const c of view.table('building_cost').iter()) {
    if (c.buildingId !== def.id) continue;
    if ((input.counts.get(c.itemId) ?? 0) < c.quantity)
      return {
        ok: false,
        reason: `Needs ${c.quantity} ${view.table('item_def').find(c.itemId)?.name ?? c.itemId}`,
      };
  }
  return { ok: true };
}
