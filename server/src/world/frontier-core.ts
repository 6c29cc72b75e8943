/**
 * Frontier's module built synchronously from settings and what the host lends it: the part of
 * createFrontier that runs inside the sandbox (sandbox-entry.ts), where nothing is read from disk
 * and nothing is awaited. The host reads the content and initialises rapier first.
 */
import { defineModule, TickspaceError } from '../engine';
import { cancelAction } from './actions';
import { createBuildingReducers } from './building';
import { createChestReducers } from './chests';
import { chatPruneEveryMs, createChatReducers, CHAT_PRUNE } from './chat';
import { ensureChunksAround } from './chunks';
import type { ContentSources } from './content-loader';
import { contentFromBundle, contentReload, writeContent } from './content-tables';
import { createCraftingReducers } from './crafting';
import { createEatingReducers } from './eating';
import { createGatheringReducers } from './gathering';
import type { Rapier } from './physics';
import { createPhysicsStep, ensurePhysicsSchedule, schedulePhysics } from './physics-step';
import { createPlayerReducers } from './players';
import { createProjectReducers } from './projects';
import { FrontierRuntime, type FrontierOptions, type ResolvedOptions, type StepClock } from './runtime';
import { frontierSchema } from './tables';
import { createTradingReducers } from './trading';
import { createPlayerTravel, type PlayerTravel } from './travel';

/**
 * The settings of a Frontier world that shape its module (seed, sizes, limits): plain JSON, so a
 * sandboxed version logs them with its code and a replay builds the same module.
 */
export type FrontierSettings = Omit<
  FrontierOptions,
  'contentDir' | 'content' | 'lenientContent' | 'rapier' | 'clock'
>;

/** What the host lends {@link createFrontierModule}. */
export interface FrontierHost {
  /**
   * The init data of a new world: the content files it starts with, logged as `__init`'s payload
   * so a replay from tick 1 writes this content whatever the files say by then. Called only when
   * a world is created.
   */
  readonly initData: () => { content: ContentSources };
  /** An initialised rapier build. @default the pinned build (initialised by the host) */
  readonly rapier?: Rapier | undefined;
  /** Clocks for the step timings benchmarks read. @default none (zeros) */
  readonly clock?: StepClock | undefined;
}

/** What {@link createFrontierModule} returns. */
export interface FrontierCore {
  readonly module: FrontierModule;
  readonly runtime: FrontierRuntime;
  /** What travels with a player between regions (pack, unpack, restore), for a region host. */
  readonly travel: PlayerTravel;
}

/** The Frontier module type. */
export type FrontierModule = ReturnType<typeof buildModule>;

export function resolveOptions(options: FrontierSettings): ResolvedOptions {
  const o: ResolvedOptions = {
    seed: options.seed ?? 'frontier',
    worldTiles: options.worldTiles ?? 4096,
    chunkTiles: options.chunkTiles ?? 32,
    aoiChunks: options.aoiChunks ?? 2,
    maxNodesPerChunk: options.maxNodesPerChunk ?? 128,
    minNameChars: options.minNameChars ?? 3,
    maxNameChars: options.maxNameChars ?? 16,
    maxChatChars: options.maxChatChars ?? 200,
    chatRateCount: options.chatRateCount ?? 5,
    chatRateWindowMs: options.chatRateWindowMs ?? 10_000,
    chatRetentionMs: options.chatRetentionMs ?? 60_000,
    localChatRadiusTiles: options.localChatRadiusTiles ?? 24,
    maxTradeItems: options.maxTradeItems ?? 16,
    maxStepMs: options.maxStepMs ?? 250,
    maxWalkTiles: options.maxWalkTiles ?? 256,
    maxPhysicsChunks: options.maxPhysicsChunks ?? 2048,
    physicsPrefilter: options.physicsPrefilter ?? true,
    demolishRefundPercent: options.demolishRefundPercent ?? 50,
    wellFedSpeedup: options.wellFedSpeedup ?? 0.25,
    maxWellFedMs: options.maxWellFedMs ?? 1_200_000,
    spawnTilesPerPlayer: options.spawnTilesPerPlayer ?? 64,
    spawnSpreadAbovePlayers: options.spawnSpreadAbovePlayers ?? 50,
    maxStartAreaTiles: options.maxStartAreaTiles ?? 1_000_000,
  };
  const bad = (message: string) =>
    new TickspaceError('INVALID_ARGUMENT', `createFrontier: ${message}`, { details: { options: o } });
  if (!Number.isInteger(o.chunkTiles) || o.chunkTiles < 8 || o.chunkTiles > 256)
    throw bad(`chunkTiles must be an integer in 8..256, got ${o.chunkTiles}`);
  if (
    !Number.isInteger(o.worldTiles) ||
    o.worldTiles < o.chunkTiles * 4 ||
    o.worldTiles % o.chunkTiles !== 0 ||
    o.worldTiles > 65_536
  )
    throw bad(
      `worldTiles must be a multiple of chunkTiles (${o.chunkTiles}), at least 4 chunks and at most 65536, got ${o.worldTiles}`,
    );
  const chunks = (o.worldTiles / o.chunkTiles) ** 2;
  if (
    !Number.isInteger(o.maxNodesPerChunk) ||
    o.maxNodesPerChunk < 1 ||
    chunks * o.maxNodesPerChunk > 0xffffffff
  )
    throw bad(
      `maxNodesPerChunk must be >= 1 and chunks x maxNodesPerChunk must fit node ids in 32 bits (${chunks} chunks)`,
    );
  if (!(o.demolishRefundPercent >= 0 && o.demolishRefundPercent <= 100))
    throw bad(`demolishRefundPercent must be in 0..100, got ${o.demolishRefundPercent}`);
  if (!(o.wellFedSpeedup >= 0 && o.wellFedSpeedup <= 0.9))
    throw bad(`wellFedSpeedup must be in 0..0.9, got ${o.wellFedSpeedup}`);
  if (!(o.spawnTilesPerPlayer >= 0) || !(o.spawnSpreadAbovePlayers >= 0) || !(o.maxStartAreaTiles >= 1))
    throw bad(
      `need spawnTilesPerPlayer >= 0, spawnSpreadAbovePlayers >= 0 and maxStartAreaTiles >= 1, got ${o.spawnTilesPerPlayer}, ${o.spawnSpreadAbovePlayers}, ${o.maxStartAreaTiles}`,
    );
  if (!(o.minNameChars >= 1 && o.maxNameChars >= o.minNameChars))
    throw bad('need 1 <= minNameChars <= maxNameChars');
  for (const key of [
    'aoiChunks',
    'maxChatChars',
    'chatRateCount',
    'chatRateWindowMs',
    'chatRetentionMs',
    'maxTradeItems',
    'maxStepMs',
    'maxWalkTiles',
    'maxPhysicsChunks',
    'maxWellFedMs',
  ] as const)
    if (!(o[key] >= (key === 'aoiChunks' ? 1 : 1))) throw bad(`${key} must be >= 1, got ${o[key]}`);
  return o;
}

function buildModule(rt: FrontierRuntime, initData: () => { content: ContentSources }) {
  const o = rt.options;
  const players = createPlayerReducers(rt);
  const gathering = createGatheringReducers(rt);
  const crafting = createCraftingReducers(rt);
  const building = createBuildingReducers(rt);
  const chests = createChestReducers();
  const eating = createEatingReducers(rt);
  const projects = createProjectReducers(rt);
  const trading = createTradingReducers(rt);
  const chat = createChatReducers(rt);
  const physicsStep = createPhysicsStep(rt);
  return defineModule(frontierSchema, {
    reducers: [
      players.join,
      players.move,
      cancelAction,
      gathering.gather,
      crafting.craft,
      building.placeBuilding,
      building.construct,
      chests.deposit,
      chests.withdraw,
      chests.grantAccess,
      building.demolish,
      trading.tradeOpen,
      trading.tradeOffer,
      trading.tradeAccept,
      trading.tradeCancel,
      chat.say,
      contentReload,
      physicsStep,
      gathering.gatherFinish,
      gathering.nodeRespawn,
      crafting.craftFinish,
      building.constructFinish,
      chat.chatPrune,
      // Appended, so every earlier reducer keeps its id.
      trading.tradeRespond,
      eating.eat,
      projects.contribute,
      players.walkTo,
    ],
    initData,
    init: (ctx, data) => {
      writeContent(ctx.db, contentFromBundle('init', data.content));
      const half = o.worldTiles / 2;
      ctx.db.world_info.insert({
        id: 0,
        seed: o.seed,
        worldTiles: o.worldTiles,
        chunkTiles: o.chunkTiles,
        spawnX: half,
        spawnY: half,
        contentRev: 1,
      });
      ctx.db.physics_clock.insert({ id: 0, lastStepMs: ctx.now });
      ensureChunksAround(ctx.db, rt, () => rt.terrain(ctx.db), half, half, o.aoiChunks);
      schedulePhysics(ctx);
      ctx.schedule(CHAT_PRUNE, {}, { inMs: chatPruneEveryMs(o.chatRetentionMs) });
    },
    clientConnected: players.clientConnected,
    clientDisconnected: players.clientDisconnected,
    serverStarted: (ctx) => {
      // First, and in this call rather than in the step: see ensurePhysicsSchedule.
      ensurePhysicsSchedule(ctx);
      players.serverStarted(ctx);
    },
    // A published version starts with an empty physics cache: build it before its boundary.
    warm: ({ db, tick, reshaped }) => rt.warm(db, tick, reshaped),
  });
}

/**
 * Builds the Frontier module without I/O or awaiting: the host has read the content (in
 * `host.initData`) and initialised rapier. What the sandboxed bundle's factory calls.
 * @throws TickspaceError INVALID_ARGUMENT for bad settings.
 * @example
 * await initRapier();
 * const { module } = createFrontierModule({ seed: 'demo' }, { initData: () => ({ content: files }) });
 */
export function createFrontierModule(settings: FrontierSettings, host: FrontierHost): FrontierCore {
  const runtime = new FrontierRuntime(resolveOptions(settings), host.rapier, host.clock);
  return { module: buildModule(runtime, host.initData), runtime, travel: createPlayerTravel(runtime) };
}
