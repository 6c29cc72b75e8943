import { h, typingInField } from './dom';

/** One entry of the key legend: the keys shown, what they do, and the key codes that count as using it. */
export interface KeyHelpEntry {
  readonly key: string;
  readonly what: string;
  /** `KeyboardEvent.code`s that use this entry; 'click' for a click on the world. */
  readonly codes: readonly string[];
}

/** The keys the game answers to, as shown in the corner legend. */
const KEY_HELP: readonly KeyHelpEntry[] = [
  {
    key: 'WASD',
    what: 'move',
    codes: ['KeyW', 'KeyA', 'KeyS', 'KeyD', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'],
  },
  { key: 'Click', what: 'gather / walk', codes: ['click'] },
  { key: 'E', what: 'interact', codes: ['KeyE', 'Space'] },
  { key: 'C', what: 'craft', codes: ['KeyC'] },
  { key: 'B', what: 'build', codes: ['KeyB'] },
  { key: 'K', what: 'skills', codes: ['KeyK'] },
  { key: 'I', what: 'bag', codes: ['KeyI'] },
  { key: 'T', what: 'trade', codes: ['KeyT'] },
  { key: 'Enter', what: 'chat', codes: ['Enter'] },
  { key: 'F3', what: 'debug', codes: ['F3'] },
  { key: 'H', what: 'hide keys', codes: [] },
];

/** The key that shows or hides the legend. */
const KEY_HELP_TOGGLE = 'KeyH';

/** localStorage key of the legend's state, versioned like the session keys. */
const KEY_HELP_STORAGE = 'tickspace.frontier.keyHelp.v1';

/** Options of {@link KeyLegend}. */
export interface KeyLegendOptions {
  /** Where clicks on the world happen (counts as using "Click"). */
  readonly canvas?: HTMLElement;
  /** Entries used before the legend collapses on its own (the player has learned the keys). @default 4 */
  readonly collapseAfterUses?: number;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The key legend in the bottom bar, on a dark backdrop so it reads on grass and sand. It marks each
 * entry the player has used and collapses to a small "H keys" pill once `collapseAfterUses`
 * different entries were used; H shows or hides it at any time. The collapsed state is remembered
 * in localStorage, so a returning player is not shown it again.
 */
export class KeyLegend {
  readonly element: HTMLElement;
  readonly #entries = new Map<string, HTMLElement>();
  readonly #used = new Set<string>();
  readonly #collapseAfter: number;
  readonly #offs: (() => void)[] = [];

  constructor(options: KeyLegendOptions = {}) {
    this.#collapseAfter = options.collapseAfterUses ?? 4;
    const items = KEY_HELP.map((entry) => {
      const el = h('span', { 'data-key': entry.key }, h('kbd', {}, entry.key), ` ${entry.what}`);
      this.#entries.set(entry.key, el);
      return el;
    });
    const pill = h(
      'button',
      { class: 'help-pill', type: 'button', title: 'Show the keys (H)', onclick: () => this.toggle(true) },
      h('kbd', {}, 'H'),
      ' keys',
    );
    this.element = h(
      'div',
      { class: 'help', 'data-panel': 'help' },
      h('div', { class: 'keys' }, ...items),
      pill,
    );
    this.#setCollapsed(storage()?.getItem(KEY_HELP_STORAGE) === 'collapsed');
    const onKey = (e: KeyboardEvent) => {
      if (typingInField(e) || e.repeat) return;
      if (e.code === KEY_HELP_TOGGLE) this.toggle();
      else this.note(e.code);
    };
    window.addEventListener('keydown', onKey);
    this.#offs.push(() => window.removeEventListener('keydown', onKey));
    const canvas = options.canvas;
    if (canvas !== undefined) {
      const onClick = () => this.note('click');
      canvas.addEventListener('pointerdown', onClick);
      this.#offs.push(() => canvas.removeEventListener('pointerdown', onClick));
    }
  }

  /** Whether only the pill shows. */
  get collapsed(): boolean {
    return this.element.classList.contains('collapsed');
  }

  /** Shows (`true`), hides (`false`) or flips the legend, and remembers the choice. */
  toggle(open = this.collapsed): void {
    this.#setCollapsed(!open);
    storage()?.setItem(KEY_HELP_STORAGE, open ? 'open' : 'collapsed');
  }

  /** Records a use of a key code (or 'click'); collapses once enough entries were used. */
  note(code: string): void {
    const entry = KEY_HELP.find((e) => e.codes.includes(code));
    if (entry === undefined || this.#used.has(entry.key)) return;
    this.#used.add(entry.key);
    this.#entries.get(entry.key)?.classList.add('used');
    // Only a legend nobody chose to keep open collapses on its own.
    if (this.#used.size >= this.#collapseAfter && storage()?.getItem(KEY_HELP_STORAGE) !== 'open')
      this.toggle(false);
  }

  destroy(): void {
    for (const off of this.#offs) off();
    this.element.remove();
  }

  #setCollapsed(collapsed: boolean): void {
    this.element.classList.toggle('collapsed', collapsed);
  }
}
