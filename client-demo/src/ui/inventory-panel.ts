import { h, replaceChildren, watchTables } from './dom';
import { backpack, type GameContext } from './game-context';
import { itemIconUrl } from './item-icon';

/**
 * The backpack: one cell per slot with the item's icon and count, a tooltip with its name and
 * description. Redrawn once per tick in which the player's inventory changed.
 */
export class InventoryPanel {
  readonly element: HTMLElement;
  readonly #grid: HTMLElement;
  readonly #title: HTMLElement;
  readonly #ctx: GameContext;
  readonly #off: () => void;

  constructor(ctx: GameContext) {
    this.#ctx = ctx;
    this.#title = h('span', {}, 'Backpack');
    this.#grid = h('div', { class: 'slots' });
    this.element = h(
      'section',
      // Closed by default (I opens it): the world is what a new player should see first.
      { class: 'panel inventory', 'data-panel': 'inventory', hidden: true },
      h('header', {}, this.#title, h('kbd', {}, 'I')),
      this.#grid,
    );
    // Not the whole player table (it changes every tick while anyone moves): only our own row's arrival.
    const offRows = watchTables(ctx.view, ['inventory', 'container', 'item_def'], () => this.render());
    const offSelf = ctx.view.table('player').onInsert((p) => {
      if (p.identity === ctx.identity()) this.render();
    });
    this.#off = () => {
      offRows();
      offSelf();
    };
    this.render();
  }

  /** Shows or hides the panel; returns whether it is now visible. */
  toggle(visible = this.element.hidden): boolean {
    this.element.hidden = !visible;
    return visible;
  }

  render(): void {
    const me = this.#ctx.me();
    const slots =
      me === undefined ? 0 : (this.#ctx.view.table('container').find(me.containerId)?.slots ?? 24);
    const stacks = backpack(this.#ctx);
    const bySlot = new Map(stacks.map((s) => [s.slot, s]));
    const used = stacks.length;
    this.#title.textContent = `Backpack ${used}/${slots}`;
    const cells: HTMLElement[] = [];
    for (let slot = 0; slot < slots; slot++) {
      const s = bySlot.get(slot);
      if (s === undefined) {
        cells.push(h('div', { class: 'slot empty', 'data-slot': slot }));
        continue;
      }
      const def = this.#ctx.view.table('item_def').find(s.itemId);
      const title =
        def === undefined ? s.itemId : `${def.name}${def.description ? ` · ${def.description}` : ''}`;
      cells.push(
        h(
          'div',
          { class: 'slot', 'data-slot': slot, 'data-item': s.itemId, 'data-qty': s.quantity, title },
          h('img', {
            src: itemIconUrl(def),
            alt: def?.name ?? s.itemId,
            draggable: 'false',
          }),
          h('span', { class: 'qty' }, s.quantity),
        ),
      );
    }
    replaceChildren(this.#grid, ...cells);
  }

  destroy(): void {
    this.#off();
    this.element.remove();
  }
}
