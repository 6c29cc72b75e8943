import type { AvatarRow, TradeItemRow, TradeRow } from '../world/rows';
import { h, watchTables } from './dom';
import { backpack, itemName, type GameContext } from './game-context';
import { itemIconUrl } from './item-icon';

/**
 * One side's offer: a title, the acceptance mark, and one row per item, keyed by item id. Rows are
 * updated in place, so a row (and anything the pointer is on) survives every table change.
 */
class OfferColumn {
  readonly element: HTMLElement;
  readonly #title = h('span', {});
  readonly #check = h('span', { class: 'check', hidden: true }, ' ✔');
  readonly #empty = h('div', { class: 'empty' }, 'nothing yet');
  readonly #rows = new Map<string, { el: HTMLElement; img: HTMLImageElement; text: Text }>();
  readonly #ctx: GameContext;

  constructor(ctx: GameContext, side: 'mine' | 'theirs') {
    this.#ctx = ctx;
    this.element = h(
      'div',
      { class: `offer ${side}`, 'data-side': side },
      h('div', { class: 'title' }, this.#title, this.#check),
      this.#empty,
    );
  }

  sync(title: string, rows: readonly TradeItemRow[], accepted: boolean): void {
    if (this.#title.textContent !== title) this.#title.textContent = title;
    this.#check.hidden = !accepted;
    this.element.classList.toggle('accepted', accepted);
    this.#empty.hidden = rows.length > 0;
    const keep = new Set(rows.map((r) => r.itemId));
    for (const [itemId, row] of this.#rows)
      if (!keep.has(itemId)) {
        row.el.remove();
        this.#rows.delete(itemId);
      }
    for (const r of rows) {
      const def = this.#ctx.view.table('item_def').find(r.itemId);
      const text = `${r.quantity} × ${def?.name ?? r.itemId}`;
      let row = this.#rows.get(r.itemId);
      if (row === undefined) {
        const img = h('img', { alt: '' });
        const t = document.createTextNode('');
        row = { el: h('div', { class: 'item', 'data-item': r.itemId }, img, t), img, text: t };
        this.#rows.set(r.itemId, row);
        this.element.append(row.el);
      }
      const src = itemIconUrl(def, 20);
      if (row.img.getAttribute('src') !== src) row.img.src = src;
      if (row.text.data !== text) row.text.data = text;
      row.el.dataset.qty = String(r.quantity);
    }
  }
}

/**
 * The trade window, shown while the local player has an open trade or invitation.
 *
 * - Invited (the partner opened it and we have not answered): "Bob wants to trade" with what
 *   Bob offers, Accept / Decline (`trade_respond`).
 * - Inviting: our offer can be prepared while "waiting for Bob to answer".
 * - Open: both offers side by side, an "offer" row (item from the backpack and a quantity), the two
 *   acceptance marks, and Accept / Cancel. Any change to an offer clears both acceptances (the
 *   server enforces it), so nobody accepts something that changed under them.
 *
 * The window is built once and updated in place on every table change: buttons, the item select
 * and the quantity field stay the same nodes (a click in the middle of an update still lands, a
 * half-typed quantity stays), and every handler reads the current trade when it runs.
 */
export class TradeWindow {
  readonly element: HTMLElement;
  readonly #ctx: GameContext;
  readonly #off: () => void;
  readonly #title = h('header', {});
  readonly #invite: HTMLElement;
  readonly #question = h('div', { class: 'question' });
  readonly #waiting = h('div', { class: 'waiting' });
  readonly #mine: OfferColumn;
  readonly #theirs: OfferColumn;
  readonly #offerRow: HTMLElement;
  readonly #select = h('select', { class: 'offer-item' });
  readonly #qty = h('input', { class: 'offer-qty', type: 'number', min: 0, value: '1' });
  readonly #offerButton: HTMLButtonElement;
  readonly #actions: HTMLElement;
  readonly #acceptButton: HTMLButtonElement;
  readonly #options = new Map<string, HTMLOptionElement>();
  #tradeId: number | undefined;

  constructor(ctx: GameContext) {
    this.#ctx = ctx;
    this.#mine = new OfferColumn(ctx, 'mine');
    this.#theirs = new OfferColumn(ctx, 'theirs');
    this.#invite = h(
      'div',
      { class: 'invite', hidden: true },
      this.#question,
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'primary join', onclick: () => this.#respond(true) }, 'Accept'),
        h('button', { class: 'decline', onclick: () => this.#respond(false) }, 'Decline'),
      ),
    );
    this.#offerButton = h('button', { class: 'offer-button', onclick: () => void this.#offer() }, 'Offer');
    this.#offerRow = h('div', { class: 'offer-row' }, this.#select, this.#qty, this.#offerButton);
    this.#acceptButton = h(
      'button',
      {
        class: 'primary accept',
        onclick: () => this.#withTrade((id) => this.#ctx.call('trade_accept', { trade: id })),
      },
      'Accept',
    );
    this.#actions = h(
      'div',
      { class: 'actions' },
      this.#acceptButton,
      h(
        'button',
        {
          class: 'cancel',
          onclick: () => this.#withTrade((id) => this.#ctx.call('trade_cancel', { trade: id })),
        },
        'Cancel',
      ),
    );
    this.element = h(
      'section',
      { class: 'panel trade', 'data-panel': 'trade', hidden: true },
      this.#title,
      this.#invite,
      h('div', { class: 'offers' }, this.#mine.element, this.#theirs.element),
      this.#waiting,
      this.#offerRow,
      this.#actions,
    );
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

  /** Asks the server to open a trade with another player (an invitation they answer). */
  async open(partner: AvatarRow['identity']): Promise<void> {
    const existing = this.current();
    if (existing !== undefined && (existing.a === partner || existing.b === partner)) return;
    await this.#ctx.call('trade_open', { partner });
  }

  render(): void {
    const trade = this.current();
    this.element.hidden = trade === undefined;
    this.#tradeId = trade?.id;
    if (trade === undefined) return;
    const me = this.#ctx.identity();
    const mySide = trade.a === me ? 0 : 1;
    const partnerId = mySide === 0 ? trade.b : trade.a;
    const partnerName = this.#ctx.view.table('player').find(partnerId)?.name ?? 'Someone';
    const items = this.#ctx.view
      .table('trade_item')
      .iter()
      .filter((i) => i.tradeId === trade.id)
      .sort((x, y) => x.itemId.localeCompare(y.itemId));
    const myAccepted = mySide === 0 ? trade.aAccepted : trade.bAccepted;
    const theirAccepted = mySide === 0 ? trade.bAccepted : trade.aAccepted;
    const invited = mySide === 1 && !trade.bJoined;
    const inviting = mySide === 0 && !trade.bJoined;
    this.element.dataset.state = invited ? 'invited' : inviting ? 'inviting' : 'open';
    this.#title.textContent = invited ? 'Trade request' : `Trade with ${partnerName}`;
    this.#invite.hidden = !invited;
    this.#question.textContent = `${partnerName} wants to trade.`;
    this.#waiting.hidden = !inviting;
    this.#waiting.textContent = `Waiting for ${partnerName} to answer…`;
    this.#mine.element.hidden = invited;
    this.#mine.sync(
      'You offer',
      items.filter((i) => i.side === mySide),
      myAccepted,
    );
    this.#theirs.sync(
      `${partnerName} offers`,
      items.filter((i) => i.side !== mySide),
      theirAccepted,
    );
    this.#offerRow.hidden = invited;
    this.#actions.hidden = invited;
    const totals = this.#syncSelect();
    this.#offerButton.disabled = totals === 0;
    this.#acceptButton.disabled = myAccepted || inviting || items.length === 0;
    this.#acceptButton.textContent = myAccepted ? 'Accepted' : 'Accept';
    this.#acceptButton.title = items.length === 0 ? 'Put something in the trade first' : '';
  }

  destroy(): void {
    this.#off();
    this.element.remove();
  }

  /** Brings the item select up to date with the backpack, keyed by item id; keeps the selection. */
  #syncSelect(): number {
    const totals = new Map<string, number>();
    for (const s of backpack(this.#ctx)) totals.set(s.itemId, (totals.get(s.itemId) ?? 0) + s.quantity);
    for (const [id, option] of this.#options)
      if (!totals.has(id)) {
        option.remove();
        this.#options.delete(id);
      }
    for (const [id, n] of [...totals].sort((x, y) => x[0].localeCompare(y[0]))) {
      let option = this.#options.get(id);
      if (option === undefined) {
        option = h('option', { value: id });
        this.#options.set(id, option);
        this.#select.append(option);
      }
      const text = `${itemName(this.#ctx, id)} (${n})`;
      if (option.textContent !== text) option.textContent = text;
    }
    return totals.size;
  }

  #withTrade(action: (tradeId: number) => Promise<boolean>): void {
    const id = this.#tradeId;
    if (id !== undefined) void action(id);
  }

  #respond(accept: boolean): void {
    this.#withTrade((trade) => this.#ctx.call('trade_respond', { trade, accept }));
  }

  async #offer(): Promise<void> {
    const trade = this.#tradeId;
    const itemId = this.#select.value;
    const quantity = Math.floor(Number(this.#qty.value));
    if (trade === undefined || itemId === '') return;
    if (!Number.isFinite(quantity) || quantity < 0) {
      this.#ctx.toast('Enter how many to offer (0 takes the item back out).');
      return;
    }
    await this.#ctx.call('trade_offer', { trade, itemId, quantity });
  }
}
