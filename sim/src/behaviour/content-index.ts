import type { Row } from '@tickspace/server/engine';
import type { FrontierTables } from '@tickspace/server/world';
import type { CachedDb } from './game-port';

type RecipeDef = Row<FrontierTables['recipe_def']>;
type ResourceDef = Row<FrontierTables['resource_def']>;
type BuildingDef = Row<FrontierTables['building_def']>;
type ItemDef = Row<FrontierTables['item_def']>;
type Settings = Row<FrontierTables['settings']>;

/** An item and a count. */
export interface Need {
  readonly itemId: string;
  readonly quantity: number;
}

/** A recipe with its inputs and outputs resolved. */
export interface Recipe {
  readonly def: RecipeDef;
  readonly inputs: readonly Need[];
  readonly outputs: readonly Need[];
}

/**
 * Frontier's content as a bot needs it: how to obtain an item (gather which resource, with which
 * tool; or craft which recipe, at which station), what a building costs. Built from the content
 * tables in a client cache, so bots learn the rules the way a browser client does; shared between
 * bots of one world because the content is the same for everyone.
 */
export class ContentIndex {
  readonly settings: Settings;
  readonly items = new Map<string, ItemDef>();
  readonly recipes = new Map<string, Recipe>();
  readonly resources = new Map<string, ResourceDef>();
  readonly buildings = new Map<string, BuildingDef>();
  readonly buildingCosts = new Map<string, Need[]>();
  /** item -> resources that yield it. */
  readonly sources = new Map<string, ResourceDef[]>();
  /** item -> recipes that make it. */
  readonly makers = new Map<string, Recipe[]>();
  /** content revision the index was built from. */
  readonly contentRev: number;

  constructor(db: CachedDb) {
    this.settings = db.settings.find(0)!;
    this.contentRev = db.world_info.find(0)?.contentRev ?? 0;
    for (const item of db.item_def.iter()) this.items.set(item.id, item);
    const inputs = new Map<string, { itemId: string; quantity: number; position: number }[]>();
    const outputs = new Map<string, { itemId: string; quantity: number; position: number }[]>();
    for (const r of db.recipe_input.iter()) push(inputs, r.recipeId, r);
    for (const r of db.recipe_output.iter()) push(outputs, r.recipeId, r);
    const byPosition = (a: { position: number }, b: { position: number }) => a.position - b.position;
    for (const def of sortById(db.recipe_def.iter())) {
      const recipe: Recipe = {
        def,
        inputs: (inputs.get(def.id) ?? [])
          .sort(byPosition)
          .map((r) => ({ itemId: r.itemId, quantity: r.quantity })),
        outputs: (outputs.get(def.id) ?? [])
          .sort(byPosition)
          .map((r) => ({ itemId: r.itemId, quantity: r.quantity })),
      };
      this.recipes.set(def.id, recipe);
      for (const o of recipe.outputs) push(this.makers, o.itemId, recipe);
    }
    for (const def of sortById(db.resource_def.iter())) {
      this.resources.set(def.id, def);
      push(this.sources, def.itemId, def);
    }
    for (const def of sortById(db.building_def.iter())) this.buildings.set(def.id, def);
    const costs = new Map<string, { itemId: string; quantity: number; position: number }[]>();
    for (const c of db.building_cost.iter()) push(costs, c.buildingId, c);
    for (const [id, list] of costs)
      this.buildingCosts.set(
        id,
        list.sort(byPosition).map((c) => ({ itemId: c.itemId, quantity: c.quantity })),
      );
  }

  /** Items that are tools of this kind with at least this tier, best (lowest tier that suffices) first. */
  toolsFor(kind: string, tier: number): ItemDef[] {
    return [...this.items.values()]
      .filter((i) => i.toolKind === kind && i.toolTier >= tier)
      .sort((a, b) => a.toolTier - b.toolTier || (a.id < b.id ? -1 : 1));
  }

  /** Stack size of an item (1 if unknown). */
  stackSize(itemId: string): number {
    return this.items.get(itemId)?.stackSize ?? 1;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function sortById<R extends { id: string }>(rows: Iterable<R>): R[] {
  return [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const shared = new WeakMap<object, ContentIndex>();

/**
 * The content index for a cache, shared by every cache whose content tables are the same objects
 * (in-process bots of one engine) and rebuilt when the content revision changes.
 */
export function contentIndexOf(db: CachedDb, key: object = db): ContentIndex {
  const rev = db.world_info.find(0)?.contentRev ?? 0;
  let index = shared.get(key);
  if (index === undefined || index.contentRev !== rev) {
    index = new ContentIndex(db);
    shared.set(key, index);
  }
  return index;
}
