/**
 * Which picture an item gets: a silhouette per kind of thing (each tool kind, stick, log, plank,
 * rope, fibre, ingot, ore...), tinted with the item's content colour, and a pip colour per material
 * tier. Pure data, so the choice is tested apart from the drawing (`item-icon.ts`).
 */

/** The silhouettes items are drawn with. */
export const ITEM_GLYPHS = [
  'axe',
  'pickaxe',
  'knife',
  'sickle',
  'shovel',
  'stick',
  'log',
  'plank',
  'rope',
  'fiber',
  'ingot',
  'ore',
  'stone',
  'gem',
  'block',
  'berries',
  'food',
  'jar',
  'nails',
  'torch',
  'basket',
  'cloth',
  'lump',
] as const;
/** One of {@link ITEM_GLYPHS}. */
export type ItemGlyph = (typeof ITEM_GLYPHS)[number];

/** What {@link chooseItemArt} reads of an `item_def` row. */
export interface ItemArtInput {
  readonly id: string;
  readonly category: string;
  readonly toolKind: string;
  readonly toolTier: number;
  readonly iconShape: string;
  readonly iconColor: string;
}

/** The picture of an item. */
export interface ItemArt {
  readonly glyph: ItemGlyph;
  /** The content colour (`#rrggbb`): the tool's head, the material's body. */
  readonly color: string;
  /** Material tier (1 stone and flint, 2 copper, tin and bronze, 3 iron...), 0 when it has none. */
  readonly tier: number;
}

/** Tool kinds with a silhouette of their own; other kinds fall back to the shovel's long handle. */
const TOOL_GLYPHS: Readonly<Record<string, ItemGlyph>> = {
  axe: 'axe',
  pickaxe: 'pickaxe',
  knife: 'knife',
  sickle: 'sickle',
  shovel: 'shovel',
};

/** Items whose id says what they look like (content has no field for it). */
const ID_GLYPHS: Readonly<Record<string, ItemGlyph>> = {
  stick: 'stick',
  log: 'log',
  plank: 'plank',
  rope: 'rope',
  fiber: 'fiber',
  reed: 'fiber',
  stone: 'stone',
  flint: 'gem',
  glass: 'gem',
  clay: 'lump',
  sand: 'lump',
  charcoal: 'ore',
  coal: 'ore',
  brick: 'block',
  stone_block: 'block',
  berries: 'berries',
  nails: 'nails',
  torch: 'torch',
  basket: 'basket',
  cloth: 'cloth',
};

/** The tier a material word in an item id stands for. */
const MATERIAL_TIERS: Readonly<Record<string, number>> = {
  wooden: 1,
  stone: 1,
  flint: 1,
  copper: 2,
  tin: 2,
  bronze: 2,
  iron: 3,
  steel: 4,
};

/**
 * Pip colours by tier, index = tier: grey stone, bronze, steel blue, gold; past the table the
 * last one (a tier 9 tool still gets a pip).
 */
export const TIER_COLORS = ['', '#b9b2a5', '#d08a3c', '#9cc3e4', '#f4d35e'] as const;

/** The pip colour of a tier ('' for 0). */
export function tierColor(tier: number): string {
  if (tier <= 0) return '';
  return TIER_COLORS[Math.min(tier, TIER_COLORS.length - 1)]!;
}

/**
 * Picks an item's silhouette and tier: a tool by its kind and tier, an ingot or ore by its id's
 * suffix (tiered by the metal), then known ids, then by category and content shape.
 * @example
 * chooseItemArt({ id: 'bronze_axe', category: 'tool', toolKind: 'axe', toolTier: 2, iconShape: 'triangle', iconColor: '#cd7f32' });
 * // -> { glyph: 'axe', color: '#cd7f32', tier: 2 }
 */
export function chooseItemArt(def: ItemArtInput): ItemArt {
  const color = def.iconColor;
  if (def.toolKind !== '') return { glyph: TOOL_GLYPHS[def.toolKind] ?? 'shovel', color, tier: def.toolTier };
  const material = def.id.split('_')[0] ?? '';
  const metalTier = MATERIAL_TIERS[material] ?? 0;
  if (def.id.endsWith('_ingot')) return { glyph: 'ingot', color, tier: metalTier };
  if (def.id.endsWith('_ore')) return { glyph: 'ore', color, tier: metalTier };
  const known = ID_GLYPHS[def.id];
  if (known !== undefined) return { glyph: known, color, tier: 0 };
  if (def.category === 'food') return { glyph: def.iconShape === 'drop' ? 'jar' : 'food', color, tier: 0 };
  const byShape: Readonly<Record<string, ItemGlyph>> = {
    bar: 'plank',
    hex: 'ore',
    diamond: 'gem',
    square: 'block',
    triangle: 'nails',
  };
  return { glyph: byShape[def.iconShape] ?? 'lump', color, tier: 0 };
}
