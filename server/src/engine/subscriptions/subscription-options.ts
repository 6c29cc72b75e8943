import type { Logger } from '../engine';
import type { ServerSchema } from '../server-schema';
import type { SubscriberSink } from './client-view';

/** Options for {@link createSubscriptions}. Every limit has a default and a test that exceeds it. */
export interface SubscriptionOptions {
  /**
   * The schema whose public tables clients subscribe to and whose codecs frames are encoded with.
   * @default engine.schema
   */
  readonly schema?: ServerSchema;
  /** Queries one client may hold at once. @default 64 */
  readonly maxSubscriptionsPerClient?: number;
  /** Largest grid-cell box one spatial query may cover (bounds the per-tick work of one query). @default 4096 */
  readonly maxQueryCells?: number;
  /**
   * Largest outer-band interval a query's level of detail may declare (`lod.every`, ticks): an
   * outer-band row's state on the client is at most this many ticks old. @default 20 (1 s at 20 Hz)
   */
  readonly maxLodEvery?: number;
  /** When a client's send buffer exceeds this, its updates are coalesced instead of sent. @default 1_048_576 (1 MiB) */
  readonly highWatermarkBytes?: number;
  /** A coalescing client receives the net change once its buffer drains below this. @default 262_144 (256 KiB) */
  readonly lowWatermarkBytes?: number;
  /** A client still over the high watermark after this many ticks is reported to `onCongestionLimit`. @default 200 (10 s at 20 Hz) */
  readonly maxCongestedTicks?: number;
  /**
   * CPU budget, ms, of one stretch of subscription work that may run visibility rules: a tick's
   * fan-out, a subscribe's walks, a resync. When it runs out, the rule then running is stopped
   * for the rest of the server's run (its table's rows are hidden from every client; logged,
   * naming the table), the work is rebuilt from the tables, and the server keeps ticking; a
   * subscribe stopped so is refused with `BUDGET_EXCEEDED`. Wall time, so far above any sane rule's
   * cost. Only timed when some public table has a rule; 0 turns it off. @default 1000
   */
  readonly visibilityBudgetMs?: number;
  /** Called once when a client stays congested too long; the owner closes it and calls `removeClient`. */
  readonly onCongestionLimit?: (handle: number, sink: SubscriberSink) => void;
  /** @default console */
  readonly logger?: Logger;
}

/**
 * The work a subscription asks of the server before its answer leaves: the rows it walks (a whole
 * table, the rows holding an index value, the rows in a spatial query's cells; and, for a second
 * query on a table the client watches, the first query's rows once, to start counting references)
 * and the grid cells a spatial query covers. Its answer carries at most `rows` rows or keys.
 */
export interface SubscriptionCost {
  readonly rows: number;
  readonly cells: number;
}

/**
 * Charged once per {@link Subscriptions.subscribe} and {@link Subscriptions.unsubscribe}, after the
 * query is checked and before its answer is encoded. Throwing (a TickspaceError) refuses the
 * request: nothing has changed then, and the error reaches the caller.
 */
export type SubscriptionCharge = (cost: SubscriptionCost) => void;

/** Counters for /metrics and benchmarks. */
export interface SubscriptionStats {
  readonly clients: number;
  readonly queries: number;
  readonly congestedClients: number;
  readonly framesSent: number;
  readonly bytesSent: number;
  /** Shared runs and whole-table sections encoded (each once per tick, whatever the subscriber count). */
  readonly chunksEncoded: number;
  /** Full rows encoded (each once per tick). */
  readonly rowsEncoded: number;
  /** Rows sent in SUBSCRIBED frames (a subscription's initial rows). */
  readonly subscribedRows: number;
  /** Wall time of the last tick's subscription work, ms. */
  readonly lastFanoutMs: number;
  /** Tables whose visibility rule the visibility budget stopped (their rows are hidden). */
  readonly stoppedVisibilityRules: readonly string[];
}
