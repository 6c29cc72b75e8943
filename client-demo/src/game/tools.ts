import type { WorldView } from '../world/world-view';

/** A resource's tool requirement as the player stands: what it needs and the best they carry. */
export interface ToolCheck {
  /** The tool kind needed ('' when bare hands do). */
  readonly kind: string;
  readonly tier: number;
  /** The best tier of that kind in the backpack (0: none). */
  readonly have: number;
  readonly ok: boolean;
  /** The recipe that makes the weakest tool good enough, if the content has one. */
  readonly recipeId: string | undefined;
}

/**
 * The best tier of a tool kind among the items counted (the backpack), as the server's
 * `bestToolTier` computes it: any item whose `toolKind` matches counts.
 */
export function bestToolTier(view: WorldView, counts: ReadonlyMap<string, number>, kind: string): number {
  let best = 0;
  for (const [itemId, n] of counts) {
    if (n <= 0) continue;
    const def = view.table('item_def').find(itemId);
    if (def !== undefined && def.toolKind === kind && def.toolTier > best) best = def.toolTier;
  }
  return best;
}

/** The recipe whose output is the lowest-tier tool of `kind` at `tier` or better, if any. */
export function toolRecipe(view: WorldView, kind: string, tier: number): string | undefined {
  let best: { recipeId: string; tier: number } | undefined;
  for (const out of view.table('recipe_output').iter()) {
    const def = view.table('item_def').find(out.itemId);
    if (def === undefined || def.toolKind !== kind || def.toolTier < tier) continue;
    if (best === undefined || def.toolTier < best.tier) best = { recipeId: out.recipeId, tier: def.toolTier };
  }
  return best?.recipeId;
}

/**
 * Checks a resource kind's tool against the backpack before walking there: the server would
 * refuse at the node anyway, and a wasted walk is the worst way to learn it.
 */
export function checkTool(
  view: WorldView,
  counts: ReadonlyMap<string, number>,
  resourceId: string,
): ToolCheck {
  const def = view.table('resource_def').find(resourceId);
  if (def === undefined || def.toolKind === '')
    return { kind: '', tier: 0, have: 0, ok: true, recipeId: undefined };
  const have = bestToolTier(view, counts, def.toolKind);
  const ok = have >= def.toolTier;
  return {
    kind: def.toolKind,
    tier: def.toolTier,
    have,
    ok,
    recipeId: ok ? undefined : toolRecipe(view, def.toolKind, def.toolTier),
  };
}
