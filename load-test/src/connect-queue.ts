/**
 * Starts queued connection attempts with at most `max` of them under way at once, in the order
 * they were queued. `start` returns a promise that settles when the attempt is over (connected
 * or failed); the next waiting attempt then starts.
 *
 * @example
 * const queue = createConnectQueue(256, (bot) => connectBot(bot));
 * queue.push(bot); // starts now, or when an earlier attempt settles
 */
export interface ConnectQueue<T> {
  /** Queues an attempt; it starts at once while fewer than `max` are under way. */
  push(item: T): void;
  /** Attempts under way. */
  readonly running: number;
  /** Attempts waiting for a free slot. */
  readonly waiting: number;
  /** Drops every waiting attempt (those under way still settle). */
  clear(): void;
}

/** Creates a {@link ConnectQueue}. */
export function createConnectQueue<T>(max: number, start: (item: T) => Promise<unknown>): ConnectQueue<T> {
  const queue: T[] = [];
  let head = 0;
  let running = 0;
  const next = (): void => {
    while (running < max && head < queue.length) {
      const item = queue[head]!;
      queue[head++] = undefined as T;
      if (head === queue.length) queue.length = head = 0;
      running++;
      void start(item)
        .catch(() => {})
        .finally(() => {
          running--;
          next();
        });
    }
  };
  return {
    push(item) {
      queue.push(item);
      next();
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length - head;
    },
    clear() {
      queue.length = head = 0;
    },
  };
}
