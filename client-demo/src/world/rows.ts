import type { ReducerCallArgs, ReducerName } from '@tickspace/server/client';
import type { Row } from '@tickspace/server/engine';
import type { FrontierModule, FrontierTables } from '@tickspace/server/world';

/**
 * Row types of the Frontier tables the client reads. Type-only imports: nothing from the world
 * module is bundled into the browser.
 */
export type { FrontierTables };
/** Name of a Frontier table. */
export type TableName = keyof FrontierTables & string;
/** The row type of a Frontier table. */
export type RowOf<N extends TableName> = Row<FrontierTables[N]>;

/** A reducer the player may call. */
export type FrontierReducer = ReducerName<FrontierModule>;
/** The typed arguments of a reducer. */
export type FrontierArgs<N extends FrontierReducer> = ReducerCallArgs<FrontierModule, N>;

export type PlayerRow = RowOf<'player'>;
export type AvatarRow = RowOf<'avatar'>;
export type ResourceNodeRow = RowOf<'resource_node'>;
export type BuildingRow = RowOf<'building'>;
export type TerrainChunkRow = RowOf<'terrain_chunk'>;
export type InventoryRow = RowOf<'inventory'>;
export type ChatMessageRow = RowOf<'chat_message'>;
export type TradeRow = RowOf<'trade'>;
export type TradeItemRow = RowOf<'trade_item'>;
export type RecipeDefRow = RowOf<'recipe_def'>;
export type BuildingDefRow = RowOf<'building_def'>;

/**
 * Primary key columns of every table the client keeps, in key order: a one-column key is the
 * column's value, a composite key a tuple (the SDK and the engine use the same convention).
 */
export const PRIMARY_KEYS = {
  item_def: ['id'],
  recipe_def: ['id'],
  recipe_input: ['recipeId', 'itemId'],
  recipe_output: ['recipeId', 'itemId'],
  resource_def: ['id'],
  building_def: ['id'],
  building_cost: ['buildingId', 'itemId'],
  biome_def: ['id'],
  biome_resource: ['biomeId', 'resourceId'],
  skill_def: ['id'],
  quest_def: ['id'],
  quest_step: ['questId', 'position'],
  project_def: ['id'],
  project_stage: ['projectId', 'position'],
  project_need: ['projectId', 'stage', 'itemId'],
  settings: ['id'],
  world_info: ['id'],
  terrain_chunk: ['id'],
  resource_node: ['id'],
  player: ['identity'],
  avatar: ['identity'],
  container: ['id'],
  inventory: ['containerId', 'slot'],
  skill: ['owner', 'skillId'],
  quest_progress: ['owner', 'questId'],
  action: ['owner'],
  building: ['id'],
  building_access: ['buildingId', 'identity'],
  trade: ['id'],
  trade_item: ['tradeId', 'side', 'itemId'],
  chat_message: ['id'],
  notice: ['id'],
  satiety: ['owner'],
  project_state: ['projectId'],
  project_delivery: ['projectId', 'itemId'],
  project_contributor: ['projectId', 'owner'],
} as const satisfies Partial<Record<TableName, readonly string[]>>;

/** A table the client keeps a cache of. */
export type ClientTableName = keyof typeof PRIMARY_KEYS;
