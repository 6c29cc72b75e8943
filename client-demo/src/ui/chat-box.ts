import { css } from '../render/colors';
import { playerColor } from '../render/sprite-art';
import type { ChatMessageRow } from '../world/rows';
import { h, replaceChildren, watchTables } from './dom';
import type { GameContext } from './game-context';

/** Chat channels, as the `say` reducer names them. */
export const CHAT_CHANNEL = { LOCAL: 'local', GLOBAL: 'global' } as const;
/** One of {@link CHAT_CHANNEL}. */
export type ChatChannel = (typeof CHAT_CHANNEL)[keyof typeof CHAT_CHANNEL];

/** Options of {@link ChatBox}. */
export interface ChatBoxOptions {
  /** Messages shown (newest). @default 60 */
  readonly maxShown?: number;
}

/**
 * Chat: messages from the `chat_message` rows the client sees (local ones near the player,
 * global ones everywhere), a channel switch and an input. Enter focuses the input and sends;
 * Escape returns the keys to the game.
 */
export class ChatBox {
  readonly element: HTMLElement;
  readonly #log: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #channelButton: HTMLButtonElement;
  readonly #ctx: GameContext;
  readonly #max: number;
  readonly #off: () => void;
  #channel: ChatChannel = CHAT_CHANNEL.LOCAL;

  constructor(ctx: GameContext, options: ChatBoxOptions = {}) {
    this.#ctx = ctx;
    this.#max = options.maxShown ?? 60;
    this.#log = h('div', { class: 'chat-log', 'aria-live': 'polite' });
    this.#channelButton = h('button', {
      class: 'channel',
      type: 'button',
      title: 'Switch channel (Tab)',
      onclick: () => this.#switchChannel(),
    });
    this.#input = h('input', {
      class: 'chat-input',
      placeholder: 'Press Enter to chat',
      maxlength: 200,
      autocomplete: 'off',
    });
    this.#input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        void this.#send();
      } else if (e.key === 'Escape') {
        this.#input.value = '';
        this.#input.blur();
      } else if (e.key === 'Tab') {
        e.preventDefault();
        this.#switchChannel();
      }
    });
    this.element = h(
      'section',
      { class: 'chat', 'data-panel': 'chat' },
      this.#log,
      h('div', { class: 'chat-row' }, this.#channelButton, this.#input),
    );
    this.#showChannel();
    this.#off = watchTables(ctx.view, ['chat_message'], () => this.render());
    this.render();
  }

  /** Puts the keyboard focus in the input. */
  focus(): void {
    this.#input.focus();
  }

  render(): void {
    const rows = this.#ctx.view
      .table('chat_message')
      .iter()
      .sort((a, b) => a.sentMs - b.sentMs || a.id - b.id)
      .slice(-this.#max);
    const atBottom = this.#log.scrollTop + this.#log.clientHeight >= this.#log.scrollHeight - 4;
    replaceChildren(this.#log, ...rows.map((r) => this.#line(r)));
    if (atBottom) this.#log.scrollTop = this.#log.scrollHeight;
  }

  destroy(): void {
    this.#off();
    this.element.remove();
  }

  #line(r: ChatMessageRow): HTMLElement {
    return h(
      'div',
      { class: `line ${r.channel}`, 'data-channel': r.channel },
      h('span', { class: 'tag' }, r.channel === CHAT_CHANNEL.GLOBAL ? 'G' : 'L'),
      h('b', { style: `color:${css(playerColor(r.sender))}` }, r.senderName),
      ': ',
      h('span', { class: 'text' }, r.text),
    );
  }

  async #send(): Promise<void> {
    const text = this.#input.value.trim();
    if (text === '') {
      this.#input.blur();
      return;
    }
    this.#input.value = '';
    await this.#ctx.call('say', { channel: this.#channel, text });
  }

  #switchChannel(): void {
    this.#channel = this.#channel === CHAT_CHANNEL.LOCAL ? CHAT_CHANNEL.GLOBAL : CHAT_CHANNEL.LOCAL;
    this.#showChannel();
  }

  #showChannel(): void {
    this.#channelButton.textContent = this.#channel === CHAT_CHANNEL.LOCAL ? 'Local' : 'Global';
    this.#channelButton.dataset.channel = this.#channel;
  }
}
