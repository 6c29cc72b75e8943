import type { RecipeDefRow } from '../world/rows';
import { h, replaceChildren, watchTables } from './dom';
import { itemCounts, itemName, type GameContext } from './game-context';
import { itemIconUrl } from './item-icon';

/** Why a recipe cannot be crafted now, for display; empty when it can. */
export interface RecipeStatus {
  readonly recipe: RecipeDefRow;
  readonly inputs: readonly { itemId: string; quantity: number; have: number }[];
  readonly outputs: readonly { itemId: string; quantity: number }[];
  readonly missing: readonly string[];
}

/** Distance from a point to a rectangle (0 inside). */
function distanceToRect(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = Math.max(x0 - px, 0, px - x1);
  const dy = Math.max(y0 - py, 0, py - y1);
  return Math.hypot(dx, dy);
}

/**
 * Evaluates every recipe against the local player's inventory, skills and nearby stations, with
 * the same rules the `craft` reducer applies (the server still decides).
 */
export function recipeStatuses(ctx: GameContext): RecipeStatus[] {
  const view = ctx.view;
  const counts = itemCounts(ctx);
  const me = ctx.avatar();
  const identity = ctx.identity();
  const stationRadius = view.table('settings').find(0)?.stationRadiusTiles ?? 4;
  const inputsByRecipe = groupBy(view.table('recipe_input').iter(), (r) => r.recipeId);
  const outputsByRecipe = groupBy(view.table('recipe_output').iter(), (r) => r.recipeId);
  const buildings = view.table('building').iter();
  return view
    .table('recipe_def')
    .iter()
    .map((recipe) => {
      const inputs = (inputsByRecipe.get(recipe.id) ?? [])
        .sort((a, b) => a.position - b.position)
        .map((i) => ({ itemId: i.itemId, quantity: i.quantity, have: counts.get(i.itemId) ?? 0 }));
      const outputs = (outputsByRecipe.get(recipe.id) ?? [])
        .sort((a, b) => a.position - b.position)
        .map((o) => ({ itemId: o.itemId, quantity: o.quantity }));
      const missing: string[] = [];
      for (const i of inputs)
        if (i.have < i.quantity) missing.push(`${i.quantity - i.have} more ${itemName(ctx, i.itemId)}`);
      if (identity !== undefined && recipe.level > 1) {
        const level = view.table('skill').find([identity, recipe.skill])?.level ?? 1;
        if (level < recipe.level)
          missing.push(`${view.table('skill_def').find(recipe.skill)?.name ?? recipe.skill} ${recipe.level}`);
      }
      if (recipe.station !== '') {
        const near =
          me !== undefined &&
          buildings.some(
            (b) =>
              b.buildingId === recipe.station &&
              b.complete &&
              distanceToRect(me.x, me.y, b.x, b.y, b.x + b.width, b.y + b.height) <= stationRadius,
          );
        if (!near)
          missing.push(`a ${view.table('building_def').find(recipe.station)?.name ?? recipe.station} nearby`);
      }
      return { recipe, inputs, outputs, missing };
    })
    .sort(
      (a, b) =>
        Number(a.missing.length > 0) - Number(b.missing.length > 0) ||
        a.recipe.level - b.recipe.level ||
        a.recipe.name.localeCompare(b.recipe.name),
    );
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list === undefined) m.set(k, [r]);
    else list.push(r);
  }
  return m;
}

/**
 * Recipes from the content tables: each shows its output, its inputs with what the player holds,
 * and either a Craft button or what is missing (items, skill level, a station nearby).
 */
export class CraftingPanel {
  readonly element: HTMLElement;
  readonly #list: HTMLElement;
  readonly #ctx: GameContext;
  readonly #off: () => void;
  /** The recipe "Show recipe" pointed at. */
  #highlight: string | undefined;

  constructor(ctx: GameContext) {
    this.#ctx = ctx;
    this.#list = h('div', { class: 'recipes' });
    this.element = h(
      'section',
      { class: 'panel crafting', 'data-panel': 'crafting', hidden: true },
      h('header', {}, 'Crafting', h('kbd', {}, 'C')),
      this.#list,
    );
    this.#off = watchTables(
      ctx.view,
      ['inventory', 'recipe_def', 'recipe_input', 'recipe_output', 'skill', 'building'],
      () => this.render(),
    );
  }

  toggle(visible = this.element.hidden): boolean {
    this.element.hidden = !visible;
    if (visible) this.render();
    return visible;
  }

  /** Opens the panel scrolled to a recipe, marked until another one is shown. */
  showRecipe(recipeId: string): void {
    this.#highlight = recipeId;
    this.toggle(true);
    const card = this.#list.querySelector<HTMLElement>(`[data-recipe="${CSS.escape(recipeId)}"]`);
    card?.scrollIntoView({ block: 'nearest' });
  }

  render(): void {
    if (this.element.hidden) return;
    const scroll = this.#list.scrollTop;
    const cards = recipeStatuses(this.#ctx).map((s) => {
      const out = s.outputs[0];
      const outDef = out === undefined ? undefined : this.#ctx.view.table('item_def').find(out.itemId);
      const ok = s.missing.length === 0;
      return h(
        'div',
        {
          class: `recipe ${ok ? 'ready' : 'blocked'}${s.recipe.id === this.#highlight ? ' highlight' : ''}`,
          'data-recipe': s.recipe.id,
        },
        h('img', { src: itemIconUrl(outDef), alt: '' }),
        h(
          'div',
          { class: 'body' },
          h(
            'div',
            { class: 'name' },
            s.recipe.name,
            out !== undefined && out.quantity > 1 ? ` ×${out.quantity}` : '',
          ),
          h(
            'div',
            { class: 'inputs' },
            ...s.inputs.map((i) =>
              h(
                'span',
                { class: i.have >= i.quantity ? 'have' : 'lack', 'data-item': i.itemId },
                h('img', { src: itemIconUrl(this.#ctx.view.table('item_def').find(i.itemId), 16), alt: '' }),
                `${itemName(this.#ctx, i.itemId)} ${i.have}/${i.quantity}`,
              ),
            ),
          ),
          ok ? null : h('div', { class: 'missing' }, `Needs ${s.missing.join(', ')}`),
        ),
        h(
          'button',
          {
            class: 'craft',
            disabled: !ok,
            onclick: () => void this.#ctx.call('craft', { recipeId: s.recipe.id }),
          },
          'Craft',
        ),
      );
    });
    replaceChildren(this.#list, ...cards);
    // Re-rendered on every backpack change: the list stays where the player scrolled it.
    this.#list.scrollTop = scroll;
  }

  destroy(): void {
    this.#off();
    this.element.remove();
  }
}
