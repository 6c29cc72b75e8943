import { typingInField } from '../ui/dom';
import type { Unsubscribe } from '../world/world-view';

/** Movement keys (KeyboardEvent.code) and their direction. */
const MOVE_KEYS: Readonly<Record<string, readonly [number, number]>> = {
  KeyW: [0, -1],
  ArrowUp: [0, -1],
  KeyS: [0, 1],
  ArrowDown: [0, 1],
  KeyA: [-1, 0],
  ArrowLeft: [-1, 0],
  KeyD: [1, 0],
  ArrowRight: [1, 0],
};

/** Options of {@link Keyboard}. */
export interface KeyboardOptions {
  /** Where to listen. @default window */
  readonly target?: Window | HTMLElement;
  /** Called when the movement direction changes (unit length or 0, 0). */
  readonly onDirection: (dx: number, dy: number) => void;
  /** Called for every other key press outside text fields, with its `code`. */
  readonly onShortcut?: (code: string, event: KeyboardEvent) => void;
}

/**
 * WASD/arrow movement and keyboard shortcuts. Tracks held keys and reports the combined
 * direction only when it changes, so the client sends one `move` per change, never per frame.
 * Releases every key when the window loses focus (otherwise a key held while alt-tabbing sticks).
 */
export class Keyboard {
  readonly #held = new Set<string>();
  readonly #opts: KeyboardOptions;
  #dx = 0;
  #dy = 0;
  #enabled = true;
  readonly #off: Unsubscribe;

  constructor(options: KeyboardOptions) {
    this.#opts = options;
    const target = options.target ?? window;
    const down = (e: Event) => this.#down(e as KeyboardEvent);
    const up = (e: Event) => this.#up(e as KeyboardEvent);
    const blur = () => this.releaseAll();
    target.addEventListener('keydown', down);
    target.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    this.#off = () => {
      target.removeEventListener('keydown', down);
      target.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }

  /** Current direction. */
  get direction(): readonly [number, number] {
    return [this.#dx, this.#dy];
  }

  /** Disables movement (spectator mode, dialogs); releases held keys. */
  setEnabled(enabled: boolean): void {
    this.#enabled = enabled;
    if (!enabled) this.releaseAll();
  }

  /** Forgets held keys and stops. */
  releaseAll(): void {
    this.#held.clear();
    this.#recompute();
  }

  /** Removes the listeners. */
  destroy(): void {
    this.#off();
  }

  #down(e: KeyboardEvent): void {
    if (typingInField(e)) return;
    if (MOVE_KEYS[e.code] !== undefined) {
      e.preventDefault();
      if (!this.#enabled || this.#held.has(e.code)) return;
      this.#held.add(e.code);
      this.#recompute();
      return;
    }
    if (!e.repeat) this.#opts.onShortcut?.(e.code, e);
  }

  #up(e: KeyboardEvent): void {
    if (!this.#held.delete(e.code)) return;
    this.#recompute();
  }

  #recompute(): void {
    let dx = 0;
    let dy = 0;
    for (const code of this.#held) {
      const d = MOVE_KEYS[code]!;
      dx += d[0];
      dy += d[1];
    }
    dx = Math.sign(dx);
    dy = Math.sign(dy);
    if (dx !== 0 && dy !== 0) {
      dx *= Math.SQRT1_2;
      dy *= Math.SQRT1_2;
    }
    if (dx === this.#dx && dy === this.#dy) return;
    this.#dx = dx;
    this.#dy = dy;
    this.#opts.onDirection(dx, dy);
  }
}
