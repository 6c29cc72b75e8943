/**
 * A worker thread of the keynote transfer scenario: opens its share of the connections and keeps
 * `inFlight` transfer calls outstanding on each, issuing a new one as each result arrives.
 */
import { connect, type Connection } from '@tickspace/server/client';
import seedrandom from 'seedrandom';
import { parentPort, workerData } from 'node:worker_threads';
import { errorCode, nowMs, withTimeout, type BotProbe } from './bot-client';
import { createLatencyHistogram, type HistogramData } from './histogram';
import { countingTransport } from './tickspace-bot';
import type { TransferModule } from './transfer-module';

/** What the main thread hands a transfer worker. */
export interface TransferWorkerConfig {
  readonly url: string;
  readonly connections: number;
  /** Number of the worker's first connection, for seeding. */
  readonly firstIndex: number;
  readonly inFlight: number;
  readonly accounts: number;
  readonly seed: string;
  readonly connectTimeoutMs: number;
}

/** Counters since the previous report. */
export interface TransferWorkerReport {
  readonly connected: number;
  readonly connectFailed: Readonly<Record<string, number>>;
  readonly committed: number;
  readonly failed: Readonly<Record<string, number>>;
  readonly latency: HistogramData;
  readonly bytesOut: number;
  readonly bytesIn: number;
}

/** Main thread to worker. */
export type ToTransferWorker =
  { readonly type: 'start' } | { readonly type: 'report' } | { readonly type: 'stop' };
/** Worker to main thread. */
export type FromTransferWorker =
  | { readonly type: 'connected'; readonly report: TransferWorkerReport }
  | { readonly type: 'report'; readonly report: TransferWorkerReport }
  | { readonly type: 'stopped'; readonly report: TransferWorkerReport };

async function run(config: TransferWorkerConfig): Promise<void> {
  const port = parentPort!;
  const latency = createLatencyHistogram();
  let committed = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  let failed: Record<string, number> = {};
  const connectFailed: Record<string, number> = {};
  let running = false;
  const probe: BotProbe = {
    received: (b) => void (bytesIn += b),
    sent: (b) => void (bytesOut += b),
    update: () => {},
    roundTrip: () => {},
    error: (code) => void (failed[code] = (failed[code] ?? 0) + 1),
  };
  const conns: Connection<TransferModule>[] = [];
  await Promise.all(
    Array.from({ length: config.connections }, async () => {
      try {
        const conn = await withTimeout(
          connect<TransferModule>({
            transport: countingTransport(config.url, probe),
            reconnect: false,
            callTimeoutMs: 60_000,
            onError: (e) => probe.error(errorCode(e)),
          }),
          config.connectTimeoutMs,
          'connecting to Tickspace',
        );
        conns.push(conn);
      } catch (error) {
        const code = errorCode(error);
        connectFailed[code] = (connectFailed[code] ?? 0) + 1;
      }
    }),
  );
  const report = (): TransferWorkerReport => {
    const out = {
      connected: conns.filter((c) => c.status === 'open').length,
      connectFailed: { ...connectFailed },
      committed,
      failed,
      latency: latency.toData(),
      bytesIn,
      bytesOut,
    };
    committed = 0;
    bytesIn = 0;
    bytesOut = 0;
    failed = {};
    latency.reset();
    return out;
  };
  const loop = (conn: Connection<TransferModule>, rng: () => number) => {
    const one = (): void => {
      if (!running || conn.status !== 'open') return;
      const from = Math.floor(rng() * config.accounts);
      let to = Math.floor(rng() * (config.accounts - 1));
      if (to >= from) to++;
      const sent = nowMs();
      conn.reducers.transfer({ from, to, amount: 1n }).then(
        () => {
          committed++;
          latency.record(nowMs() - sent);
          one();
        },
        (error: unknown) => {
          if (!running) return;
          probe.error(errorCode(error));
          one();
        },
      );
    };
    for (let i = 0; i < config.inFlight; i++) one();
  };
  port.on('message', (message: ToTransferWorker) => {
    if (message.type === 'start') {
      running = true;
      conns.forEach((conn, i) =>
        loop(conn, seedrandom.alea(`${config.seed}/transfer/${config.firstIndex + i}`)),
      );
    } else if (message.type === 'report')
      port.postMessage({ type: 'report', report: report() } satisfies FromTransferWorker);
    else {
      running = false;
      for (const conn of conns) conn.close();
      port.postMessage({ type: 'stopped', report: report() } satisfies FromTransferWorker);
      port.close();
    }
  });
  port.postMessage({ type: 'connected', report: report() } satisfies FromTransferWorker);
}

void run(workerData as TransferWorkerConfig);
