import { isProjectBuilding } from '../loop/project-site-marks';
import type { BuildingDefRow } from '../world/rows';
import { h, replaceChildren, watchTables } from './dom';
import { itemCounts, itemName, type GameContext } from './game-context';
import { iconUrl } from './item-icon';

/**
 * The list of buildings with their costs. Picking one enters build mode: the scene shows a
 * placement ghost that follows the mouse (green where it can stand, red where not) and a click
 * places it; Escape or right click leaves build mode.
 */
export class BuildPanel {
  readonly element: HTMLElement;
  readonly #list: HTMLElement;
  readonly #ctx: GameContext;
  readonly #onPick: (def: BuildingDefRow) => void;
  readonly #off: () => void;

  constructor(ctx: GameContext, onPick: (def: BuildingDefRow) => void) {
    this.#ctx = ctx;
    this.#onPick = onPick;
    this.#list = h('div', { class: 'recipes' });
    this.element = h(
      'section',
      { class: 'panel build', 'data-panel': 'build', hidden: true },
      h('header', {}, 'Build', h('kbd', {}, 'B')),
      this.#list,
    );
    this.#off = watchTables(ctx.view, ['inventory', 'building_def', 'building_cost'], () => this.render());
  }

  toggle(visible = this.element.hidden): boolean {
    this.element.hidden = !visible;
    if (visible) this.render();
    return visible;
  }

  render(): void {
    if (this.element.hidden) return;
    const counts = itemCounts(this.#ctx);
    const costs = this.#ctx.view.table('building_cost').iter();
    const defs = this.#ctx.view
      .table('building_def')
      .iter()
      .filter((d) => !isProjectBuilding(this.#ctx.view, d.id))
      .sort((a, b) => a.name.localeCompare(b.name));
    const cards = defs.map((def) => {
      const cost = costs.filter((c) => c.buildingId === def.id).sort((a, b) => a.position - b.position);
      const ok = cost.every((c) => (counts.get(c.itemId) ?? 0) >= c.quantity);
      return h(
        'div',
        { class: `recipe ${ok ? 'ready' : 'blocked'}`, 'data-building': def.id },
        h('img', { src: iconUrl(def.iconShape, def.iconColor), alt: '' }),
        h(
          'div',
          { class: 'body' },
          h(
            'div',
            { class: 'name' },
            def.name,
            h(
              'small',
              {},
              ` ${def.width}×${def.height}${def.station ? ' · station' : ''}${def.storageSlots > 0 ? ` · ${def.storageSlots} slots` : ''}`,
            ),
          ),
          h(
            'div',
            { class: 'inputs' },
            ...cost.map((c) =>
              h(
                'span',
                { class: (counts.get(c.itemId) ?? 0) >= c.quantity ? 'have' : 'lack' },
                `${itemName(this.#ctx, c.itemId)} ${counts.get(c.itemId) ?? 0}/${c.quantity}`,
              ),
            ),
          ),
        ),
        h('button', { class: 'craft', disabled: !ok, onclick: () => this.#onPick(def) }, 'Place'),
      );
    });
    replaceChildren(this.#list, ...cards);
  }

  destroy(): void {
    this.#off();
    this.element.remove();
  }
}
