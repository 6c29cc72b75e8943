/**
 * The names of the world's content tables (the rows `content/` holds), with no imports, so that a
 * browser client can read the list without bundling the world.
 */

/** The name of a content table. */
export type ContentTable =
  | 'item_def'
  | 'recipe_def'
  | 'recipe_input'
  | 'recipe_output'
  | 'resource_def'
  | 'building_def'
  | 'building_cost'
  | 'biome_def'
  | 'biome_resource'
  | 'skill_def'
  | 'quest_def'
  | 'quest_step'
  | 'project_def'
  | 'project_stage'
  | 'project_need'
  | 'settings';

/** The content tables, in the order they are written. */
export const CONTENT_TABLES: readonly ContentTable[] = [
  'item_def',
  'recipe_def',
  'recipe_input',
  'recipe_output',
  'resource_def',
  'building_def',
  'building_cost',
  'biome_def',
  'biome_resource',
  'skill_def',
  'quest_def',
  'quest_step',
  'project_def',
  'project_stage',
  'project_need',
  'settings',
];
