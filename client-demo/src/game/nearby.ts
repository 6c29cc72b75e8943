import type { AvatarRow, BuildingRow, ResourceNodeRow } from '../world/rows';
import type { WorldView } from '../world/world-view';

/** How far the interact key reaches for a node or a building site, tiles. */
const INTERACT_RANGE_TILES = 4;

/** What the interact key acts on: the nearer of an unfinished building site and a node with something left. */
export type Interaction =
  | { readonly kind: 'site'; readonly building: BuildingRow }
  | { readonly kind: 'node'; readonly node: ResourceNodeRow };

/** The nearest thing to interact with from (x, y), within {@link INTERACT_RANGE_TILES}; a node wins a tie. */
export function nearestInteraction(view: WorldView, x: number, y: number): Interaction | undefined {
  let node: ResourceNodeRow | undefined;
  let nodeD = INTERACT_RANGE_TILES;
  for (const n of view.table('resource_node').iter()) {
    if (n.amount === 0) continue;
    const d = Math.hypot(n.x - x, n.y - y);
    if (d < nodeD) {
      nodeD = d;
      node = n;
    }
  }
  let site: BuildingRow | undefined;
  let siteD = INTERACT_RANGE_TILES;
  for (const b of view.table('building').iter()) {
    if (b.complete) continue;
    const d = Math.hypot(b.cx - x, b.cy - y);
    if (d < siteD) {
      siteD = d;
      site = b;
    }
  }
  if (site !== undefined && (node === undefined || siteD < nodeD)) return { kind: 'site', building: site };
  return node === undefined ? undefined : { kind: 'node', node };
}

/** The nearest other online player within `radius` tiles of (x, y). */
export function nearestPlayer(
  view: WorldView,
  self: string,
  x: number,
  y: number,
  radius: number,
): AvatarRow | undefined {
  let best: AvatarRow | undefined;
  let bestD = Infinity;
  for (const p of view.table('avatar').iter()) {
    if (p.identity === self || !p.online) continue;
    const d = Math.hypot(p.x - x, p.y - y);
    if (d <= radius && d < bestD) {
      bestD = d;
      best = p;
    }
  }
  return best;
}

/** The building whose footprint covers tile position (tx, ty) (half a tile of slack above, for its art). */
export function buildingAt(view: WorldView, tx: number, ty: number): BuildingRow | undefined {
  return view
    .table('building')
    .iter()
    .find((b) => tx >= b.x && tx < b.x + b.width && ty >= b.y - 0.5 && ty < b.y + b.height);
}
