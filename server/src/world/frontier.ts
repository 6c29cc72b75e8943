import type { Content } from '@tickspace/content/schema';
import { defineModule, TickspaceError, type Engine } from '../engine';
import { cancelAction } from './actions';
import { createBuildingReducers } from './building';
import { createChestReducers } from './chests';
import { chatPruneEveryMs, createChatReducers, CHAT_PRUNE } from './chat';
import { ensureChunksAround } from './chunks';
import {
  contentError,
  DEFAULT_CONTENT_DIR,
  readContentSources,
  validateContent,
  type ContentProblem,
  type ContentSources,
} from './content-loader';
import { contentFiles, contentFromBundle, contentReload, writeContent } from './content-tables';
import { createCraftingReducers } from './crafting';
import { createEatingReducers } from './eating';
import { createGatheringReducers } from './gathering';
import { initRapier, type PhysicsCache, type PhysicsStats } from './physics';
import { createPhysicsStep, PHYSICS_STEP } from './physics-step';
import { createPlayerReducers } from './players';
import { createProjectReducers } from './projects';
import { FrontierRuntime, type FrontierOptions, type ResolvedOptions, type StepStats } from './runtime';
import { frontierSchema } from './tables';
import { createTradingReducers } from './trading';

/** What {@link createFrontier} returns. */
export interface Frontier {
  /** The module to pass to `createEngine`. */
  readonly module: FrontierModule;
  /**
   * The content loaded at start, which a new world's init writes (later reloads live in the
   * tables); undefined when `lenientContent` let invalid content through.
   */
  readonly content: Content | undefined;
  /** The content file texts loaded at start (undefined when `options.content` was given). */
  readonly sources: ContentSources | undefined;
  /** Every problem of the content read at start (empty when it is valid). */
  readonly contentProblems: readonly ContentProblem[];
  /** The content directory read at start (undefined when `options.content` was given). */
  readonly contentDir: string | undefined;
  /** The options with defaults filled. */
  readonly options: ResolvedOptions;
  /** Physics counters of one engine running this module. */
  physicsStats(engine: Engine<FrontierModule>): PhysicsStats;
  /** The physics cache of one engine running this module (tests clear it to prove rebuilds match). */
  physics(engine: Engine<FrontierModule>): PhysicsCache;
  /** Timing of the last physics step (any engine). */
  readonly lastStep: Readonly<StepStats>;
}

/** The Frontier module type. */
export type FrontierModule = ReturnType<typeof buildModule>;

function resolve(options: FrontierOptions): ResolvedOptions {
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
    maxPhysicsChunks: options.maxPhysicsChunks ?? 2048,
    physicsPrefilter: options.physicsPrefilter ?? true,
    demolishRefundPercent: options.demolishRefundPercent ?? 50,
    wellFedSpeedup: options.wellFedSpeedup ?? 0.25,
    maxWellFedMs: options.maxWellFedMs ?? 1_200_000,
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
    'maxPhysicsChunks',
    'maxWellFedMs',
  ] as const)
    if (!(o[key] >= (key === 'aoiChunks' ? 1 : 1))) throw bad(`${key} must be >= 1, got ${o[key]}`);
  return o;
}

/**
 * The init data of a new world: the content files it starts with, logged as `__init`'s payload
 * so a replay from tick 1 writes this content whatever the files say by then.
 */
function initDataOf(files: ContentSources | undefined, invalid: () => never) {
  return () => (files === undefined ? invalid() : { content: files });
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
      ctx.schedule(PHYSICS_STEP, {}, { atTick: ctx.tick + 1 });
      ctx.schedule(CHAT_PRUNE, {}, { inMs: chatPruneEveryMs(o.chatRetentionMs) });
    },
    clientConnected: players.clientConnected,
    clientDisconnected: players.clientDisconnected,
    serverStarted: players.serverStarted,
  });
}

/**
 * Creates the Frontier world module: loads and validates the content, initialises rapier, and
 * returns a module for `createEngine`. Init writes the content tables, generates the chunks around
 * the spawn point and schedules the physics step and chat pruning.
 *
 * @throws TickspaceError INVALID_CONTENT listing every content problem; INVALID_ARGUMENT for bad options.
 * @example
 * const frontier = await createFrontier({ seed: 'demo' });
 * const engine = createEngine({ module: frontier.module, seed: 'demo', tickMs: 50 });
 * engine.enqueue(alice, 'join', { name: 'Alice' });
 * engine.runTick();
 */
export async function createFrontier(options: FrontierOptions = {}): Promise<Frontier> {
  const resolved = resolve(options);
  let content = options.content;
  let sources: ContentSources | undefined;
  let problems: readonly ContentProblem[] = [];
  const dir = options.content === undefined ? (options.contentDir ?? DEFAULT_CONTENT_DIR) : undefined;
  if (dir !== undefined) {
    sources = await readContentSources(dir);
    const result = validateContent(sources);
    if (!result.ok && options.lenientContent !== true) throw contentError(result.problems, dir);
    content = result.content;
    problems = result.problems;
  }
  if (options.rapier === undefined) await initRapier();
  const rt = new FrontierRuntime(resolved, options.rapier);
  const files = content === undefined ? undefined : (sources ?? contentFiles(content));
  const module = buildModule(
    rt,
    initDataOf(files, () => {
      throw contentError(problems, `${dir}: this new world cannot start`);
    }),
  );
  return {
    module,
    content,
    sources,
    contentProblems: problems,
    contentDir: dir,
    options: resolved,
    physicsStats: (engine) => rt.physics(engine.db).stats,
    physics: (engine) => rt.physics(engine.db),
    lastStep: rt.lastStep,
  };
}
