/**
 * The listeners of one connection event: added and removed with the `on...` verbs' unsubscribe
 * functions, called in order with a throwing listener reported rather than propagated (one bad
 * listener must not keep the others, or the frame being applied, from running).
 */
export class ListenerList<A extends unknown[]> {
  readonly #listeners = new Set<(...args: A) => void>();
  readonly #report: (error: unknown) => void;

  constructor(report: (error: unknown) => void) {
    this.#report = report;
  }

  /** Whether anyone listens: callers skip building an event nobody reads. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Adds a listener; returns the function that removes it. */
  add(listener: (...args: A) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Calls every listener (those added during the call wait for the next one). */
  emit(...args: A): void {
    if (this.#listeners.size === 0) return;
    for (const l of [...this.#listeners])
      try {
        l(...args);
      } catch (error) {
        this.#report(error);
      }
  }
}
