import type { Unsubscribe, WorldView } from '../world/world-view';
import type { PredictionWorld } from './prediction';

/** A blocking circle (a resource node that `blocks`). */
interface Circle {
  readonly x: number;
  readonly y: number;
  readonly r: number;
}

/** A blocking rectangle (a building footprint), tiles. */
interface Rect {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** Options of {@link CollisionWorld}. */
export interface CollisionWorldOptions {
  readonly view: WorldView;
  /** Tile byte at a tile, -1 when unknown. */
  readonly tileAt: (tx: number, ty: number) => number;
  /** Whether a tile byte can be walked on (land). */
  readonly walkable: (tile: number) => boolean;
  /** Speed factor of a tile byte (the biome's `speedFactor`). @default 1 everywhere */
  readonly speedOf?: (tile: number) => number;
}

/**
 * What blocks movement on the client, as close to the server's physics as the client can see:
 * water and cliff tiles, blocking resource nodes (circles) and blocking buildings (rectangles).
 * Used by prediction (circle tests) and by path finding (tile tests). Unknown ground does not
 * block: the server decides there. Obstacles are bucketed by tile and rebuilt lazily when their
 * tables change.
 */
export class CollisionWorld implements PredictionWorld {
  readonly #view: WorldView;
  readonly #tileAt: (tx: number, ty: number) => number;
  readonly #walkable: (tile: number) => boolean;
  readonly #speedOf: (tile: number) => number;
  /** Obstacles by the tiles they overlap (packed tile key). */
  #buckets = new Map<number, (Circle | Rect)[]>();
  #dirty = true;
  readonly #offs: Unsubscribe[] = [];

  constructor(options: CollisionWorldOptions) {
    this.#view = options.view;
    this.#tileAt = options.tileAt;
    this.#walkable = options.walkable;
    this.#speedOf = options.speedOf ?? (() => 1);
    const mark = () => void (this.#dirty = true);
    for (const t of ['resource_node', 'building', 'resource_def', 'building_def'] as const) {
      const table = this.#view.table(t);
      this.#offs.push(table.onInsert(mark), table.onUpdate(mark), table.onDelete(mark));
    }
  }

  /** Whether a circle of radius `r` at (x, y) overlaps a blocked tile or obstacle. */
  blocked(x: number, y: number, r: number): boolean {
    const tx0 = Math.floor(x - r);
    const tx1 = Math.floor(x + r);
    const ty0 = Math.floor(y - r);
    const ty1 = Math.floor(y + r);
    for (let ty = ty0; ty <= ty1; ty++)
      for (let tx = tx0; tx <= tx1; tx++) {
        const tile = this.#tileAt(tx, ty);
        if (tile >= 0 && !this.#walkable(tile)) return true;
      }
    const buckets = this.#index();
    for (let ty = ty0; ty <= ty1; ty++)
      for (let tx = tx0; tx <= tx1; tx++) {
        const list = buckets.get(pack(tx, ty));
        if (list === undefined) continue;
        for (const o of list) if (overlaps(o, x, y, r)) return true;
      }
    return false;
  }

  /** The terrain's speed factor under (x, y), as the server's physics step applies it. */
  speedFactor(x: number, y: number): number {
    const tile = this.#tileAt(Math.floor(x), Math.floor(y));
    return tile < 0 ? 1 : this.#speedOf(tile);
  }

  /** Whether a player of radius `r` standing at the tile's centre would be blocked. */
  tileBlocked(tx: number, ty: number, r: number): boolean {
    return this.blocked(tx + 0.5, ty + 0.5, r);
  }

  /** Removes the table listeners. */
  destroy(): void {
    for (const o of this.#offs) o();
  }

  #index(): Map<number, (Circle | Rect)[]> {
    if (!this.#dirty) return this.#buckets;
    this.#dirty = false;
    const buckets = new Map<number, (Circle | Rect)[]>();
    const add = (o: Circle | Rect, x0: number, y0: number, x1: number, y1: number) => {
      for (let ty = Math.floor(y0); ty <= Math.floor(y1); ty++)
        for (let tx = Math.floor(x0); tx <= Math.floor(x1); tx++) {
          const k = pack(tx, ty);
          const list = buckets.get(k);
          if (list === undefined) buckets.set(k, [o]);
          else list.push(o);
        }
    };
    const resDefs = this.#view.table('resource_def');
    for (const n of this.#view.table('resource_node').iter()) {
      const def = resDefs.find(n.resourceId);
      if (def === undefined || !def.blocks) continue;
      const c: Circle = { x: n.x, y: n.y, r: def.radius };
      // Bucketed one tile wider than the circle: a mover's own radius reaches into neighbours.
      add(c, n.x - def.radius - 1, n.y - def.radius - 1, n.x + def.radius + 1, n.y + def.radius + 1);
    }
    const buildingDefs = this.#view.table('building_def');
    for (const b of this.#view.table('building').iter()) {
      if (buildingDefs.find(b.buildingId)?.blocks === false) continue;
      const rect: Rect = { x0: b.x, y0: b.y, x1: b.x + b.width, y1: b.y + b.height };
      add(rect, b.x - 1, b.y - 1, b.x + b.width + 1, b.y + b.height + 1);
    }
    this.#buckets = buckets;
    return buckets;
  }
}

function pack(tx: number, ty: number): number {
  // Tiles are within [0, 65536) in any Frontier world.
  return (ty & 0xffff) * 65536 + (tx & 0xffff);
}

function overlaps(o: Circle | Rect, x: number, y: number, r: number): boolean {
  if ('r' in o) {
    const rr = o.r + r;
    const dx = x - o.x;
    const dy = y - o.y;
    return dx * dx + dy * dy < rr * rr;
  }
  const dx = Math.max(o.x0 - x, 0, x - o.x1);
  const dy = Math.max(o.y0 - y, 0, y - o.y1);
  return dx * dx + dy * dy < r * r;
}
