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
  /** Called when the input gets the keyboard (the game releases held movement keys). */
  readonly onOpen?: () => void;
}

/**
 * Chat: messages from the `chat_message` rows the client sees (local ones near the player,
 * global ones everywhere), a channel switch and an input. As in most games, Enter opens the input,
 * Enter again sends and gives the keys back to the game (an empty Enter just leaves), Escape leaves
 * without sending. While idle the panel lets clicks through to the world (only the input row
 * takes them); while typing it is `active` (the log scrolls, the game ignores its hotkeys).
 */
export class ChatBox {
  readonly element: HTMLElement;
  readonly #log: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #channelButton: HTMLButtonElement;
  readonly #ctx: GameContext;
  readonly #max: number;
  readonly #off: () => void;
  readonly #onOpen: (() => void) | undefined;
  #channel: ChatChannel = CHAT_CHANNEL.LOCAL;

  constructor(ctx: GameContext, options: ChatBoxOptions = {}) {
    this.#ctx = ctx;
    this.#onOpen = options.onOpen;
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
      // Keys typed here are text, never game input (the game's listener on window skips text fields).
      e.stopPropagation();
      if (e.key === 'Enter') {
        e.preventDefault();
        void this.#send();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.#input.value = '';
        this.leave();
      } else if (e.key === 'Tab') {
        e.preventDefault();
        this.#switchChannel();
      }
    });
    this.#input.addEventListener('focus', () => {
      this.element.classList.add('active');
      this.#onOpen?.();
    });
    this.#input.addEventListener('blur', () => this.element.classList.remove('active'));
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

  /** Opens the input: puts the keyboard focus in it. */
  focus(): void {
    this.#input.focus();
  }

  /** Leaves the input: the keys go back to the game. */
  leave(): void {
    this.#input.blur();
  }

  /** Whether the player is typing in the chat. */
  get typing(): boolean {
    return document.activeElement === this.#input;
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
    this.#input.value = '';
    this.leave();
    if (text === '') return;
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
