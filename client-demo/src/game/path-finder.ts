/** What path finding needs to know about the world (tiles). */
export interface PathWorld {
  /** Whether a mover standing at the centre of tile (tx, ty) would be blocked. */
  tileBlocked(tx: number, ty: number, radius: number): boolean;
  /** Whether a circle of `radius` at (x, y) is blocked (for straight-line shortcuts). */
  blocked(x: number, y: number, radius: number): boolean;
}

/** Options of {@link findPath}. */
export interface FindPathOptions {
  /** The mover's radius, tiles. */
  readonly radius: number;
  /** Stop once within this distance of the target, tiles (0: reach its tile). @default 0 */
  readonly reach?: number;
  /**
   * Tiles the search may expand before giving up: bounds the work of a click on an unreachable
   * spot (an island, the far side of a lake).
   * @default 6000
   */
  readonly maxExpandedTiles?: number;
}

/** A point, tiles. */
export interface Waypoint {
  readonly x: number;
  readonly y: number;
}

const DIRS = [
  [1, 0, 1],
  [-1, 0, 1],
  [0, 1, 1],
  [0, -1, 1],
  [1, 1, Math.SQRT2],
  [1, -1, Math.SQRT2],
  [-1, 1, Math.SQRT2],
  [-1, -1, Math.SQRT2],
] as const;

/** A binary min-heap of node indexes by f score. */
class Heap {
  readonly #items: number[] = [];
  readonly #score: Map<number, number>;
  constructor(score: Map<number, number>) {
    this.#score = score;
  }
  get size(): number {
    return this.#items.length;
  }
  push(v: number): void {
    const a = this.#items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.#score.get(a[p]!)! <= this.#score.get(a[i]!)!) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.#items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.#score.get(a[l]!)! < this.#score.get(a[m]!)!) m = l;
        if (r < a.length && this.#score.get(a[r]!)! < this.#score.get(a[m]!)!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/** Packs tile coordinates relative to an origin into one integer. */
const KEY_SPAN = 1 << 15;
const key = (tx: number, ty: number) => (ty + KEY_SPAN) * (2 * KEY_SPAN) + (tx + KEY_SPAN);
const keyX = (k: number) => (k % (2 * KEY_SPAN)) - KEY_SPAN;
const keyY = (k: number) => Math.floor(k / (2 * KEY_SPAN)) - KEY_SPAN;

/**
 * A* over tiles (8-connected, no cutting corners past blocked tiles) from a point to within
 * `reach` of a target, then shortened by straight-line shortcuts where the way is clear.
 * Returns the waypoints after the start (the last one is the target itself when it is walkable,
 * else the reached tile's centre), or undefined when no path was found within `maxExpandedTiles`.
 *
 * @example
 * findPath(world, { x: 0.5, y: 0.5 }, { x: 9.5, y: 0.5 }, { radius: 0.3 }); // -> [{ x: 9.5, y: 0.5 }] on open ground
 */
export function findPath(
  world: PathWorld,
  from: Waypoint,
  to: Waypoint,
  options: FindPathOptions,
): Waypoint[] | undefined {
  const reach = options.reach ?? 0;
  const r = options.radius;
  const max = options.maxExpandedTiles ?? 6000;
  const sx = Math.floor(from.x);
  const sy = Math.floor(from.y);
  const gx = Math.floor(to.x);
  const gy = Math.floor(to.y);
  const ox = sx;
  const oy = sy;
  const done = (tx: number, ty: number) =>
    (tx === gx && ty === gy) || Math.hypot(tx + 0.5 - to.x, ty + 0.5 - to.y) <= reach;
  const h = (tx: number, ty: number) => {
    const dx = Math.abs(tx - gx);
    const dy = Math.abs(ty - gy);
    return Math.max(dx, dy) + (Math.SQRT2 - 1) * Math.min(dx, dy);
  };
  const g = new Map<number, number>();
  const f = new Map<number, number>();
  const parent = new Map<number, number>();
  const closed = new Set<number>();
  const open = new Heap(f);
  const start = key(sx - ox, sy - oy);
  g.set(start, 0);
  f.set(start, h(sx, sy));
  open.push(start);
  const blockedCache = new Map<number, boolean>();
  const blocked = (tx: number, ty: number) => {
    const k = key(tx - ox, ty - oy);
    let b = blockedCache.get(k);
    if (b === undefined) {
      b = world.tileBlocked(tx, ty, r);
      blockedCache.set(k, b);
    }
    return b;
  };
  let expanded = 0;
  let found: number | undefined;
  while (open.size > 0) {
    const cur = open.pop();
    if (closed.has(cur)) continue;
    closed.add(cur);
    const cx = keyX(cur) + ox;
    const cy = keyY(cur) + oy;
    if (done(cx, cy)) {
      found = cur;
      break;
    }
    if (++expanded > max) return undefined;
    for (const [dx, dy, cost] of DIRS) {
      const nx = cx + dx;
      const ny = cy + dy;
      const isGoal = nx === gx && ny === gy;
      // The target tile itself may be blocked (a tree): it is still a goal, never a way through.
      if (!isGoal && blocked(nx, ny)) continue;
      if (dx !== 0 && dy !== 0 && (blocked(cx + dx, cy) || blocked(cx, cy + dy))) continue;
      const nk = key(nx - ox, ny - oy);
      if (closed.has(nk)) continue;
      const ng = g.get(cur)! + cost;
      if (ng >= (g.get(nk) ?? Infinity)) continue;
      g.set(nk, ng);
      f.set(nk, ng + h(nx, ny));
      parent.set(nk, cur);
      open.push(nk);
    }
  }
  if (found === undefined) return undefined;
  const tiles: Waypoint[] = [];
  for (let k: number | undefined = found; k !== undefined && k !== start; k = parent.get(k))
    tiles.push({ x: keyX(k) + ox + 0.5, y: keyY(k) + oy + 0.5 });
  tiles.reverse();
  // The exact target when it can be stood on, rather than its tile's centre.
  if (tiles.length > 0 && reach === 0 && !world.blocked(to.x, to.y, r)) tiles[tiles.length - 1] = to;
  return smooth(world, from, tiles, r);
}

/** Whether the segment is clear for a circle of radius r (sampled every quarter tile). */
export function clearLine(world: PathWorld, a: Waypoint, b: Waypoint, r: number): boolean {
  const d = Math.hypot(b.x - a.x, b.y - a.y);
  const n = Math.max(1, Math.ceil(d / 0.25));
  for (let i = 1; i <= n; i++) {
    const t = i / n;
    if (world.blocked(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, r)) return false;
  }
  return true;
}

/** Drops waypoints that a straight line from an earlier one reaches anyway. */
function smooth(world: PathWorld, from: Waypoint, tiles: readonly Waypoint[], r: number): Waypoint[] {
  const out: Waypoint[] = [];
  let anchor = from;
  let i = 0;
  while (i < tiles.length) {
    let j = tiles.length - 1;
    while (j > i && !clearLine(world, anchor, tiles[j]!, r)) j--;
    out.push(tiles[j]!);
    anchor = tiles[j]!;
    i = j + 1;
  }
  return out;
}
