import { h } from './dom';

/** Kinds of floating text: a gain, a loss (items used up), a level-up. */
export const FLOATER_KIND = { GAIN: 'gain', LOSS: 'loss', LEVEL: 'level' } as const;
/** One of {@link FLOATER_KIND}. */
export type FloaterKind = (typeof FLOATER_KIND)[keyof typeof FLOATER_KIND];

/** Options of {@link Floaters}. */
export interface FloatersOptions {
  /** Floaters shown at once; the oldest goes first. @default 8 */
  readonly maxVisible?: number;
  /** How long one floats before it is removed, ms (the CSS animation runs as long). @default 1600 */
  readonly durationMs?: number;
}

/** Vertical gap between floaters shown at the same moment, px. */
const STACK_PX = 18;
/** Lowest a floater's bottom edge may be from the window's top, px (it rises 34 px more). */
const TOP_MARGIN_PX = 60;
/** Floaters started within this long of each other stack instead of overlapping, ms. */
const STACK_WINDOW_MS = 250;

/**
 * Text that rises and fades over the player: `+2 Plant Fiber`, `−3 Plant Fiber`, `Level up!`.
 * Positioned in CSS px of the game view; several shown together stack upward.
 */
export class Floaters {
  readonly element = h('div', { class: 'floaters', 'aria-hidden': 'true' });
  readonly #max: number;
  readonly #durationMs: number;
  #lastAt = -Infinity;
  #stacked = 0;

  constructor(options: FloatersOptions = {}) {
    this.#max = options.maxVisible ?? 8;
    this.#durationMs = options.durationMs ?? 1600;
  }

  /** Shows `text` rising from (x, y), CSS px over the canvas. */
  show(text: string, kind: FloaterKind, x: number, y: number): void {
    const now = performance.now();
    this.#stacked = now - this.#lastAt < STACK_WINDOW_MS ? this.#stacked + 1 : 0;
    this.#lastAt = now;
    const el = h(
      'div',
      {
        class: `floater ${kind}`,
        'data-kind': kind,
        // The text's bottom edge sits at `top` (translate -100%): kept a line below the window's top.
        style: `left: ${Math.round(x)}px; top: ${Math.max(TOP_MARGIN_PX, Math.round(y - this.#stacked * STACK_PX))}px; animation-duration: ${this.#durationMs}ms`,
      },
      text,
    );
    this.element.append(el);
    while (this.element.children.length > this.#max) this.element.firstElementChild!.remove();
    el.addEventListener('animationend', () => el.remove());
    // Also on a timer: a background tab runs no animations, and floaters must not pile up there.
    setTimeout(() => el.remove(), this.#durationMs + 200);
  }
}
