/**
 * Frontier as a region of a region world: the host-side wiring of the regions kit to Frontier's
 * travel rule (world/travel.ts). The world knows nothing of regions and the regions kit nothing of
 * Frontier (lint rules), so they meet here.
 *
 * - The module: Frontier's tables plus the kit's, Frontier's reducers guarded against callers who
 *   left (NOT_HERE), plus the kit's reducers with Frontier's pack, unpack and restore, plus global
 *   chat's `chat_in` (frontier-region-chat.ts; its relay is started by the region process).
 * - The border rule: after each tick, every walking avatar past a neighbour's border by
 *   `hysteresisTiles` is handed over. Only walkers are checked: nothing else moves an avatar.
 * - Ghosts: avatars within `ghostBandTiles` of a neighbour are mirrored there (the ghost kit on
 *   the `avatar` table; the region process runs the ghost relay with {@link FrontierRegion.ghosts}).
 *   A ghost is stored as not moving: Frontier's physics step rewrites every moving avatar, and a
 *   write to a ghost is refused, so a moving ghost would fail the step for everyone. A client sees
 *   a ghost's position every tick its owner sends one.
 *
 * Region processes run Frontier unsandboxed for now (the sandbox bundle has no kit in it).
 */
import { createSchema, type Engine, type ModuleDef, type ReducerContext } from '../engine';
import {
  ghostKit,
  ghostTables,
  handoffReducers,
  handoffTables,
  refuseMovedCallers,
  watchBorders,
  type GhostRelayOptions,
  type RegionGrid,
} from '../regions';
import { createFrontier, type Frontier, type FrontierOptions } from '../world';
import { regionChatReducer, regionChatTables } from './frontier-region-chat';

/** Options for {@link createFrontierRegion}. */
export interface FrontierRegionOptions extends FrontierOptions {
  /** This region's name in `grid`. */
  readonly region: string;
  readonly grid: RegionGrid;
  /** How far past a border a walker must be before the handoff. @default 4 */
  readonly hysteresisTiles?: number;
  /** See HandoffOptions.maxHandoffBytes. @default 512 KiB */
  readonly maxHandoffBytes?: number;
  /**
   * How far into a neighbour's reach avatars are mirrored there (GhostRelayOptions.bandTiles).
   * The browser client sees avatars 48 tiles around it and keeps them to 56 (its exit
   * hysteresis); a walker covers well under a tile in two ticks. @default 60
   */
  readonly ghostBandTiles?: number;
}

/** A Frontier region: its module and the border rule to start on its engine. */
export interface FrontierRegion {
  readonly module: ModuleDef;
  readonly frontier: Frontier;
  /** Starts the border rule on the region's engine; returns a function that stops it. */
  watchBorders(engine: Engine<any>): () => void;
  /** What the region process's ghost relay mirrors (`startRegion({ ghosts })`). */
  readonly ghosts: Omit<GhostRelayOptions, 'engine' | 'fabric' | 'region' | 'logger'>;
}

/** The default of {@link FrontierRegionOptions.hysteresisTiles}. */
const DEFAULT_HYSTERESIS_TILES = 4;
/** The default of {@link FrontierRegionOptions.ghostBandTiles}. */
const DEFAULT_GHOST_BAND_TILES = 60;

/**
 * Builds Frontier with the regions kit for one region of `grid`.
 * @throws TickspaceError INVALID_ARGUMENT for a region not in the grid, or a grid not the world's size.
 * @example
 * const grid = regionGrid('2x2', 4096, 4096);
 * const west = await createFrontierRegion({ region: 'r0_0', grid });
 */
export async function createFrontierRegion(options: FrontierRegionOptions): Promise<FrontierRegion> {
  const {
    region,
    grid,
    hysteresisTiles = DEFAULT_HYSTERESIS_TILES,
    maxHandoffBytes,
    ghostBandTiles = DEFAULT_GHOST_BAND_TILES,
    ...rest
  } = options;
  grid.crossing(region, 0, 0, 0); // an unknown region is refused here, not at the first crossing
  const frontier = await createFrontier(rest);
  const ghosts = ghostKit({ region, table: 'avatar', ghostRow: (row) => ({ ...row, moving: false }) });
  const tables = {
    ...frontier.module.tables,
    avatar: ghosts.guard(frontier.module.tables.avatar),
    ...handoffTables(),
    ...regionChatTables(),
    ...ghostTables(),
  };
  const schema = createSchema(tables);
  type FrontierCtx = Parameters<Frontier['travel']['pack']>[0];
  const asFrontier = (ctx: ReducerContext<typeof tables>) => ctx as unknown as FrontierCtx;
  const travel = frontier.travel;
  const kit = handoffReducers(schema, {
    region,
    maxHandoffBytes,
    pack: (ctx, entity) => ({ ...travel.pack(asFrontier(ctx), entity as never) }),
    unpack: (ctx, entity, payload) => travel.unpack(asFrontier(ctx), entity as never, payload),
    restore: (ctx, entity, payload) => travel.restore(asFrontier(ctx), entity as never, payload),
    ghosts: ghosts.hooks,
  });
  const module: ModuleDef = {
    ...frontier.module,
    tables,
    // Appended after Frontier's, so every Frontier reducer keeps its id.
    reducers: [
      ...refuseMovedCallers(frontier.module.reducers),
      ...kit,
      regionChatReducer(schema, { retentionMs: frontier.options.chatRetentionMs }),
      ...ghosts.reducers(schema),
    ],
  };
  return {
    module,
    frontier,
    ghosts: { grid, table: 'avatar', bandTiles: ghostBandTiles },
    watchBorders: (engine) =>
      watchBorders({
        engine,
        grid,
        region,
        hysteresis: hysteresisTiles,
        positions: (db) =>
          (db as Engine<typeof frontier.module>['db']).avatar
            .filter('moving', true)
            .map((a) => ({ entity: a.identity, x: a.x, y: a.y })),
      }),
  };
}
