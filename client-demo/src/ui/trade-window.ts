import type { AvatarRow, TradeItemRow, TradeRow } from '../world/rows';
import { h, replaceChildren, watchTables } from './dom';
import { backpack, itemName, type GameContext } from './game-context';
import { iconUrl } from './item-icon';

/**
 * The trade window: shown while the local player has an open trade. Both offers side by side,
 * an "offer" row (item from the backpack and a quantity), the two acceptance marks, and
 * Accept / Cancel. Any change to an offer clears both acceptances (the server enforces it), so
 * nobody accepts something that changed under them.
 */
export class TradeWindow {
  readonly element: HTMLElement;
  readonly #ctx: GameContext;
  readonly #off: () => void;
  readonly #body: HTMLElement;
  #itemSelect: HTMLSelectElement | undefined;
  #qtyInput: HTMLInputElement | undefined;

  constructor(ctx: GameContext) {
    this.#ctx = ctx;
    this.#body = h('div', { class: 'trade-body' });
    this.element = h('section', { class: 'panel trade', 'data-panel': 'trade', hidden: true }, this.#body);
    this.#off = watchTables(ctx.view, ['trade', 'trade_item', 'inventory', 'player'], () => this.render());
  }

  /** The local player's open trade, if any (the newest). */
  current(): TradeRow | undefined {
    const me = this.#ctx.identity();
    if (me === undefined) return undefined;
    return this.#ctx.view
      .table('trade')
      .iter()
      .filter((t) => t.a === me || t.b === me)
      .sort((x, y) => y.id - x.id)[0];
  }

  /** Asks the server to open a trade with another player. */
  async open(partner: AvatarRow['identity']): Promise<void> {
    const existing = this.current();
    if (existing !== undefined && (existing.a === partner || existing.b === partner)) return;
    await this.#ctx.call('trade_open', { partner });
  }

  render(): void {
    const trade = this.current();
    this.element.hidden = trade === undefined;
    if (trade === undefined) return;
    // Keep what the user is typing across re-renders.
    const keepItem = this.#itemSelect?.value;
    const keepQty = this.#qtyInput?.value;
    const me = this.#ctx.identity();
    const mySide = trade.a === me ? 0 : 1;
    const partnerId = mySide === 0 ? trade.b : trade.a;
    const partner = this.#ctx.view.table('player').find(partnerId);
    const items = this.#ctx.view
      .table('trade_item')
      .iter()
      .filter((i) => i.tradeId === trade.id);
    const mine = items.filter((i) => i.side === mySide);
    const theirs = items.filter((i) => i.side !== mySide);
    const myAccepted = mySide === 0 ? trade.aAccepted : trade.bAccepted;
    const theirAccepted = mySide === 0 ? trade.bAccepted : trade.aAccepted;
    const stacks = backpack(this.#ctx);
    const totals = new Map<string, number>();
    for (const s of stacks) totals.set(s.itemId, (totals.get(s.itemId) ?? 0) + s.quantity);
    const select = h(
      'select',
      { class: 'offer-item' },
      ...[...totals].map(([id, n]) => h('option', { value: id }, `${itemName(this.#ctx, id)} (${n})`)),
    );
    if (keepItem !== undefined && totals.has(keepItem)) select.value = keepItem;
    const qty = h('input', { class: 'offer-qty', type: 'number', min: 0, value: keepQty ?? '1' });
    this.#itemSelect = select;
    this.#qtyInput = qty;
    replaceChildren(
      this.#body,
      h('header', {}, `Trade with ${partner?.name ?? 'someone'}`),
      h(
        'div',
        { class: 'offers' },
        this.#column('You offer', mine, myAccepted, 'mine'),
        this.#column(
          `${partner?.name ?? 'They'} offer${partner === undefined ? '' : 's'}`,
          theirs,
          theirAccepted,
          'theirs',
        ),
      ),
      h(
        'div',
        { class: 'offer-row' },
        select,
        qty,
        h('button', { disabled: totals.size === 0, onclick: () => void this.#offer(trade.id) }, 'Offer'),
      ),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            class: 'primary accept',
            disabled: myAccepted,
            onclick: () => void this.#ctx.call('trade_accept', { trade: trade.id }),
          },
          myAccepted ? 'Accepted' : 'Accept',
        ),
        h(
          'button',
          { class: 'cancel', onclick: () => void this.#ctx.call('trade_cancel', { trade: trade.id }) },
          'Cancel',
        ),
      ),
    );
  }

  destroy(): void {
    this.#off();
    this.element.remove();
  }

  #column(title: string, rows: readonly TradeItemRow[], accepted: boolean, cls: string): HTMLElement {
    return h(
      'div',
      { class: `offer ${cls} ${accepted ? 'accepted' : ''}`, 'data-side': cls },
      h('div', { class: 'title' }, title, accepted ? h('span', { class: 'check' }, ' ✔') : ''),
      ...(rows.length === 0
        ? [h('div', { class: 'empty' }, 'nothing yet')]
        : rows.map((r) => {
            const def = this.#ctx.view.table('item_def').find(r.itemId);
            return h(
              'div',
              { class: 'item', 'data-item': r.itemId, 'data-qty': r.quantity },
              h('img', { src: iconUrl(def?.iconShape ?? 'circle', def?.iconColor ?? '#999', 20), alt: '' }),
              `${r.quantity} × ${def?.name ?? r.itemId}`,
            );
          })),
    );
  }

  async #offer(tradeId: number): Promise<void> {
    const itemId = this.#itemSelect?.value;
    const quantity = Math.max(0, Math.floor(Number(this.#qtyInput?.value ?? '0')));
    if (itemId === undefined || itemId === '' || !Number.isFinite(quantity)) return;
    await this.#ctx.call('trade_offer', { trade: tradeId, itemId, quantity });
  }
}
