/**
 * Frontier: the BitCraft-style world module. Tables, reducers and schedules written only against
 * the engine's public API, with its content loaded from data files. See README.md in this folder
 * for the tables, reducers and error codes.
 */
export { createFrontier } from './frontier';
export type { Frontier, FrontierModule } from './frontier';
export type { FrontierOptions, ResolvedOptions, StepStats } from './runtime';
export { frontierSchema } from './tables';
export type { FrontierTables } from './tables';
export { FRONTIER_ERRORS } from './errors';
export type { FrontierErrorCode } from './errors';
export {
  loadContent,
  loadContentOrThrow,
  validateContent,
  readContentSources,
  formatProblem,
  contentError,
  CONTENT_PROBLEMS,
  DEFAULT_CONTENT_DIR,
} from './content-loader';
export type { ContentProblem, ContentProblemKind, ContentResult, ContentSources } from './content-loader';
export { CONTENT_TABLES } from './content-table-list';
export type { ContentTable } from './content-table-list';
export { watchContent } from './hot-reload';
export type { ContentWatcher, ContentWatcherOptions, ReloadOutcome } from './hot-reload';
export { PhysicsCache, RAPIER, initRapier, MAX_STEP_TILES, PHYSICS_MARGIN_TILES } from './physics';
export type { PhysicsOptions, PhysicsStats, Rapier } from './physics';
export { classifyTile, generateChunkTiles, generateChunkNodes, terrainParams } from './terrain';
export type { TerrainParams, TerrainBiome, NodeSpec } from './terrain';
export { levelForXp } from './skills';
export { ACTION_KINDS } from './actions';
export { CHAT_CHANNELS } from './chat';
export { PHYSICS_STEP } from './physics-step';
