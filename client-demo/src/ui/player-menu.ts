import type { AvatarRow } from '../world/rows';
import { h } from './dom';

/** The menu a click on another player opens: their name and what can be done with them (trade). */
export class PlayerMenu {
  readonly element = h('div', { class: 'player-menu', hidden: true });
  readonly #onTrade: (identity: AvatarRow['identity']) => void;

  constructor(onTrade: (identity: AvatarRow['identity']) => void) {
    this.#onTrade = onTrade;
  }

  /** Opens the menu for `player` at a viewport position, px. */
  show(player: AvatarRow, clientX: number, clientY: number): void {
    const menu = this.element;
    menu.replaceChildren(
      h('div', { class: 'who' }, player.name, player.online ? '' : h('small', {}, ' (away)')),
      h(
        'button',
        {
          onclick: () => {
            this.hide();
            this.#onTrade(player.identity);
          },
        },
        'Trade',
      ),
    );
    menu.hidden = false;
    // Kept inside the viewport: a click near an edge opens the menu towards the middle.
    const { width, height } = menu.getBoundingClientRect();
    menu.style.left = `${Math.max(4, Math.min(clientX, innerWidth - width - 12))}px`;
    menu.style.top = `${Math.max(4, Math.min(clientY, innerHeight - height - 12))}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
