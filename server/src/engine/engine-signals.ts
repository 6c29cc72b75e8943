import type { FatalListener, Logger, RestoreEvent, RestoreListener } from './engine-types';
import type { ServerSchema } from './server-schema';

/**
 * The engine's announcements to whoever mirrors or supervises it: a fatal fault (once), a restore
 * of the live tables, a runtime migration's new schema. A fatal or restore listener that throws is
 * logged and the others still hear.
 */
export class EngineSignals {
  readonly #logger: Logger;
  #fatal: unknown = undefined;
  #fatalListeners: FatalListener[] = [];
  #restoreListeners: RestoreListener[] = [];
  #schemaListeners: ((schema: ServerSchema) => void)[] = [];

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** Registers a fatal-fault listener; returns a function that removes it. */
  onFatal(listener: FatalListener): () => void {
    this.#fatalListeners.push(listener);
    return () => {
      this.#fatalListeners = this.#fatalListeners.filter((l) => l !== listener);
    };
  }

  /** The fatal fault that stopped the tick loop, if one did. */
  get fatalError(): unknown {
    return this.#fatal;
  }

  /** Whether anybody listens for a fatal fault. */
  get hasFatalListeners(): boolean {
    return this.#fatalListeners.length > 0;
  }

  /**
   * Stops the loop for good (`halt`) and tells the listeners (once). Nobody listening: a fault from the
   * timer is rethrown (the process stops on it), a rejected durability promise only logged (the
   * failed log then refuses the next tick's append, which comes back here from the timer).
   */
  fail(error: unknown, fromTimer: boolean, halt: () => void): void {
    if (this.#fatal !== undefined) return;
    if (this.#fatalListeners.length === 0) {
      if (fromTimer) throw error;
      return;
    }
    this.#fatal = error;
    halt();
    for (const l of [...this.#fatalListeners])
      try {
        l(error);
      } catch (listenerError) {
        this.#logger.error('a fatal-fault listener failed', listenerError);
      }
  }

  /** Registers a restore listener; returns a function that removes it. */
  onRestore(listener: RestoreListener): () => void {
    this.#restoreListeners.push(listener);
    return () => {
      this.#restoreListeners = this.#restoreListeners.filter((l) => l !== listener);
    };
  }

  /** Tells every restore listener. */
  emitRestore(event: RestoreEvent): void {
    for (const l of [...this.#restoreListeners])
      try {
        l(event);
      } catch (error) {
        this.#logger.error(
          `a restore listener failed after the ${event.reason} to tick ${event.stateOfTick}`,
          error,
        );
      }
  }

  /** Registers a schema listener; returns a function that removes it. */
  onSchemaChange(listener: (schema: ServerSchema) => void): () => void {
    this.#schemaListeners.push(listener);
    return () => (this.#schemaListeners = this.#schemaListeners.filter((l) => l !== listener));
  }

  /** Tells every schema listener (a throw reaches the caller, as it always has). */
  emitSchema(schema: ServerSchema): void {
    for (const listener of this.#schemaListeners) listener(schema);
  }
}
