import type { Content } from '@tickspace/content/schema';
import type { Db, ReadonlyDb, ReducerContext, Row } from '../engine';
import { PhysicsCache, type Rapier } from './physics';
import type { FrontierTables } from './tables';
import { StartArea, startAreaKey } from './start-area';
import { terrainParams, type TerrainParams } from './terrain';

/** Options of {@link createFrontier}; every limit has a documented default. */
export interface FrontierOptions {
  /** Content directory to load at start. Ignored when `content` is given. @default the repository's `content/` */
  readonly contentDir?: string;
  /** Already validated content (tests, tools). @default loaded from `contentDir` */
  readonly content?: Content;
  /**
   * Build the module even when the content in `contentDir` is invalid: `contentProblems` lists
   * the problems, a world that already has content keeps it (its tables), and a new world's first
   * tick refuses with INVALID_CONTENT. For servers, whose worlds must outlive a bad edit.
   * @default false (invalid content throws INVALID_CONTENT)
   */
  readonly lenientContent?: boolean;
  /** World seed for terrain and resource placement. @default 'frontier' */
  readonly seed?: string;
  /** Side of the square world, in tiles; a multiple of `chunkTiles`. @default 4096 */
  readonly worldTiles?: number;
  /** Side of a terrain chunk, in tiles. @default 32 */
  readonly chunkTiles?: number;
  /** Chunks generated around each player (Chebyshev radius), so subscriptions find terrain. @default 2 */
  readonly aoiChunks?: number;
  /** Most resource nodes the generator places in one chunk. @default 128 */
  readonly maxNodesPerChunk?: number;
  /** Shortest player name. @default 3 */
  readonly minNameChars?: number;
  /** Longest player name. @default 16 */
  readonly maxNameChars?: number;
  /** Longest chat message, in code points. @default 200 */
  readonly maxChatChars?: number;
  /** Chat messages a player may send per window. @default 5 */
  readonly chatRateCount?: number;
  /** The chat rate window. @default 10_000 */
  readonly chatRateWindowMs?: number;
  /** Age after which chat messages and notices are pruned. @default 60_000 */
  readonly chatRetentionMs?: number;
  /** Radius clients should subscribe to for local chat (published in the README; the server stores the sender's position). @default 24 */
  readonly localChatRadiusTiles?: number;
  /** Kinds of item one side of a trade may offer. @default 16 */
  readonly maxTradeItems?: number;
  /** Longest time step physics integrates at once (a late tick does not teleport players). @default 250 */
  readonly maxStepMs?: number;
  /** Farthest target a `walk_to` may name, and its largest stop distance, tiles. @default 256 */
  readonly maxWalkTiles?: number;
  /** Chunk collision worlds kept in memory. @default 2048 */
  readonly maxPhysicsChunks?: number;
  /** Skip rapier for moves that touch no collider (see PhysicsOptions.prefilter); false only for benchmarks. @default true */
  readonly physicsPrefilter?: boolean;
  /** Share of a building's cost `demolish` gives back, percent (rounded down per item). @default 50 */
  readonly demolishRefundPercent?: number;
  /** How much shorter gathering, crafting and construction steps are while well fed (0.25 = 25%). @default 0.25 */
  readonly wellFedSpeedup?: number;
  /** Longest a player can be well fed ahead: `eat` refuses food that would go past it (TOO_FULL). @default 1_200_000 */
  readonly maxWellFedMs?: number;
  /**
   * Land tiles of the start area per player: a population of N players spawns over the
   * `N x spawnTilesPerPlayer` land tiles reachable from the spawn point nearest to it (see
   * `start-area.ts`), so the crowd at the start is as dense at 10,000 players as at 300. 0 spawns
   * everyone at the spawn point. @default 64
   */
  readonly spawnTilesPerPlayer?: number;
  /** Populations up to this many players all spawn at the spawn point (a small world starts together). @default 50 */
  readonly spawnSpreadAbovePlayers?: number;
  /** Largest start area, in tiles (bounds the memory and the one-off terrain work it takes). @default 1_000_000 */
  readonly maxStartAreaTiles?: number;
  /** Rapier build to use (benchmarks compare builds); must be initialised. @default the pinned build */
  readonly rapier?: Rapier;
  /**
   * Clocks for the physics step's timing figures (`lastStep`), which benchmarks read and nothing
   * else does. In the sandbox there is no clock. @default the process's under createFrontier; none
   * (zeros) in the sandbox
   */
  readonly clock?: StepClock;
}

/** Where {@link StepStats}' times come from: a wall clock and this process's CPU time, both in ms. */
export interface StepClock {
  wallMs(): number;
  cpuMs(): number;
}

/** Options with every default filled. */
export interface ResolvedOptions {
  readonly seed: string;
  readonly worldTiles: number;
  readonly chunkTiles: number;
  readonly aoiChunks: number;
  readonly maxNodesPerChunk: number;
  readonly minNameChars: number;
  readonly maxNameChars: number;
  readonly maxChatChars: number;
  readonly chatRateCount: number;
  readonly chatRateWindowMs: number;
  readonly chatRetentionMs: number;
  readonly localChatRadiusTiles: number;
  readonly maxTradeItems: number;
  readonly maxStepMs: number;
  readonly maxWalkTiles: number;
  readonly maxPhysicsChunks: number;
  readonly physicsPrefilter: boolean;
  readonly demolishRefundPercent: number;
  readonly wellFedSpeedup: number;
  readonly maxWellFedMs: number;
  readonly spawnTilesPerPlayer: number;
  readonly spawnSpreadAbovePlayers: number;
  readonly maxStartAreaTiles: number;
}

/** Timing of the last physics step, for benchmarks. */
export interface StepStats {
  tick: number;
  /** Avatars walking in the step. */
  movers: number;
  /** Wall time of the step. */
  physicsMs: number;
  /** CPU time of this process during the step (steadier than wall time on a shared machine). */
  physicsCpuMs: number;
}

/** The reducer context Frontier's reducers receive. */
export type Ctx = ReducerContext<FrontierTables>;
/** Frontier's writable tables. */
export type FrontierDb = Db<FrontierTables>;
/** A player row (profile). */
export type PlayerRow = Row<FrontierTables['player']>;
/** An avatar row (position and intent). */
export type AvatarRow = Row<FrontierTables['avatar']>;
/** A player as reducers see them: the profile plus where the avatar stands and walks. */
export type Me = PlayerRow & Pick<AvatarRow, 'x' | 'y' | 'dirX' | 'dirY' | 'moving'>;

/** Start areas kept (each is up to `maxStartAreaTiles` tiles of bookkeeping). */
const MAX_START_AREAS = 4;

const NO_CLOCK: StepClock = { wallMs: () => 0, cpuMs: () => 0 };

/**
 * State shared by Frontier's reducers that is not in the tables: the options and, per engine
 * (keyed by {@link engineKey}, since one module may run in several engines, e.g. a live one and a
 * replay), the physics cache. Nothing here is a source of truth.
 */
export class FrontierRuntime {
  readonly options: ResolvedOptions;
  readonly lastStep: StepStats = { tick: 0, movers: 0, physicsMs: 0, physicsCpuMs: 0 };
  readonly clock: StepClock;
  readonly #rapier: Rapier | undefined;
  readonly #physics = new WeakMap<object, PhysicsCache>();
  /** Per engine: the content revision last seen and the collision key it maps to. */
  readonly #collision = new WeakMap<object, { rev: number; key: number }>();
  /** Collision fingerprints to small integers (the physics cache compares numbers). */
  readonly #collisionKeys = new Map<string, number>();
  /** Start areas by {@link startAreaKey}: a few, since content rarely changes what blocks. */
  readonly #startAreas = new Map<string, StartArea>();

  constructor(options: ResolvedOptions, rapier: Rapier | undefined, clock: StepClock = NO_CLOCK) {
    this.options = options;
    this.#rapier = rapier;
    this.clock = clock;
  }

  /** The physics cache of the engine that owns `db`. */
  physics(db: ReadonlyDb<FrontierTables>): PhysicsCache {
    let cache = this.#physics.get(engineKey(db));
    if (cache === undefined) {
      cache = new PhysicsCache({
        ...(this.#rapier === undefined ? {} : { rapier: this.#rapier }),
        maxCachedChunks: this.options.maxPhysicsChunks,
        prefilter: this.options.physicsPrefilter,
      });
      this.#physics.set(engineKey(db), cache);
    }
    return cache;
  }

  /**
   * The physics cache of the calling engine, synced to the call's tick, the content that shapes
   * collisions and the player radius. A content reload that leaves collisions alone (a renamed
   * item, a new recipe) keeps the cache: only what the chunk collision worlds are built from
   * (which tiles block, which resources and buildings block, node radii) flushes it.
   */
  physicsFor(ctx: Ctx): PhysicsCache {
    return this.#physicsAt(ctx.db, ctx.tick);
  }

  #physicsAt(db: ReadonlyDb<FrontierTables>, tick: number): PhysicsCache {
    const cache = this.physics(db);
    const info = db.world_info.find(0);
    const settings = db.settings.find(0);
    const rev = info?.contentRev ?? 0;
    let collision = this.#collision.get(engineKey(db));
    if (collision === undefined || collision.rev !== rev) {
      const print = collisionFingerprint(db);
      let key = this.#collisionKeys.get(print);
      if (key === undefined) this.#collisionKeys.set(print, (key = this.#collisionKeys.size + 1));
      collision = { rev, key };
      this.#collision.set(engineKey(db), collision);
    }
    cache.sync(tick, collision.key, settings?.playerRadiusTiles ?? 0.3);
    return cache;
  }

  /**
   * The module's warm hook: builds, as of `tick` (the last tick run), the chunk collision worlds
   * around every walking avatar, which the physics step of this version's first tick would
   * otherwise build (a new module version has a new, empty cache: about 40 ms with 500 walkers).
   * Moves come out the same whether it ran or not: every entry is checked against `chunk_rev` at
   * use, the cache against the content's fingerprint and the tick. Does nothing when the
   * version's migration reshapes a table the physics reads (its rows here are the old ones).
   */
  warm(db: ReadonlyDb<FrontierTables>, tick: number, reshaped: readonly string[]): void {
    if (reshaped.some((name) => PHYSICS_TABLES.has(name))) return;
    const movers = db.avatar.filter('moving', true);
    if (movers.length === 0) return;
    const cache = this.#physicsAt(db, tick);
    const p = this.terrain(db);
    for (let i = 0; i < movers.length; i++) cache.prepare(db, p, movers[i]!.x, movers[i]!.y);
  }

  /**
   * The start area of these terrain parameters, shared by every engine of this module (it is a
   * pure function of them; see {@link StartArea}).
   */
  startArea(p: TerrainParams): StartArea {
    const key = startAreaKey(p);
    let area = this.#startAreas.get(key);
    if (area === undefined) {
      if (this.#startAreas.size >= MAX_START_AREAS) this.#startAreas.clear();
      area = new StartArea(p);
      this.#startAreas.set(key, area);
    }
    return area;
  }

  /** Terrain generation parameters from the current content tables. */
  terrain(db: ReadonlyDb<FrontierTables>): TerrainParams {
    const o = this.options;
    return terrainParams(db, {
      seed: o.seed,
      worldTiles: o.worldTiles,
      chunkTiles: o.chunkTiles,
      maxNodesPerChunk: o.maxNodesPerChunk,
    });
  }
}

/**
 * Which engine a `db` belongs to: its world_info table. Not the `db` object itself, which an
 * engine replaces at every runtime migration, so that a cache warmed before a migration's boundary
 * is the one its first tick finds; a migration that reshapes world_info gives a new table, and
 * so a new (empty) cache, as it must.
 */
const engineKey = (db: ReadonlyDb<FrontierTables>): object => db.world_info;

/** The tables the physics cache and the walkers it is warmed for are read from. */
const PHYSICS_TABLES: ReadonlySet<string> = new Set([
  'avatar',
  'terrain_chunk',
  'chunk_rev',
  'building',
  'building_def',
  'resource_node',
  'resource_def',
  'biome_def',
  'biome_resource',
  'world_info',
  'settings',
]);

/** Everything in the content tables that a chunk collision world is built from, as one text. */
function collisionFingerprint(db: ReadonlyDb<FrontierTables>): string {
  const biomes = db.biome_def.iter().map((b) => `${b.id}:${b.tile}:${b.kind}`);
  const resources = db.resource_def.iter().map((r) => `${r.id}:${r.blocks}:${r.radius}`);
  const buildings = db.building_def.iter().map((b) => `${b.id}:${b.blocks}`);
  return `${biomes.join(',')}|${resources.join(',')}|${buildings.join(',')}`;
}
