import type { CacheEvent, TableCache } from './client-table';

type Rows = Map<unknown, Record<string, unknown>>;

/**
 * A reconnect's bookkeeping: the rows every table held before the drop (taken out silently, so
 * the new session's rows land without events) and the queries still to be re-applied. Once all
 * are back, the difference is reported once, so listeners see only real changes.
 */
export class Reconciliation {
  readonly #before = new Map<TableCache, Rows>();
  readonly #waiting = new Set<number>();

  /** Takes every table's rows out of the cache. */
  constructor(tables: Iterable<TableCache>) {
    for (const t of tables) this.#before.set(t, t.takeAll());
  }

  /** A query sent again after the reconnect: the diff waits for its answer. */
  expect(queryId: number): void {
    this.#waiting.add(queryId);
  }

  /** A query's answer arrived (its rows, its refusal or its end); true once none is awaited. */
  answered(queryId: number): boolean {
    this.#waiting.delete(queryId);
    return this.#waiting.size === 0;
  }

  /** Whether no answer is awaited. */
  get done(): boolean {
    return this.#waiting.size === 0;
  }

  /** Records the difference between the rows before the drop and the cache now. */
  diff(events: CacheEvent[]): void {
    for (const [table, before] of this.#before) table.diff(before, events);
  }

  /** The connection closed for good: gives back what the cache held before the drop, silently (stale but complete). */
  restore(): void {
    for (const [table, before] of this.#before)
      for (const row of before.values()) table.upsert(row, undefined);
  }
}
