import { h } from './dom';
import { TOAST_KIND, type ToastKind } from './game-context';

/** A button on a toast: the next step the message points at ("Show recipe"). */
export interface ToastAction {
  readonly label: string;
  readonly run: () => void;
}

/** Options of {@link Toasts}. */
export interface ToastsOptions {
  /** How long a message stays, ms. @default 4000 */
  readonly durationMs?: number;
  /** How long a message with a button stays, ms: long enough to reach for it. @default 8000 */
  readonly actionDurationMs?: number;
  /** Messages shown at once; older ones are dropped first. @default 4 */
  readonly maxVisible?: number;
}

/**
 * Short messages centred at the top, clear of the corner column (quest tracker, key legend) and
 * the minimap, so they never cover the tracker: reducer errors (readable text), notices from the server and
 * confirmations. A repeated message refreshes instead of stacking. Town site labels keep off them
 * as they keep off the minimap ({@link version} says when to look again).
 */
export class Toasts {
  readonly element = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  readonly #durationMs: number;
  readonly #actionDurationMs: number;
  readonly #max: number;
  #version = 0;

  constructor(options: ToastsOptions = {}) {
    this.#durationMs = options.durationMs ?? 4000;
    this.#actionDurationMs = options.actionDurationMs ?? 8000;
    this.#max = options.maxVisible ?? 4;
  }

  /** Goes up whenever a message comes or goes: what the toasts cover has changed. */
  get version(): number {
    return this.#version;
  }

  /**
   * Shows a message. `code` (an error code) is kept as the toast's `data-code` for tests and
   * tools, never shown: players read sentences, not codes. An `action` adds a button that runs it.
   */
  show(text: string, kind: ToastKind = TOAST_KIND.INFO, code?: string, action?: ToastAction): void {
    this.#version++;
    for (const el of this.element.children) {
      if ((el as HTMLElement).dataset.text === text) el.remove();
    }
    const el = h(
      'div',
      { class: `toast ${kind}`, 'data-kind': kind, 'data-text': text, 'data-code': code },
      h('span', {}, text),
      action === undefined
        ? null
        : h(
            'button',
            {
              class: 'toast-action',
              type: 'button',
              onclick: () => {
                el.remove();
                this.#version++;
                action.run();
              },
            },
            action.label,
          ),
    );
    this.element.append(el);
    while (this.element.children.length > this.#max) this.element.firstElementChild!.remove();
    setTimeout(
      () => {
        el.classList.add('leaving');
        setTimeout(() => {
          el.remove();
          this.#version++;
        }, 300);
      },
      action === undefined ? this.#durationMs : this.#actionDurationMs,
    );
  }
}
