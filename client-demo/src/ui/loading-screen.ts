import { h } from './dom';

/** The steps from opening the page to playing, in order. */
export const LOADING_STEP = {
  CONNECTING: 'connecting',
  IDENTITY: 'identity',
  SUBSCRIPTIONS: 'subscriptions',
  FIRST_RENDER: 'first-render',
} as const;
/** One of {@link LOADING_STEP}. */
export type LoadingStep = (typeof LOADING_STEP)[keyof typeof LOADING_STEP];

const STEP_TEXT: Readonly<Record<LoadingStep, string>> = {
  connecting: 'Connecting to the server',
  identity: 'Signing in',
  subscriptions: 'Loading the world around you',
  'first-render': 'Drawing the world',
};

const ORDER: readonly LoadingStep[] = Object.values(LOADING_STEP);

/**
 * The loading card: the steps from "Connecting" to playable, each marked done, current or to come,
 * with a progress bar. `data-step` holds the current step (the browser tests follow it).
 */
export class LoadingScreen {
  readonly element: HTMLElement;
  readonly #items = new Map<LoadingStep, HTMLElement>();
  readonly #bar: HTMLElement;
  readonly #onStep: ((step: LoadingStep) => void) | undefined;

  /** @param onStep told of every step shown (the page's debug hook records them for the tests). */
  constructor(onStep?: (step: LoadingStep) => void) {
    this.#onStep = onStep;
    const list = h(
      'ol',
      { class: 'steps' },
      ...ORDER.map((step) => {
        const li = h('li', { 'data-step': step }, STEP_TEXT[step]);
        this.#items.set(step, li);
        return li;
      }),
    );
    this.#bar = h('div', {});
    this.element = h(
      'div',
      { class: 'overlay loading-screen', 'data-panel': 'loading' },
      h(
        'div',
        { class: 'title-card' },
        h('h1', {}, 'Frontier'),
        list,
        h('div', { class: 'progress' }, this.#bar),
      ),
    );
    this.show(LOADING_STEP.CONNECTING);
  }

  /** Marks `step` as under way and every earlier one as done. */
  show(step: LoadingStep): void {
    const at = ORDER.indexOf(step);
    for (const [i, s] of ORDER.entries()) {
      const li = this.#items.get(s)!;
      li.className = i < at ? 'done' : i === at ? 'current' : 'todo';
    }
    if (this.element.dataset.step !== step) this.#onStep?.(step);
    this.element.dataset.step = step;
    this.#bar.style.width = `${Math.round(((at + 0.5) / ORDER.length) * 100)}%`;
  }

  /** Shows the card (again, e.g. after the title screen). */
  attach(): void {
    if (!this.element.isConnected) document.body.append(this.element);
  }

  remove(): void {
    this.element.remove();
  }
}
