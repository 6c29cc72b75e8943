/**
 * Frontier: the BitCraft-style world module. Tables, reducers and schedules written only against
 * the engine's public API, with its content loaded from data files. See README.md in this folder
 * for the tables, reducers and error codes.
 */
export { createFrontier } from './frontier';
export type { Frontier, FrontierModule } from './frontier';
export type { PlayerTravel, PlayerTravelPayload } from './travel';
export type { FrontierOptions, ResolvedOptions, StepStats } from './runtime';
export { frontierSchema } from './tables';
export type { FrontierTables } from './tables';
export { FRONTIER_ERRORS } from './errors';
export type { FrontierErrorCode } from './errors';
export { validateContent, formatProblem, contentError, CONTENT_PROBLEMS } from './content-loader';
export { loadContent, loadContentOrThrow, readContentSources, DEFAULT_CONTENT_DIR } from './content-files';
export type { ContentProblem, ContentProblemKind, ContentResult, ContentSources } from './content-loader';
export { CONTENT_TABLES } from './content-table-list';
export type { ContentTable } from './content-table-list';
export { watchContent, formatReload } from './hot-reload';
export type { ContentWatcher, ContentWatcherOptions, ReloadOutcome, ReloadTrigger } from './hot-reload';
export { serveContent } from './content-host';
export type { ServeContentOptions, ServedContent } from './content-host';
export {
  CONTENT_KINDS,
  contentHash,
  contentTableRows,
  diffContent,
  formatCounts,
  formatDiff,
  isEmptyDiff,
  storedContentRows,
} from './content-diff';
export type { ContentDiff, ContentKind, ContentTableRows, KindDiff } from './content-diff';
export { countOrphans } from './content-orphans';
export type { OrphanCounts } from './content-orphans';
export { contentVersions } from './content-history';
export type { ContentVersion } from './content-history';
export { PhysicsCache, RAPIER, initRapier, MAX_STEP_TILES, PHYSICS_MARGIN_TILES } from './physics';
export type { PhysicsOptions, PhysicsStats, Rapier } from './physics';
export { classifyTile, generateChunkTiles, generateChunkNodes, terrainParams } from './terrain';
export type { TerrainParams, TerrainBiome, NodeSpec } from './terrain';
export { levelForXp } from './skills';
export { ACTION_KINDS } from './actions';
export { CHAT_CHANNELS } from './chat';
export { PHYSICS_STEP } from './physics-step';
