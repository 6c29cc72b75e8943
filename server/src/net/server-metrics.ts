import { Counter, Gauge, Registry } from 'prom-client';
import type { Engine, ModuleDef } from '../engine';
import type { LogStorage, Subscriptions } from '../engine/tooling';

/** Something with a commit log's storage figures, read at each scrape (a `Database` is one). */
export interface LogStorageSource {
  readonly storage: LogStorage;
}

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one process do not
 * collide). Counters are bumped by the sessions; tick and subscription figures are read from the
 * engine and the subscription engine when /metrics is scraped.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly bytesOut: Counter;
  readonly messagesOut: Counter;
  readonly bytesIn: Counter;
  readonly messagesIn: Counter;
  readonly rejectedFrames: Counter<'code'>;
  readonly disconnects: Counter<'code'>;
  readonly refusedConnections: Counter<'code'>;
  readonly clients: Gauge;

  constructor(engine: Engine<ModuleDef>, hub: { readonly subscriptions: Subscriptions }) {
    const registers = [this.registry];
    this.bytesOut = new Counter({
      name: 'tickspace_bytes_out_total',
      help: 'Bytes sent to clients',
      registers,
    });
    this.messagesOut = new Counter({
      name: 'tickspace_messages_out_total',
      help: 'Frames sent to clients',
      registers,
    });
    this.bytesIn = new Counter({
      name: 'tickspace_bytes_in_total',
      help: 'Bytes received from clients',
      registers,
    });
    this.messagesIn = new Counter({
      name: 'tickspace_messages_in_total',
      help: 'Frames received from clients',
      registers,
    });
    this.rejectedFrames = new Counter({
      name: 'tickspace_rejected_frames_total',
      help: 'Client frames refused, by error code',
      labelNames: ['code'],
      registers,
    });
    this.disconnects = new Counter({
      name: 'tickspace_disconnects_total',
      help: 'Connections closed, by close code',
      labelNames: ['code'],
      registers,
    });
    this.refusedConnections = new Counter({
      name: 'tickspace_refused_connections_total',
      help: 'WebSocket upgrades refused before they opened, by error code',
      labelNames: ['code'],
      registers,
    });
    this.clients = new Gauge({
      name: 'tickspace_clients',
      help: 'Connected clients (handshake done)',
      registers,
    });
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge('tickspace_tick', 'Last committed tick', () => engine.tick);
    gauge(
      'tickspace_tick_duration_p50_ms',
      'Median tick duration over the recent window, ms',
      () => engine.metrics.snapshot().p50Ms,
    );
    gauge(
      'tickspace_tick_duration_p99_ms',
      '99th percentile tick duration over the recent window, ms',
      () => engine.metrics.snapshot().p99Ms,
    );
    gauge(
      'tickspace_tick_duration_max_ms',
      'Longest tick since start, ms',
      () => engine.metrics.snapshot().maxMs,
    );
    gauge(
      'tickspace_tick_overruns',
      'Ticks longer than tickMs since start',
      () => engine.metrics.snapshot().overruns,
    );
    gauge(
      'tickspace_reducer_calls',
      'Reducer calls run since start',
      () => engine.metrics.snapshot().totalCalls,
    );
    gauge(
      'tickspace_reducer_failures',
      'Reducer calls that failed since start',
      () => engine.metrics.snapshot().failedCalls,
    );
    gauge('tickspace_queued_calls', 'Calls waiting for the next tick', () => engine.queuedCalls);
    gauge('tickspace_subscriptions', 'Live subscription queries', () => hub.subscriptions.stats().queries);
    gauge(
      'tickspace_congested_clients',
      'Clients whose updates are being coalesced (backpressure)',
      () => hub.subscriptions.stats().congestedClients,
    );
    gauge(
      'tickspace_fanout_duration_ms',
      'Subscription work of the last tick, ms',
      () => hub.subscriptions.stats().lastFanoutMs,
    );
    gauge(
      'tickspace_fanout_chunks_encoded',
      'Shared update runs encoded since start',
      () => hub.subscriptions.stats().chunksEncoded,
    );
  }

  /**
   * Adds the commit log's gauges: disk bytes (segments and snapshots, together and apart) and the
   * oldest retained tick. They read sizes the log tracks as files change: no directory scan per scrape.
   */
  watchLog(log: LogStorageSource): void {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: (s: LogStorage) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(log.storage));
        },
      });
    gauge(
      'tickspace_log_disk_bytes',
      'Bytes of commit log segments and snapshots on disk',
      (s) => s.diskBytes,
    );
    gauge('tickspace_log_segment_bytes', 'Bytes of commit log segment files on disk', (s) => s.segmentBytes);
    gauge('tickspace_log_snapshot_bytes', 'Bytes of snapshot files on disk', (s) => s.snapshotBytes);
    gauge(
      'tickspace_log_oldest_tick',
      'Oldest tick whose state the retained history can rebuild (0: the whole history)',
      (s) => s.oldestTick,
    );
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
