import type { LogStore } from '@tickspace/server/engine/tooling';
import { StreamSet } from './action-stream';
import { FrontierEventSource, type FrontierEventOptions } from './frontier-events';

/** Options of {@link streamsFromLog}. */
export interface LogStreamsOptions extends FrontierEventOptions {
  /** First tick to read. @default the log's first tick */
  readonly from?: number;
  /** Last tick to read. @default the log's last tick */
  readonly to?: number;
}

/**
 * Rebuilds every identity's action stream from a commit log, offline: the same event source the
 * live detector uses, fed from the logged calls and changes instead of the engine's hook, so a
 * model scores a past day exactly as it would have scored it live.
 * @throws TickspaceError TICK_OUT_OF_RANGE or CORRUPT_LOG from the log store
 * @example
 * const db = await openDatabase({ dir: 'data', readOnly: true });
 * const streams = streamsFromLog(db.store);
 * for (const [identity, v] of scoreBatch(model, streams.iter())) console.log(identity, v.score);
 */
export function streamsFromLog(store: LogStore, options: LogStreamsOptions = {}): StreamSet {
  const streams = new StreamSet();
  const source = new FrontierEventSource(
    streams,
    store.codec.schema.tables.map((t) => t.name),
    options,
  );
  const from = Math.max(1, options.from ?? store.firstTick + 1);
  const to = options.to ?? store.lastTick;
  if (to < from) return streams;
  for (const tick of store.ticks(from, to)) source.ingest(tick);
  return streams;
}
