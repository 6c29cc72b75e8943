import { classifyTile, type TerrainParams } from './terrain';

/**
 * The start area: the land tiles reachable on foot from the spawn point, nearest first. A
 * population of N players spawns over the first `N x spawnTilesPerPlayer` of them, so the start
 * area's size grows with the population and players per square tile at the start stay the same;
 * its radius grows with the square root of the population where the land is open, and it follows
 * the coast where it is not (it never crosses water or cliffs, so every spawn tile is reachable).
 *
 * A pure function of the terrain parameters: tiles are classified with {@link classifyTile}, and
 * ties in distance are broken by tile index, so two engines (a live world and its replay) grow the
 * same area. Instances only cache work; nothing here is a source of truth.
 */
export class StartArea {
  readonly #p: TerrainParams;
  /** Tiles seen so far (queued, taken or blocked), by index `ty * worldTiles + tx`. */
  readonly #seen = new Set<number>();
  /** Taken tiles, nearest first. */
  #order = new Int32Array(1024);
  #size = 0;
  /** A binary min-heap of the frontier: keys are doubled squared distances, then tile index. */
  #heapKey: number[] = [];
  #heapTile: number[] = [];
  readonly #sx2: number;
  readonly #sy2: number;

  constructor(p: TerrainParams) {
    this.#p = p;
    this.#sx2 = Math.round(p.spawnX * 2);
    this.#sy2 = Math.round(p.spawnY * 2);
    const tx = Math.floor(p.spawnX);
    const ty = Math.floor(p.spawnY);
    this.#visit(tx, ty);
  }

  /** Tiles taken so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Grows the area to `tiles` tiles (or to every reachable tile, if fewer) and returns its size.
   * Costs one tile classification per tile taken plus its blocked neighbours, once per instance.
   */
  grow(tiles: number): number {
    while (this.#size < tiles && this.#heapKey.length > 0) {
      const tile = this.#pop();
      if (this.#size === this.#order.length) {
        const next = new Int32Array(this.#order.length * 2);
        next.set(this.#order);
        this.#order = next;
      }
      this.#order[this.#size++] = tile;
      const W = this.#p.worldTiles;
      const tx = tile % W;
      const ty = (tile - tx) / W;
      this.#visit(tx + 1, ty);
      this.#visit(tx - 1, ty);
      this.#visit(tx, ty + 1);
      this.#visit(tx, ty - 1);
    }
    return this.#size;
  }

  /** The tile at position `i` (0 = nearest the spawn point) of the area, as tile coordinates. */
  tile(i: number): { tx: number; ty: number } {
    if (!(i >= 0 && i < this.#size)) throw new RangeError(`start area tile ${i} of ${this.#size}`);
    const W = this.#p.worldTiles;
    const tile = this.#order[i]!;
    const tx = tile % W;
    return { tx, ty: (tile - tx) / W };
  }

  #visit(tx: number, ty: number): void {
    const W = this.#p.worldTiles;
    if (tx < 0 || ty < 0 || tx >= W || ty >= W) return;
    const tile = ty * W + tx;
    if (this.#seen.has(tile)) return;
    this.#seen.add(tile);
    if (this.#p.blockedTile[classifyTile(this.#p, tx, ty)] === 1) return;
    const dx = 2 * tx + 1 - this.#sx2;
    const dy = 2 * ty + 1 - this.#sy2;
    this.#push(dx * dx + dy * dy, tile);
  }

  #less(a: number, b: number): boolean {
    const ka = this.#heapKey[a]!;
    const kb = this.#heapKey[b]!;
    return ka < kb || (ka === kb && this.#heapTile[a]! < this.#heapTile[b]!);
  }

  #swap(a: number, b: number): void {
    const k = this.#heapKey[a]!;
    const t = this.#heapTile[a]!;
    this.#heapKey[a] = this.#heapKey[b]!;
    this.#heapTile[a] = this.#heapTile[b]!;
    this.#heapKey[b] = k;
    this.#heapTile[b] = t;
  }

  #push(key: number, tile: number): void {
    this.#heapKey.push(key);
    this.#heapTile.push(tile);
    let i = this.#heapKey.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #pop(): number {
    const top = this.#heapTile[0]!;
    const lastKey = this.#heapKey.pop()!;
    const lastTile = this.#heapTile.pop()!;
    const n = this.#heapKey.length;
    if (n > 0) {
      this.#heapKey[0] = lastKey;
      this.#heapTile[0] = lastTile;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < n && this.#less(l, m)) m = l;
        if (r < n && this.#less(r, m)) m = r;
        if (m === i) break;
        this.#swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/**
 * What a start area depends on, as one text: two parameter sets with the same key grow the same
 * area (the land biomes' climate windows only pick which land tile a tile is, never whether it
 * blocks).
 */
export function startAreaKey(p: TerrainParams): string {
  const open: number[] = [];
  for (let tile = 0; tile < 256; tile++) if (p.blockedTile[tile] === 0) open.push(tile);
  return `${p.seed}|${p.worldTiles}|${p.spawnX},${p.spawnY}|${p.startRadiusTiles}|${p.startTile}|${p.waterTile},${p.cliffTile}|${p.land.length > 0 ? p.land[p.land.length - 1]!.tile : -1}|${open.join(',')}`;
}
