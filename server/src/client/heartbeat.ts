/** Heartbeat policy of a connection: keep the session alive and notice a dead server. */
export interface HeartbeatOptions {
  /**
   * A PING is sent after this long without a frame in either direction, ms. Under the server's
   * `idleTimeoutMs` (60 s by default), so a quiet client is never closed as idle. @default 10_000
   */
  readonly intervalMs?: number;
  /**
   * A PING that this long brings no frame at all from the server (which answers every PING) means
   * the link is dead: the SDK drops it (4007 HEARTBEAT_TIMEOUT) and reconnects, ms. With the
   * defaults a dead server is noticed 30 to 40 s after its last frame. @default 20_000
   */
  readonly timeoutMs?: number;
}

/**
 * The client's heartbeat over any transport. Frames only flip two flags; one timer per connection
 * checks them every `intervalMs`: it sends PING when nothing was heard or said in the last
 * interval, and reports the link dead once the checks of `timeoutMs` after the first unanswered
 * PING heard nothing either. A check that ran late
 * (the event loop was blocked, a background tab was throttled: frames may be waiting unread) does
 * not count as silent, so a stall never passes for a dead server.
 */
export class Heartbeat {
  readonly #intervalMs: number;
  /** How long a PING may go unanswered, ms. */
  readonly timeoutMs: number;
  readonly #silentLimit: number;
  readonly #ping: () => void;
  readonly #dead: () => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastCheckMs = 0;
  #heard = false;
  #spoke = false;
  #silentChecks = 0;

  /**
   * @param ping sends one PING. @param dead called once when the link is taken for dead (the heartbeat has stopped).
   * @throws RangeError if `intervalMs` or `timeoutMs` is not a positive number.
   */
  constructor(options: HeartbeatOptions, ping: () => void, dead: () => void) {
    const intervalMs = options.intervalMs ?? 10_000;
    const timeoutMs = options.timeoutMs ?? 20_000;
    if (!(intervalMs > 0) || !(timeoutMs > 0))
      throw new RangeError(
        `heartbeat intervalMs and timeoutMs must be > 0, got ${intervalMs} and ${timeoutMs}`,
      );
    this.#intervalMs = intervalMs;
    this.timeoutMs = timeoutMs;
    // The first silent check sends the probe; the checks of timeoutMs after it must stay silent too.
    this.#silentLimit = 1 + Math.ceil(timeoutMs / intervalMs);
    this.#ping = ping;
    this.#dead = dead;
  }

  /** Starts checking (on every new session). */
  start(): void {
    this.stop();
    this.#heard = this.#spoke = false;
    this.#silentChecks = 0;
    this.#lastCheckMs = performance.now();
    this.#timer = setInterval(this.#check, this.#intervalMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Stops checking (the link closed). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A frame arrived from the server. */
  heard(): void {
    this.#heard = true;
  }

  /** A frame left for the server. */
  spoke(): void {
    this.#spoke = true;
  }

  readonly #check = (): void => {
    const now = performance.now();
    const late = now - this.#lastCheckMs > 2 * this.#intervalMs;
    this.#lastCheckMs = now;
    const quiet = !this.#heard || !this.#spoke;
    if (this.#heard) this.#silentChecks = 0;
    else if (!late && ++this.#silentChecks >= this.#silentLimit) {
      this.stop();
      this.#dead();
      return;
    }
    this.#heard = this.#spoke = false;
    if (quiet) this.#ping();
  };
}
