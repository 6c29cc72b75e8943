import { withArticle } from '@tickspace/server/world/articles';
import type { WorldView } from './world-view';

export { article, withArticle } from '@tickspace/server/world/articles';

/**
 * Display names and articles for sentences about the world, from the content tables: what players
 * read names items, resources, recipes, buildings and skills as the content does, never by id.
 */

/**
 * A tool requirement as players read it: the kind with its article and the tier.
 * @example
 * toolPhrase('axe', 1); // -> 'an axe (tier 1)'
 * toolPhrase('pickaxe', 2); // -> 'a pickaxe (tier 2)'
 */
export function toolPhrase(kind: string, tier: number): string {
  return `${withArticle(kind)} (tier ${tier})`;
}

/** An item's display name (the id when the content no longer has it). */
export function itemDisplayName(view: WorldView, itemId: string): string {
  return view.table('item_def').find(itemId)?.name ?? itemId;
}

/**
 * A quantity of an item as a floater or a trade line says it.
 * @example
 * itemAmount(view, 'fiber', 2); // -> '2 Plant Fiber'
 */
export function itemAmount(view: WorldView, itemId: string, quantity: number): string {
  return `${quantity} ${itemDisplayName(view, itemId)}`;
}

/**
 * A list in plain English: "a", "a and b", "a, b and c".
 * @example
 * listPhrase(['2 Stone', '1 Rope', '3 Stick']); // -> '2 Stone, 1 Rope and 3 Stick'
 */
export function listPhrase(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? 'nothing';
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]!}`;
}

/** A building kind's display name ("Workbench"). */
export function buildingDisplayName(view: WorldView, buildingKind: string): string {
  return view.table('building_def').find(buildingKind)?.name ?? buildingKind;
}

/** A skill's display name ("Woodcutting"). */
export function skillDisplayName(view: WorldView, skillId: string): string {
  return view.table('skill_def').find(skillId)?.name ?? skillId;
}
