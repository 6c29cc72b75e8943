/**
 * A memory view holding Frontier's real content (content/*.json mapped to the content tables'
 * rows, as the server's loader maps them), for unit tests of code that reads names and rules.
 */
import items from '../../../content/items.json';
import recipes from '../../../content/recipes.json';
import resources from '../../../content/resources.json';
import skills from '../../../content/skills.json';
import buildings from '../../../content/buildings.json';
import { createMemoryView, type MemoryView } from '../../src/world/world-view';

interface Stack {
  item: string;
  quantity: number;
}

/** The view, with every item, recipe (inputs, outputs), resource, building (costs) and skill. */
export function contentView(): MemoryView {
  const view = createMemoryView();
  for (const i of items as {
    id: string;
    name: string;
    category: string;
    stackSize: number;
    icon: { shape: string; color: string };
    tool?: { kind: string; tier: number };
    description?: string;
    food?: { wellFedMs: number };
  }[])
    view.table('item_def').put({
      id: i.id,
      name: i.name,
      category: i.category,
      stackSize: i.stackSize,
      iconShape: i.icon.shape,
      iconColor: i.icon.color,
      toolKind: i.tool?.kind ?? '',
      toolTier: i.tool?.tier ?? 0,
      description: i.description ?? '',
      wellFedMs: i.food?.wellFedMs ?? 0,
    });
  for (const r of recipes as {
    id: string;
    name: string;
    station?: string;
    skill: string;
    level: number;
    xp: number;
    craftMs: number;
    inputs: Stack[];
    outputs: Stack[];
  }[]) {
    view.table('recipe_def').put({
      id: r.id,
      name: r.name,
      station: r.station ?? '',
      skill: r.skill,
      level: r.level,
      xp: r.xp,
      craftMs: r.craftMs,
    });
    r.inputs.forEach((s, position) =>
      view.table('recipe_input').put({ recipeId: r.id, itemId: s.item, quantity: s.quantity, position }),
    );
    r.outputs.forEach((s, position) =>
      view.table('recipe_output').put({ recipeId: r.id, itemId: s.item, quantity: s.quantity, position }),
    );
  }
  for (const r of resources as {
    id: string;
    name: string;
    item: string;
    quantityPerGather: number;
    amount: number;
    gatherMs: number;
    respawnMs: number;
    tool?: { kind: string; tier: number };
    skill: string;
    xp: number;
    blocks: boolean;
    radius: number;
    icon: { shape: string; color: string };
  }[])
    view.table('resource_def').put({
      id: r.id,
      name: r.name,
      itemId: r.item,
      quantityPerGather: r.quantityPerGather,
      amount: r.amount,
      gatherMs: r.gatherMs,
      respawnMs: r.respawnMs,
      toolKind: r.tool?.kind ?? '',
      toolTier: r.tool?.tier ?? 0,
      skill: r.skill,
      xp: r.xp,
      blocks: r.blocks,
      radius: r.radius,
      iconShape: r.icon.shape,
      iconColor: r.icon.color,
    });
  for (const b of buildings as {
    id: string;
    name: string;
    width: number;
    height: number;
    buildMs: number;
    storageSlots?: number;
    station?: boolean;
    blocks?: boolean;
    skill: string;
    xp: number;
    icon: { shape: string; color: string };
    cost: Stack[];
  }[]) {
    view.table('building_def').put({
      id: b.id,
      name: b.name,
      width: b.width,
      height: b.height,
      buildMs: b.buildMs,
      storageSlots: b.storageSlots ?? 0,
      station: b.station ?? false,
      blocks: b.blocks ?? true,
      skill: b.skill,
      xp: b.xp,
      iconShape: b.icon.shape,
      iconColor: b.icon.color,
    });
    b.cost.forEach((s, position) =>
      view.table('building_cost').put({ buildingId: b.id, itemId: s.item, quantity: s.quantity, position }),
    );
  }
  for (const s of skills as {
    id: string;
    name: string;
    maxLevel: number;
    xpBase: number;
    xpGrowth: number;
  }[])
    view.table('skill_def').put(s);
  return view;
}
