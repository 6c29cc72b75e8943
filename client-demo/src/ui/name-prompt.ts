import { h } from './dom';

/** What the player chose on the title screen. */
export type TitleChoice = { readonly kind: 'play'; readonly name: string } | { readonly kind: 'spectate' };

/** Options of {@link NamePrompt}. */
export interface NamePromptOptions {
  /** Pre-filled name (the last one used on this browser). */
  readonly initialName?: string;
  /** Shortest name the server accepts. @default 3 */
  readonly minChars?: number;
  /** Longest name the server accepts. @default 16 */
  readonly maxChars?: number;
  /** Why the prompt is shown again (e.g. a rewind took the player away), above the name. */
  readonly notice?: string;
  /**
   * Checks an admin token with the server (time travel needs it). Without it the title screen
   * offers no time travel at all.
   */
  readonly checkAdminToken?: (token: string) => Promise<boolean>;
  /** An admin token kept from an earlier visit: pre-fills the time-travel field. */
  readonly storedAdminToken?: string;
}

/**
 * The title screen: asks for a name (letters, digits, '_' and '-', checked here for quick feedback
 * and again by the server) or offers the time-travel spectator mode.
 */
export class NamePrompt {
  readonly element: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #error: HTMLElement;
  readonly #button: HTMLButtonElement;
  readonly #min: number;
  readonly #max: number;
  #resolve: ((c: TitleChoice) => void) | undefined;

  constructor(options: NamePromptOptions = {}) {
    this.#min = options.minChars ?? 3;
    this.#max = options.maxChars ?? 16;
    this.#input = h('input', {
      id: 'player-name',
      name: 'name',
      placeholder: 'Your name',
      maxlength: this.#max,
      autocomplete: 'off',
      spellcheck: 'false',
      value: options.initialName ?? '',
    });
    this.#error = h('div', { class: 'error', role: 'alert' });
    this.#button = h('button', { class: 'primary', type: 'submit' }, 'Play');
    const form = h(
      'form',
      { class: 'title-card' },
      h('h1', {}, 'Frontier'),
      h('p', { class: 'tagline' }, 'Gather, craft and build in a shared world.'),
      options.notice === undefined
        ? null
        : h('p', { class: 'notice', role: 'status', 'data-notice': 'history' }, options.notice),
      h('label', { for: 'player-name' }, 'Choose a name'),
      this.#input,
      this.#error,
      this.#button,
      options.checkAdminToken === undefined
        ? null
        : this.#timeTravel(options.checkAdminToken, options.storedAdminToken ?? ''),
      h(
        'p',
        { class: 'keys' },
        'WASD move · click to gather · C craft · B build · I backpack · Enter chat · H keys',
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = this.#input.value.trim();
      const problem = this.validate(name);
      if (problem !== undefined) return this.showError(problem);
      this.#finish({ kind: 'play', name });
    });
    this.element = h('div', { class: 'overlay title', 'data-panel': 'title' }, form);
  }

  /** Why a name would be refused, or undefined when it looks fine. */
  validate(name: string): string | undefined {
    const n = [...name].length;
    if (n < this.#min || n > this.#max) return `A name has ${this.#min} to ${this.#max} characters.`;
    if (!/^[A-Za-z0-9_-]+$/.test(name)) return 'Use letters, digits, “_” and “-” only.';
    return undefined;
  }

  /** Shows the prompt and waits for a choice. */
  ask(): Promise<TitleChoice> {
    this.element.hidden = false;
    this.#button.disabled = false;
    queueMicrotask(() => this.#input.focus());
    return new Promise((resolve) => (this.#resolve = resolve));
  }

  /** Shows an error (e.g. the server's NAME_TAKEN) under the input. */
  showError(text: string): void {
    this.#error.textContent = text;
    this.#button.disabled = false;
  }

  hide(): void {
    this.element.hidden = true;
  }

  /**
   * Time travel is for the server's operator: a link reveals an admin-token field, and the token is
   * checked with the server before the viewer opens, so the title never offers a way that fails.
   */
  #timeTravel(check: (token: string) => Promise<boolean>, stored: string): HTMLElement {
    const input = h('input', {
      class: 'admin-token',
      type: 'password',
      placeholder: 'Admin token',
      autocomplete: 'off',
      value: stored,
    });
    const error = h('div', { class: 'error admin-error', role: 'alert' });
    const open = h('button', { type: 'button', class: 'open-history' }, 'Open');
    const field = h(
      'div',
      { class: 'time-travel-field', hidden: true },
      h('label', {}, 'Time travel: the admin token the server printed at start'),
      h('div', { class: 'time-travel' }, input, open),
      error,
    );
    const submit = async () => {
      const token = input.value.trim();
      if (token === '')
        return void (error.textContent = 'Enter the admin token the server printed at start.');
      open.disabled = true;
      const ok = await check(token).catch(() => false);
      open.disabled = false;
      if (!ok) return void (error.textContent = 'The server refused that admin token.');
      error.textContent = '';
      this.adminToken = token;
      this.#finish({ kind: 'spectate' });
    };
    open.addEventListener('click', () => void submit());
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      void submit();
    });
    const reveal = h(
      'button',
      {
        class: 'link spectate',
        type: 'button',
        onclick: () => {
          field.hidden = false;
          reveal.hidden = true;
          input.focus();
        },
      },
      'Time travel (server admin)',
    );
    return h('div', { class: 'time-travel-box' }, reveal, field);
  }

  /** The admin token accepted for time travel, once the player chose it. */
  adminToken: string | undefined;

  #finish(choice: TitleChoice): void {
    this.#error.textContent = '';
    this.#button.disabled = true;
    const r = this.#resolve;
    this.#resolve = undefined;
    r?.(choice);
  }
}
