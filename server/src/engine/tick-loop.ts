/**
 * The fixed-rate tick loop: runs a tick every `tickMs`, a late tick at once, so no tick and no call
 * is skipped. A tick that throws (a commit hook could not write the log) stops the loop and goes to
 * `onFault`: no later tick may run.
 */
export class TickLoop {
  readonly #tickMs: number;
  readonly #runTick: () => void;
  readonly #onFault: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #nextDueAt = 0;

  constructor(tickMs: number, runTick: () => void, onFault: (error: unknown) => void) {
    this.#tickMs = tickMs;
    this.#runTick = runTick;
    this.#onFault = onFault;
  }

  /** Whether the loop is running. */
  get running(): boolean {
    return this.#running;
  }

  /** Starts the loop (no effect if it runs); the first tick runs at once. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#nextDueAt = performance.now();
    const loop = () => {
      if (!this.#running) return;
      try {
        this.#runTick();
      } catch (error) {
        // A commit hook threw (the log could not be written): no later tick may run.
        this.#onFault(error);
        return;
      }
      this.#nextDueAt += this.#tickMs;
      const wait = this.#nextDueAt - performance.now();
      this.#timer = setTimeout(loop, Math.max(0, wait));
    };
    loop();
  }

  /** Stops the loop: no further tick runs. */
  halt(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
