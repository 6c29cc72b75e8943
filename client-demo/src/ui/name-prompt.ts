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
      h(
        'button',
        { class: 'link spectate', type: 'button', onclick: () => this.#finish({ kind: 'spectate' }) },
        'Watch the world’s history instead',
      ),
      h(
        'p',
        { class: 'keys' },
        'WASD move · click to gather · C craft · B build · I inventory · Enter chat · F3 debug',
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

  #finish(choice: TitleChoice): void {
    this.#error.textContent = '';
    this.#button.disabled = true;
    const r = this.#resolve;
    this.#resolve = undefined;
    r?.(choice);
  }
}
