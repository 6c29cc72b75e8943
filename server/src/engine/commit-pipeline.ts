import type { CommitHook, FanoutHook, Logger, TickRecord } from './engine-types';
import type { QueuedCall } from './queued-call';

/**
 * A tick's way out: its commit hooks (the log) run at once; its fan-out hooks (subscriptions),
 * call results and tick waiters once every commit hook's promise has settled, in tick order.
 */
export class CommitPipeline {
  readonly #logger: Logger;
  /** Called when a commit's durability promise rejected: the tick's results are withheld. */
  readonly #onRejected: (error: unknown, record: TickRecord) => void;
  #commitHooks: CommitHook[] = [];
  #fanoutHooks: FanoutHook[] = [];
  #pending: Promise<void> = Promise.resolve();
  #pendingCount = 0;
  #tickWaiters: ((record: TickRecord) => void)[] = [];

  constructor(logger: Logger, onRejected: (error: unknown, record: TickRecord) => void) {
    this.#logger = logger;
    this.#onRejected = onRejected;
  }

  /** Registers a commit hook; returns a function that removes it. */
  onCommit(hook: CommitHook): () => void {
    this.#commitHooks.push(hook);
    return () => {
      this.#commitHooks = this.#commitHooks.filter((h) => h !== hook);
    };
  }

  /** Registers a fan-out hook; returns a function that removes it. */
  onTick(hook: FanoutHook): () => void {
    this.#fanoutHooks.push(hook);
    return () => {
      this.#fanoutHooks = this.#fanoutHooks.filter((h) => h !== hook);
    };
  }

  /** Runs the commit hooks now and schedules the fan-out. A commit hook's throw reaches the caller. */
  commit(record: TickRecord, calls: readonly QueuedCall[]): void {
    const promises: Promise<void>[] = [];
    for (const hook of this.#commitHooks) {
      // A throw leaves the tick uncommitted: it reaches the caller of runTick (the loop: #fail).
      const p = hook(record);
      if (p !== undefined) promises.push(p);
    }
    const fanout = () => {
      for (const hook of this.#fanoutHooks) {
        try {
          hook(record);
        } catch (error) {
          this.#logger.error(`fan-out hook failed at tick ${record.tick}`, error);
        }
      }
      for (let i = 0; i < calls.length; i++) calls[i]!.deliver();
      const waiters = this.#tickWaiters;
      this.#tickWaiters = [];
      for (const w of waiters) w(record);
    };
    if (promises.length === 0 && this.#pendingCount === 0) {
      fanout();
      return;
    }
    this.#pendingCount++;
    this.#pending = this.#pending
      .then(() => Promise.all(promises))
      .then(fanout, (error: unknown) => this.#onRejected(error, record))
      .finally(() => {
        this.#pendingCount--;
      });
  }

  /** Resolves with the next tick's record, after its fan-out. */
  nextTick(): Promise<TickRecord> {
    return new Promise((resolve) => this.#tickWaiters.push(resolve));
  }

  /** Resolves when every tick run so far has been committed and fanned out. */
  flush(): Promise<void> {
    return this.#pending;
  }
}
