import { h, watchTables } from '../ui/dom';
import { backpack, type GameContext } from '../ui/game-context';
import { syncList } from './keyed-list';
import './loop.css';

/** Formats ms as m:ss. */
function clock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The food chip under the quest tracker: "Well fed 2:35" (work goes faster) or "Hungry", and an
 * Eat button per kind of food in the backpack. The countdown reads the server's clock through
 * `serverNow`.
 */
export class FoodStatus {
  readonly element: HTMLElement;
  readonly #ctx: GameContext;
  readonly #state = h('span', { class: 'loop-fed' });
  readonly #foods = h('div', { class: 'loop-foods' });
  readonly #serverNow: () => number;
  readonly #off: () => void;
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(ctx: GameContext, serverNow: () => number) {
    this.#ctx = ctx;
    this.#serverNow = serverNow;
    this.element = h('section', { class: 'loop-food', 'data-panel': 'food' }, this.#state, this.#foods);
    this.#off = watchTables(ctx.view, ['satiety', 'inventory', 'item_def'], () => this.render());
    // The countdown only; the rows come from the table listeners above.
    this.#timer = setInterval(() => this.#renderState(), 1000);
    this.render();
  }

  #renderState(): void {
    const me = this.#ctx.identity();
    const fed = me === undefined ? undefined : this.#ctx.view.table('satiety').find(me as never);
    const left = (fed?.fedUntilMs ?? 0) - this.#serverNow();
    this.element.dataset.fed = String(left > 0);
    this.#state.textContent =
      left > 0 ? `Well fed ${clock(left)} · faster work` : 'Hungry · eat to work faster';
  }

  render(): void {
    this.#renderState();
    const items = this.#ctx.view.table('item_def');
    const foods = new Map<string, { itemId: string; slot: number; count: number }>();
    for (const r of backpack(this.#ctx)) {
      if ((items.find(r.itemId)?.wellFedMs ?? 0) === 0) continue;
      const f = foods.get(r.itemId);
      if (f === undefined) foods.set(r.itemId, { itemId: r.itemId, slot: r.slot, count: r.quantity });
      else f.count += r.quantity;
    }
    syncList(
      this.#foods,
      [...foods.values()],
      (f) => f.itemId,
      (f) => h('button', { 'data-action': 'eat', 'data-item': f.itemId }),
      (btn, f) => {
        const def = items.find(f.itemId);
        btn.textContent = `Eat ${def?.name ?? f.itemId} (${f.count})`;
        btn.title = `Well fed for ${clock(def?.wellFedMs ?? 0)} more`;
        (btn as HTMLButtonElement).onclick = () =>
          void this.#ctx.call('eat', { slot: f.slot }).then((ok) => {
            if (ok) this.#ctx.toast(`You ate ${def?.name ?? f.itemId}.`, 'success');
          });
      },
    );
  }

  destroy(): void {
    clearInterval(this.#timer);
    this.#off();
    this.element.remove();
  }
}
