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

/** Least vertical room one floater line keeps above the next newer one, px. */
const STACK_PX = 18;
/** Lowest a floater's bottom edge may be from the window's top, px (it rises 34 px more). */
const TOP_MARGIN_PX = 60;

/** A floater on screen: where it started (its bottom edge) and how far newer ones pushed it up. */
interface LiveFloater {
  readonly el: HTMLElement;
  readonly y: number;
  lift: number;
}

/**
 * Text that rises and fades over the player: `+2 Plant Fiber`, `−3 Plant Fiber`, `Level up!`.
 * Positioned in CSS px of the game view. A new line starts at the player; the lines still rising
 * move up to make room, each at least a line above the next newer one. Every line rises along the
 * same curve and an older one has always risen at least as far, so that distance holds for as
 * long as both are shown.
 */
export class Floaters {
  readonly element = h('div', { class: 'floaters', 'aria-hidden': 'true' });
  readonly #max: number;
  readonly #durationMs: number;
  /** Oldest first. */
  #live: LiveFloater[] = [];

  constructor(options: FloatersOptions = {}) {
    this.#max = options.maxVisible ?? 8;
    this.#durationMs = options.durationMs ?? 1600;
  }

  /** Shows `text` rising from (x, y), CSS px over the canvas. */
  show(text: string, kind: FloaterKind, x: number, y: number): void {
    const el = h(
      'div',
      {
        class: `floater ${kind}`,
        'data-kind': kind,
        style: `left: ${Math.round(x)}px; animation-duration: ${this.#durationMs}ms`,
      },
      text,
    );
    const entry: LiveFloater = { el, y, lift: 0 };
    this.#place(entry);
    this.element.append(el);
    this.#live = this.#live.filter((f) => f.el.isConnected);
    this.#live.push(entry);
    while (this.#live.length > this.#max) this.#live.shift()!.el.remove();
    this.#restack();
    const remove = () => {
      el.remove();
      this.#live = this.#live.filter((f) => f !== entry);
    };
    el.addEventListener('animationend', remove);
    // Also on a timer: a background tab runs no animations, and floaters must not pile up there.
    setTimeout(remove, this.#durationMs + 200);
  }

  /** Lifts every older line to stay a line above the one after it. */
  #restack(): void {
    for (let i = this.#live.length - 2; i >= 0; i--) {
      const older = this.#live[i]!;
      const newer = this.#live[i + 1]!;
      // A level-up's bigger text needs more than a line's room.
      const gap = Math.max(STACK_PX, newer.el.offsetHeight);
      const need = older.y - (newer.y - newer.lift) + gap;
      if (older.lift >= need) continue;
      older.lift = need;
      this.#place(older);
    }
  }

  #place(f: LiveFloater): void {
    // The text's bottom edge sits at `top` (translate -100%): kept a line below the window's top.
    f.el.style.top = `${Math.max(TOP_MARGIN_PX, Math.round(f.y - f.lift))}px`;
  }
}
