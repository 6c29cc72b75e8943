import RAPIER_PINNED from '@dimforge/rapier2d-deterministic-compat';
import type { ReadonlyDb } from '../engine';
import type { FrontierTables } from './tables';
import type { TerrainParams } from './terrain';

/**
 * The rapier build Frontier uses. Pinned after `server/bench/world-physics.ts` compared 0.19.3
 * `-compat`, 0.21 `-compat` and 0.20 `-deterministic-compat`: the deterministic build costs about
 * the same per move and gives bit-identical results across platforms, which the replay
 * verification needs when a log is replayed on another machine.
 */
export const RAPIER = RAPIER_PINNED;
/** The rapier API shape (any of the measured builds fits it). */
export type Rapier = typeof RAPIER_PINNED;

let rapierReady: Promise<void> | undefined;
/** Initialises the pinned rapier WASM module once per process. */
export function initRapier(): Promise<void> {
  // The compat builds warn about their own legacy init signature; the message is noise here.
  return (rapierReady ??= quietly(() => RAPIER.init()));
}

// Not an async function: this file is part of Frontier's sandboxed bundle, which refuses them.
function quietly(fn: () => Promise<void>): Promise<void> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (
      typeof args[0] === 'string' &&
      args[0].includes('deprecated parameters for the initialization function')
    )
      return;
    warn(...args);
  };
  const restore = () => {
    console.warn = warn;
  };
  try {
    return fn().finally(restore);
  } catch (error) {
    restore();
    throw error;
  }
}

/** Whether the segment from (x, y) along (dx, dy) passes within `r` of ball `i`'s edge. */
function segmentNearBall(
  x: number,
  y: number,
  dx: number,
  dy: number,
  balls: readonly number[],
  i: number,
  r: number,
): boolean {
  const bx = balls[3 * i]! - x;
  const by = balls[3 * i + 1]! - y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (bx * dx + by * dy) / len2));
  const ex = bx - t * dx;
  const ey = by - t * dy;
  const reach = r + balls[3 * i + 2]!;
  return ex * ex + ey * ey < reach * reach;
}

/** Tiles of blocking geometry kept around each chunk: more than one step's move plus a radius. */
export const PHYSICS_MARGIN_TILES = 3;
/** Longest move one physics step makes, in tiles, so that the margin always covers it. */
export const MAX_STEP_TILES = 1.5;
/** Gap the character controller keeps from obstacles. */
const CONTROLLER_OFFSET = 0.02;
/** Extra room around a move's swept box when deciding whether any collider could be touched. */
const SKIN = CONTROLLER_OFFSET + 0.05;

/** Options for {@link PhysicsCache}. */
export interface PhysicsOptions {
  /** The rapier build (already initialised). @default the pinned build */
  readonly rapier?: Rapier;
  /**
   * Chunk collision worlds kept in memory; the least recently used beyond this are freed and
   * rebuilt from the tables when needed again (rebuilding gives the same result).
   * @default 2048
   */
  readonly maxCachedChunks?: number;
  /**
   * Apply moves whose swept box touches no collider without calling rapier (same result as rapier
   * in the open, at a fraction of the cost). False only to measure rapier itself. @default true
   */
  readonly prefilter?: boolean;
}

/** Counters for benchmarks and tests. */
export interface PhysicsStats {
  /** Moves resolved by rapier's character controller. */
  rapierMoves: number;
  /** Moves whose swept box touched no collider, applied without calling rapier. */
  freeMoves: number;
  /** Chunk entries (tiles, colliders) built from the tables. */
  chunkBuilds: number;
  /** Rapier worlds created. */
  worldBuilds: number;
  /** Entries dropped: stale, evicted, or flushed after a jump in time. */
  invalidations: number;
}

/** The collision geometry of one chunk plus margin, built from the tables in a canonical order. */
interface ChunkEntry {
  readonly chunkId: number;
  /** `chunk_rev.rev` when built, and the tick it was built in. */
  readonly rev: number;
  readonly builtTick: number;
  readonly radius: number;
  /** Tile origin of the region (chunk corner minus the margin) and its side. */
  readonly ox: number;
  readonly oy: number;
  readonly side: number;
  /** Tile bytes of the region (out-of-world tiles hold 255). */
  readonly tiles: Uint8Array;
  /**
   * Per tile: 0 free, 1 overlapped by a rectangle (blocked terrain, a building), or 2 + i for the
   * ball at `balls[3 * i]` (a node sits inside one tile, so a tile holds at most one ball; a tile
   * with a ball and a rectangle is marked 1).
   */
  readonly occupied: Int32Array;
  /** Colliders in region-local coordinates: rectangles [x, y, halfW, halfH] then balls [x, y, r]. */
  readonly rects: number[];
  readonly balls: number[];
  lastUsedTick: number;
  world: InstanceType<Rapier['World']> | undefined;
  probe: InstanceType<Rapier['Collider']> | undefined;
  controller: InstanceType<Rapier['KinematicCharacterController']> | undefined;
}

/**
 * Frontier's physics: a cache derived from the tables, never a source of truth.
 *
 * Each terrain chunk gets its own small rapier world holding the static colliders of the chunk plus
 * a margin (water and cliff tiles merged into rectangles, blocking resource nodes, blocking
 * buildings), inserted in a canonical order, so that a world rebuilt after a restart, a rewind or an
 * eviction is identical to the live one and a replay computes the same positions bit for bit.
 * Players move as kinematic characters (rapier's character controller slides them along walls);
 * they do not collide with each other, which keeps every move independent of the others.
 *
 * A chunk entry is stale when `chunk_rev` changed since it was built (a building placed or removed
 * nearby), and the whole cache is flushed when time jumps (restore, rewind, a new engine) or the
 * content revision changes.
 */
export class PhysicsCache {
  readonly stats: PhysicsStats = {
    rapierMoves: 0,
    freeMoves: 0,
    chunkBuilds: 0,
    worldBuilds: 0,
    invalidations: 0,
  };
  readonly #rapier: Rapier;
  readonly #maxChunks: number;
  readonly #prefilter: boolean;
  readonly #chunks = new Map<number, ChunkEntry>();
  #collisionKey = -1;
  #radius = -1;
  #tick = -2;
  #vec = { x: 0, y: 0 };

  constructor(options: PhysicsOptions = {}) {
    this.#rapier = options.rapier ?? RAPIER;
    this.#maxChunks = options.maxCachedChunks ?? 2048;
    this.#prefilter = options.prefilter ?? true;
    if (!(this.#maxChunks >= 1)) throw new RangeError(`maxCachedChunks must be >= 1, got ${this.#maxChunks}`);
  }

  /** Number of chunk entries held. */
  get size(): number {
    return this.#chunks.size;
  }

  /** Number of chunk entries with a live rapier world. */
  get worlds(): number {
    let n = 0;
    for (const e of this.#chunks.values()) if (e.world !== undefined) n++;
    return n;
  }

  /**
   * Brings the cache to `tick` before any use. Steps run every tick, so time going backwards or
   * skipping ticks means the tables jumped (restore, rewind, a replay into this engine) and
   * everything is flushed; so is a new collision key (the content that shapes collisions, see
   * `FrontierRuntime.physicsFor`) or player radius.
   */
  sync(tick: number, collisionKey: number, radius: number): void {
    if (
      tick < this.#tick ||
      tick > this.#tick + 1 ||
      collisionKey !== this.#collisionKey ||
      radius !== this.#radius
    )
      this.clear();
    this.#tick = tick;
    this.#collisionKey = collisionKey;
    this.#radius = radius;
  }

  /** Drops every entry and frees every rapier world. */
  clear(): void {
    for (const e of this.#chunks.values()) this.#free(e);
    this.stats.invalidations += this.#chunks.size;
    this.#chunks.clear();
  }

  #free(e: ChunkEntry): void {
    e.world?.free();
    e.world = undefined;
    e.probe = undefined;
    e.controller = undefined;
  }

  #evict(): void {
    const entries = [...this.#chunks.values()].sort(
      (a, b) => a.lastUsedTick - b.lastUsedTick || a.chunkId - b.chunkId,
    );
    // Down to 90% of the limit, so that eviction (a sort) runs once per many new chunks.
    const drop =
      entries.length - Math.max(0, Math.min(this.#maxChunks - 1, Math.floor(this.#maxChunks * 0.9)));
    for (let i = 0; i < drop; i++) {
      this.#free(entries[i]!);
      this.#chunks.delete(entries[i]!.chunkId);
      this.stats.invalidations++;
    }
  }

  /** The chunk entry for a tile position, built from the tables if missing or stale. */
  #entry(db: ReadonlyDb<FrontierTables>, p: TerrainParams, x: number, y: number): ChunkEntry {
    const n = p.chunkTiles;
    const cx = Math.min(p.chunksPerSide - 1, Math.max(0, Math.floor(x / n)));
    const cy = Math.min(p.chunksPerSide - 1, Math.max(0, Math.floor(y / n)));
    const chunkId = cy * p.chunksPerSide + cx;
    const rev = db.chunk_rev.find(chunkId)?.rev ?? 0;
    let e = this.#chunks.get(chunkId);
    // A change in the very tick an entry was built may have come after the build: such an entry is
    // trusted only within that tick.
    if (e !== undefined && (e.rev !== rev || (e.rev >= e.builtTick && this.#tick > e.builtTick))) {
      this.#free(e);
      this.#chunks.delete(chunkId);
      this.stats.invalidations++;
      e = undefined;
    }
    if (e === undefined) {
      if (this.#chunks.size >= this.#maxChunks) this.#evict();
      e = this.#build(db, p, cx, cy, chunkId, rev);
      this.#chunks.set(chunkId, e);
    }
    e.lastUsedTick = this.#tick;
    return e;
  }

  #build(
    db: ReadonlyDb<FrontierTables>,
    p: TerrainParams,
    cx: number,
    cy: number,
    chunkId: number,
    rev: number,
  ): ChunkEntry {
    this.stats.chunkBuilds++;
    const n = p.chunkTiles;
    const M = PHYSICS_MARGIN_TILES;
    const side = n + 2 * M;
    const ox = cx * n - M;
    const oy = cy * n - M;
    const tiles = new Uint8Array(side * side).fill(255);
    for (let ny = cy - 1; ny <= cy + 1; ny++) {
      for (let nx = cx - 1; nx <= cx + 1; nx++) {
        if (nx < 0 || ny < 0 || nx >= p.chunksPerSide || ny >= p.chunksPerSide) continue;
        const chunk = db.terrain_chunk.find(ny * p.chunksPerSide + nx);
        if (chunk === undefined) continue;
        for (let ly = 0; ly < n; ly++) {
          const ry = ny * n + ly - oy;
          if (ry < 0 || ry >= side) continue;
          for (let lx = 0; lx < n; lx++) {
            const rx = nx * n + lx - ox;
            if (rx < 0 || rx >= side) continue;
            tiles[ry * side + rx] = chunk.tiles[ly * n + lx]!;
          }
        }
      }
    }
    const occupied = new Int32Array(side * side);
    const blocked = p.blockedTile;
    // Blocked tiles (water, cliffs, outside the world, unmaterialised) merged into rectangles:
    // runs along each row, extended downwards while the run below is identical.
    const rects: number[] = [];
    const open = new Map<number, { x0: number; x1: number; y0: number }>();
    const flush = (key: number, r: { x0: number; x1: number; y0: number }, y1: number) => {
      rects.push((r.x0 + r.x1) / 2, (r.y0 + y1) / 2, (r.x1 - r.x0) / 2, (y1 - r.y0) / 2);
      open.delete(key);
    };
    for (let ry = 0; ry <= side; ry++) {
      const runs: number[] = [];
      if (ry < side) {
        let start = -1;
        for (let rx = 0; rx <= side; rx++) {
          const b = rx < side && (tiles[ry * side + rx] === 255 || blocked[tiles[ry * side + rx]!] === 1);
          if (b) occupied[ry * side + rx] = 1;
          if (b && start < 0) start = rx;
          else if (!b && start >= 0) {
            runs.push(start, rx);
            start = -1;
          }
        }
      }
      const keep = new Set<number>();
      for (let i = 0; i < runs.length; i += 2) keep.add(runs[i]! * 4096 + runs[i + 1]!);
      for (const [key, r] of [...open.entries()].sort((a, b) => a[0] - b[0]))
        if (!keep.has(key)) flush(key, r, ry);
      for (let i = 0; i < runs.length; i += 2) {
        const key = runs[i]! * 4096 + runs[i + 1]!;
        if (!open.has(key)) open.set(key, { x0: runs[i]!, x1: runs[i + 1]!, y0: ry });
      }
    }
    const mark = (x0: number, y0: number, x1: number, y1: number) => {
      const a = Math.max(0, Math.floor(x0));
      const b = Math.min(side - 1, Math.floor(x1));
      const c = Math.max(0, Math.floor(y0));
      const d = Math.min(side - 1, Math.floor(y1));
      for (let y = c; y <= d; y++) for (let x = a; x <= b; x++) occupied[y * side + x] = 1;
    };
    for (const b of db.building.withinRect(ox - 8, oy - 8, ox + side + 8, oy + side + 8)) {
      if (b.x + b.width <= ox || b.y + b.height <= oy || b.x >= ox + side || b.y >= oy + side) continue;
      if (db.building_def.find(b.buildingId)?.blocks === false) continue;
      const lx = b.x - ox;
      const ly = b.y - oy;
      rects.push(lx + b.width / 2, ly + b.height / 2, b.width / 2, b.height / 2);
      mark(lx, ly, lx + b.width - 1e-9, ly + b.height - 1e-9);
    }
    const balls: number[] = [];
    for (const node of db.resource_node.withinRect(ox - 1, oy - 1, ox + side + 1, oy + side + 1)) {
      const def = db.resource_def.find(node.resourceId);
      if (def === undefined || !def.blocks) continue;
      const lx = node.x - ox;
      const ly = node.y - oy;
      const ball = balls.length / 3;
      balls.push(lx, ly, def.radius);
      const a = Math.max(0, Math.floor(lx - def.radius));
      const b = Math.min(side - 1, Math.floor(lx + def.radius));
      const c = Math.max(0, Math.floor(ly - def.radius));
      const d = Math.min(side - 1, Math.floor(ly + def.radius));
      for (let y = c; y <= d; y++)
        for (let x = a; x <= b; x++) {
          const cell = occupied[y * side + x]!;
          // A second ball in one tile cannot be told apart: treat the tile as solid.
          occupied[y * side + x] = cell === 0 ? 2 + ball : 1;
        }
    }
    return {
      chunkId,
      rev,
      builtTick: this.#tick,
      radius: this.#radius,
      ox,
      oy,
      side,
      tiles,
      occupied,
      rects,
      balls,
      lastUsedTick: this.#tick,
      world: undefined,
      probe: undefined,
      controller: undefined,
    };
  }

  #world(e: ChunkEntry): void {
    this.stats.worldBuilds++;
    const R = this.#rapier;
    const world = new R.World({ x: 0, y: 0 });
    const probe = world.createCollider(R.ColliderDesc.ball(e.radius));
    for (let i = 0; i < e.rects.length; i += 4)
      world.createCollider(
        R.ColliderDesc.cuboid(e.rects[i + 2]!, e.rects[i + 3]!).setTranslation(e.rects[i]!, e.rects[i + 1]!),
      );
    for (let i = 0; i < e.balls.length; i += 3)
      world.createCollider(R.ColliderDesc.ball(e.balls[i + 2]!).setTranslation(e.balls[i]!, e.balls[i + 1]!));
    // One step fills the broad phase that scene queries use; nothing ever moves in this world but
    // the probe, which queries exclude.
    world.step();
    const controller = world.createCharacterController(CONTROLLER_OFFSET);
    controller.setSlideEnabled(true);
    controller.disableAutostep();
    controller.disableSnapToGround();
    // Top-down: no surface is a floor or a slope, every contact is a wall to slide along.
    controller.setMaxSlopeClimbAngle(Math.PI / 2);
    controller.setMinSlopeSlideAngle(Math.PI / 2);
    e.world = world;
    e.probe = probe;
    e.controller = controller;
  }

  /** The tile byte under a position (255 outside the world or unmaterialised terrain). */
  tileAt(db: ReadonlyDb<FrontierTables>, p: TerrainParams, x: number, y: number): number {
    const e = this.#entry(db, p, x, y);
    const rx = Math.floor(x) - e.ox;
    const ry = Math.floor(y) - e.oy;
    if (rx < 0 || ry < 0 || rx >= e.side || ry >= e.side) return 255;
    return e.tiles[ry * e.side + rx]!;
  }

  /**
   * Walks a character of the cache's radius from (x, y) in direction (dirX, dirY) (length <= 1) for
   * `stepTiles` tiles scaled by the speed factor of the biome under it, and at most `maxTiles`
   * (a walk's last step to its stop), sliding along obstacles; writes the new position to `out`.
   * One chunk lookup for both.
   */
  walk(
    db: ReadonlyDb<FrontierTables>,
    p: TerrainParams,
    x: number,
    y: number,
    dirX: number,
    dirY: number,
    stepTiles: number,
    out: { x: number; y: number },
    maxTiles = Infinity,
  ): void {
    const e = this.#entry(db, p, x, y);
    const rx = Math.floor(x) - e.ox;
    const ry = Math.floor(y) - e.oy;
    const tile = rx < 0 || ry < 0 || rx >= e.side || ry >= e.side ? 255 : e.tiles[ry * e.side + rx]!;
    const step = Math.min(stepTiles * (p.byTile[tile]?.speedFactor ?? 1), maxTiles);
    this.#move(e, x, y, dirX * step, dirY * step, out);
  }

  /**
   * Moves a character of the cache's radius from (x, y) by (dx, dy), sliding along obstacles, and
   * returns the new position (in `out`). The move is capped at {@link MAX_STEP_TILES}.
   */
  move(
    db: ReadonlyDb<FrontierTables>,
    p: TerrainParams,
    x: number,
    y: number,
    dx: number,
    dy: number,
    out: { x: number; y: number },
  ): void {
    this.#move(this.#entry(db, p, x, y), x, y, dx, dy, out);
  }

  #move(e: ChunkEntry, x: number, y: number, dx: number, dy: number, out: { x: number; y: number }): void {
    const len = Math.sqrt(dx * dx + dy * dy);
    if (len > MAX_STEP_TILES) {
      dx = (dx / len) * MAX_STEP_TILES;
      dy = (dy / len) * MAX_STEP_TILES;
    }
    const lx = x - e.ox;
    const ly = y - e.oy;
    const r = e.radius + SKIN;
    const a = Math.max(0, Math.floor(Math.min(lx, lx + dx) - r));
    const b = Math.min(e.side - 1, Math.floor(Math.max(lx, lx + dx) + r));
    const c = Math.max(0, Math.floor(Math.min(ly, ly + dy) - r));
    const d = Math.min(e.side - 1, Math.floor(Math.max(ly, ly + dy) + r));
    let hit = !this.#prefilter;
    const occ = e.occupied;
    const balls = e.balls;
    for (let ty = c; ty <= d && !hit; ty++)
      for (let tx = a; tx <= b; tx++) {
        const cell = occ[ty * e.side + tx]!;
        if (cell === 0) continue;
        if (cell === 1 || segmentNearBall(lx, ly, dx, dy, balls, cell - 2, r)) {
          hit = true;
          break;
        }
      }
    if (!hit) {
      this.stats.freeMoves++;
      // Rapier would take the move as f32 and return it unchanged: round the same way.
      out.x = x + Math.fround(dx);
      out.y = y + Math.fround(dy);
      return;
    }
    if (e.world === undefined) this.#world(e);
    this.stats.rapierMoves++;
    const v = this.#vec;
    v.x = lx;
    v.y = ly;
    e.probe!.setTranslation(v);
    v.x = dx;
    v.y = dy;
    e.controller!.computeColliderMovement(e.probe!, v);
    const m = e.controller!.computedMovement();
    out.x = x + m.x;
    out.y = y + m.y;
  }

  /** Whether a circle at (x, y) overlaps any collider (used to check spawn points). */
  overlaps(db: ReadonlyDb<FrontierTables>, p: TerrainParams, x: number, y: number, radius: number): boolean {
    const e = this.#entry(db, p, x, y);
    const lx = x - e.ox;
    const ly = y - e.oy;
    for (let i = 0; i < e.rects.length; i += 4) {
      const qx = Math.max(e.rects[i]! - e.rects[i + 2]!, Math.min(lx, e.rects[i]! + e.rects[i + 2]!));
      const qy = Math.max(e.rects[i + 1]! - e.rects[i + 3]!, Math.min(ly, e.rects[i + 1]! + e.rects[i + 3]!));
      if ((qx - lx) ** 2 + (qy - ly) ** 2 < radius * radius) return true;
    }
    for (let i = 0; i < e.balls.length; i += 3) {
      const rr = radius + e.balls[i + 2]!;
      if ((e.balls[i]! - lx) ** 2 + (e.balls[i + 1]! - ly) ** 2 < rr * rr) return true;
    }
    return false;
  }

  /**
   * Builds what a move from (x, y) would: the chunk entry and, when it has colliders, its rapier
   * world. For a module version's warm hook, so that its first tick finds them built; a move
   * gives the same result either way (an entry is checked against `chunk_rev` at every use).
   */
  prepare(db: ReadonlyDb<FrontierTables>, p: TerrainParams, x: number, y: number): void {
    const e = this.#entry(db, p, x, y);
    if (e.world === undefined && (e.rects.length > 0 || e.balls.length > 0)) this.#world(e);
  }

  /** Frees every rapier world. */
  dispose(): void {
    this.clear();
  }
}
