/**
 * The schema of Frontier's content files: one zod schema per file (one table per file).
 *
 * Types are checked here; references between tables, duplicate ids and balance are checked by the
 * loader (`server/src/world/content-loader.ts`), which reports every problem at once.
 */
import { z } from 'zod';

/** Content ids: lowercase snake_case, so they read well in data files and never need escaping. */
export const contentId = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{1,39}$/,
    'an id is 2 to 40 characters: a lowercase letter, then lowercase letters, digits or _',
  );

const displayName = z.string().min(1, 'a name cannot be empty').max(40, 'a name is at most 40 characters');
const hexColor = z.string().regex(/^#[0-9a-f]{6}$/, 'a colour is #rrggbb in lowercase hex');
const quantity = z.number().int().min(1).max(9999);
const durationMs = z.number().int().min(0).max(3_600_000);

/** Icon shapes the clients draw procedurally (no image files needed). */
export const ICON_SHAPES = ['circle', 'square', 'diamond', 'triangle', 'hex', 'star', 'bar', 'drop'] as const;
/** Tool kinds a resource can require. */
export const TOOL_KINDS = ['axe', 'pickaxe', 'knife', 'sickle', 'shovel'] as const;
/** Item categories (for sorting and the client's inventory tabs). */
export const ITEM_CATEGORIES = ['resource', 'material', 'tool', 'food', 'component'] as const;
/** Biome kinds: water and cliff tiles block movement. */
export const BIOME_KINDS = ['land', 'water', 'cliff'] as const;

/** A procedural icon: a shape and a colour. */
export const iconSchema = z.strictObject({ shape: z.enum(ICON_SHAPES), color: hexColor });

/** A tool requirement or a tool's capability: kind plus tier (1 = stone ... 4 = steel). */
export const toolSchema = z.strictObject({ kind: z.enum(TOOL_KINDS), tier: z.number().int().min(1).max(5) });

/** An item and a count (recipe inputs and outputs, building costs). */
export const stackSchema = z.strictObject({ item: contentId, quantity });

/** items.json: every item that can sit in an inventory. */
export const itemSchema = z.strictObject({
  id: contentId,
  name: displayName,
  category: z.enum(ITEM_CATEGORIES),
  /** Most of this item one inventory slot holds. */
  stackSize: z.number().int().min(1).max(999),
  icon: iconSchema,
  /** Present if the item is a tool: what it lets its holder gather. */
  tool: toolSchema.optional(),
  /**
   * Present if eating the item does something: it leaves the eater well fed for `wellFedMs` more
   * (gathering, crafting and construction go faster while well fed).
   */
  food: z.strictObject({ wellFedMs: z.number().int().min(1000).max(3_600_000) }).optional(),
  description: z.string().max(200).default(''),
});

/** recipes.json: inputs become outputs, optionally at a station, gated by a skill level. */
export const recipeSchema = z.strictObject({
  id: contentId,
  name: displayName,
  /** A building id whose completed instance must be near the crafter. */
  station: contentId.optional(),
  skill: contentId,
  /** Skill level needed to craft. */
  level: z.number().int().min(1).max(99),
  /** Experience granted to `skill` per craft. */
  xp: z.number().int().min(0).max(100_000),
  craftMs: durationMs,
  inputs: z.array(stackSchema).max(8),
  outputs: z.array(stackSchema).max(4),
});

/** resources.json: kinds of resource node the world generator places. */
export const resourceSchema = z.strictObject({
  id: contentId,
  name: displayName,
  /** The item one gather yields. */
  item: contentId,
  quantityPerGather: z.number().int().min(1).max(99),
  /** Gathers before the node is depleted. */
  amount: z.number().int().min(1).max(999),
  gatherMs: durationMs,
  respawnMs: z.number().int().min(1000).max(86_400_000),
  tool: toolSchema.optional(),
  skill: contentId,
  xp: z.number().int().min(0).max(100_000),
  /** Whether players collide with the node. */
  blocks: z.boolean(),
  /** Collision and display radius in tiles; at most half a tile, so nodes on different tiles never overlap. */
  radius: z.number().min(0.1).max(0.5),
  icon: iconSchema,
});

/** buildings.json: structures players place. */
export const buildingSchema = z.strictObject({
  id: contentId,
  name: displayName,
  /** Footprint in tiles. */
  width: z.number().int().min(1).max(8),
  height: z.number().int().min(1).max(8),
  /** Construction work needed after placement. */
  buildMs: durationMs,
  cost: z.array(stackSchema).min(1, 'a building must cost something').max(8),
  /** Inventory slots of a storage building; 0 = not a storage. */
  storageSlots: z.number().int().min(0).max(96).default(0),
  /** Whether recipes can name this building as their station. */
  station: z.boolean().default(false),
  blocks: z.boolean().default(true),
  skill: contentId,
  xp: z.number().int().min(0).max(100_000),
  icon: iconSchema,
});

const unitRange = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);

/** biomes.json: terrain kinds, how the generator picks them and which resources grow there. */
export const biomeSchema = z.strictObject({
  id: contentId,
  name: displayName,
  kind: z.enum(BIOME_KINDS),
  /** The byte stored in terrain chunks for this biome's tiles. */
  tile: z.number().int().min(0).max(255),
  color: hexColor,
  /** Movement speed multiplier on this biome's tiles. */
  speedFactor: z.number().min(0.1).max(2),
  /** Land biomes: the climate window [min, max] in which the generator picks this biome (first match by tile). */
  temperature: unitRange.default([0, 1]),
  moisture: unitRange.default([0, 1]),
  /** Resource kinds and their density (chance per tile). */
  resources: z
    .array(z.strictObject({ resource: contentId, density: z.number().min(0).max(0.25) }))
    .default([]),
});

/** skills.json: skills and their experience curve. */
export const skillSchema = z.strictObject({
  id: contentId,
  name: displayName,
  maxLevel: z.number().int().min(1).max(99),
  /** Experience from level 1 to 2; each later level needs `xpGrowth` times the previous. */
  xpBase: z.number().int().min(1).max(1_000_000),
  xpGrowth: z.number().min(1).max(3),
});

/** What a quest step asks for: gather items, craft a recipe, or complete a building, `quantity` times. */
export const QUEST_GOAL_KINDS = ['gather', 'craft', 'build'] as const;

/**
 * A quest step's goal. `gather` counts items of `item` gathered from resource nodes; `craft` counts
 * completed crafts of `recipe`; `build` counts completed buildings of kind `building`.
 */
export const questGoalSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('gather'), item: contentId, quantity }),
  z.strictObject({ kind: z.literal('craft'), recipe: contentId, quantity }),
  z.strictObject({ kind: z.literal('build'), building: contentId, quantity }),
]);

/** One step of a quest: what to do and a hint pointing at the resource, recipe or building. */
export const questStepSchema = z.strictObject({
  /** What the tracker shows, e.g. "Gather plant fibre". */
  text: z.string().min(1).max(60),
  goal: questGoalSchema,
  /** Where to go or what to open next, e.g. "Fibre grass grows in the meadow; click it". */
  hint: z.string().min(1).max(120),
});

/** quests.json: quest lines, in the order the tracker offers them; each a list of steps done in order. */
export const questSchema = z.strictObject({
  id: contentId,
  name: displayName,
  steps: z.array(questStepSchema).min(1, 'a quest needs at least one step').max(50),
});

/** One stage of a town project: the materials it consumes and the building it raises on the site. */
export const projectStageSchema = z.strictObject({
  name: displayName,
  /** Materials players deliver; the stage completes when every one is delivered in full. */
  needs: z.array(stackSchema).min(1, 'a stage must need something').max(8),
  /** Building kind placed on the site when the stage completes (it replaces the previous stage's). */
  building: contentId,
});

/**
 * projects.json: shared goals many players contribute to over days. A project has a site (its
 * top-left tile, relative to the world's spawn point) and stages completed in order.
 */
export const projectSchema = z.strictObject({
  id: contentId,
  name: displayName,
  description: z.string().max(200).default(''),
  /** Site offset from the spawn point, tiles (top-left of the footprint). */
  site: z.strictObject({ dx: z.number().int().min(-200).max(200), dy: z.number().int().min(-200).max(200) }),
  /** Footprint of the site; every stage's building must fit in it. */
  width: z.number().int().min(1).max(8),
  height: z.number().int().min(1).max(8),
  stages: z.array(projectStageSchema).min(1, 'a project needs at least one stage').max(20),
});

/** settings.json: one object of gameplay constants. */
export const settingsSchema = z.strictObject({
  /** Walking speed on a biome with speedFactor 1. */
  playerSpeedTilesPerSec: z.number().min(0.5).max(20),
  /** Collision radius of a player. */
  playerRadiusTiles: z.number().min(0.1).max(0.5),
  /** How far from a node's or station's edge a player may act. */
  reachTiles: z.number().min(0.5).max(10),
  inventorySlots: z.number().int().min(1).max(96),
  tradeRadiusTiles: z.number().min(1).max(50),
  stationRadiusTiles: z.number().min(1).max(50),
  buildRangeTiles: z.number().min(1).max(50),
  /** Work one construct action adds. */
  constructStepMs: z.number().int().min(100).max(60_000),
  /** Biome forced around the spawn point. */
  startBiome: contentId,
  /** Radius of the starting area around the spawn point. */
  startRadiusTiles: z.number().int().min(4).max(256),
});

/** The content files, their names and schemas. */
export const CONTENT_FILES = {
  items: { file: 'items.json', row: itemSchema },
  recipes: { file: 'recipes.json', row: recipeSchema },
  resources: { file: 'resources.json', row: resourceSchema },
  buildings: { file: 'buildings.json', row: buildingSchema },
  biomes: { file: 'biomes.json', row: biomeSchema },
  skills: { file: 'skills.json', row: skillSchema },
  quests: { file: 'quests.json', row: questSchema },
  projects: { file: 'projects.json', row: projectSchema },
} as const;

/**
 * Files a content directory may leave out, read as an empty array: quests came after worlds whose
 * logged content has none, and a world with no quests is still a world.
 */
export const OPTIONAL_FILES: readonly string[] = ['quests.json', 'projects.json'];

/** The settings file (one object, not a table). */
export const SETTINGS_FILE = 'settings.json';

export type Item = z.output<typeof itemSchema>;
export type Recipe = z.output<typeof recipeSchema>;
export type Resource = z.output<typeof resourceSchema>;
export type Building = z.output<typeof buildingSchema>;
export type Biome = z.output<typeof biomeSchema>;
export type Skill = z.output<typeof skillSchema>;
export type Settings = z.output<typeof settingsSchema>;
export type Quest = z.output<typeof questSchema>;
export type QuestGoal = z.output<typeof questGoalSchema>;
export type Project = z.output<typeof projectSchema>;
export type Stack = z.output<typeof stackSchema>;
export type Tool = z.output<typeof toolSchema>;

/** Validated content: every table plus the settings. */
export interface Content {
  readonly items: readonly Item[];
  readonly recipes: readonly Recipe[];
  readonly resources: readonly Resource[];
  readonly buildings: readonly Building[];
  readonly biomes: readonly Biome[];
  readonly skills: readonly Skill[];
  readonly quests: readonly Quest[];
  readonly projects: readonly Project[];
  readonly settings: Settings;
}
