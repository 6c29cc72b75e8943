import type { Worker } from 'node:worker_threads';
import { TickspaceError } from '@tickspace/server/protocol';
import { nowMs } from './bot-client';
import { environmentLine, type Environment } from './environment';
import { formatBytes, formatCounts, formatMs, formatNumber } from './format';
import { createLatencyHistogram, type LatencySummary } from './histogram';
import { summarize } from './percentile';
import { createProcSampler } from './proc-stats';
import type { ReportDocument } from './report-document';
import { createMovementScenario } from './scenario';
import type { TickSample } from './server-ipc';
import { pinSelf, startServerProcess, startupCores, type ServerProcess } from './server-process';
import { CHART_COLORS, lineChart } from './svg-chart';
import type {
  FromTransferWorker,
  ToTransferWorker,
  TransferWorkerConfig,
  TransferWorkerReport,
} from './transfer-worker';
import { nextMessage, startTsWorker } from './ts-worker';

/** Options of the keynote transfer scenario. */
export interface TransferOptions {
  /** WebSocket connections. @default 64 */
  readonly clients: number;
  /** Measured seconds, after a warm-up. */
  readonly durationS: number;
  /** Accounts created by init. @default 100_000 */
  readonly accounts: number;
  /**
   * Calls each connection keeps outstanding. A call waits for the next tick, so throughput is at
   * most clients x inFlight / round trip (>= one tick): 64 x 128 / 50 ms = 164k per second.
   * @default 128
   */
  readonly inFlight: number;
  /** Server tick period, ms. @default 50 */
  readonly tickMs?: number;
  /** Driver worker threads. @default the cores the driver may use, at most 4 */
  readonly workers?: number;
  /** Seconds run before measuring (JIT, queues filling). @default 2 */
  readonly warmupS?: number;
  /** @default true */
  readonly pin?: boolean;
  readonly log?: (line: string) => void;
  /** @default 'inherit' */
  readonly serverStderr?: 'inherit' | 'ignore';
  /** Write a V8 CPU profile of the server to this directory. @default undefined */
  readonly profileServer?: string;
}

/** One second of a transfer run. */
export interface TransferSecond {
  readonly tS: number;
  readonly transactionsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly ticks: number;
  readonly tickP99Ms: number;
  readonly serverCpuPercent: number | undefined;
}

/** What the transfer scenario measured. */
export interface TransferResult {
  readonly startedAt: string;
  readonly clients: number;
  readonly connected: number;
  readonly inFlight: number;
  readonly accounts: number;
  readonly durationS: number;
  readonly tickMs: number;
  readonly workers: number;
  readonly pinned: boolean;
  /** Transfers committed and answered per second, end to end over WebSockets. */
  readonly transactionsPerSecond: number;
  /** Reducer calls the server ran per second (its own count, from the tick records). */
  readonly serverCallsPerSecond: number;
  readonly committed: number;
  readonly latency: LatencySummary;
  readonly failedByCode: Readonly<Record<string, number>>;
  readonly connectFailedByCode: Readonly<Record<string, number>>;
  readonly ticksPerSecond: number;
  readonly tick: LatencySummary;
  readonly serverCpuPercent: number | undefined;
  /**
   * Server CPU time per committed transfer, µs (all its work divided by transfers): what a
   * dedicated core would allow, 1e6 / this per second, when other work shares the core.
   */
  readonly serverCpuUsPerTransaction: number | undefined;
  readonly serverRssMaxBytes: number | undefined;
  readonly driverCpuPercent: number | undefined;
  readonly bytesOutPerTransaction: number;
  readonly bytesInPerTransaction: number;
  readonly timeline: readonly TransferSecond[];
}

/**
 * Runs the keynote transfer scenario against Tickspace: `accounts` accounts, `clients` connections
 * each keeping `inFlight` transfer calls outstanding, for `durationS` after a warm-up.
 * @throws TickspaceError INVALID_ARGUMENT for bad options; TIMEOUT or INTERNAL if the server does not start.
 * @example
 * const result = await runTransfer({ clients: 64, durationS: 10, accounts: 100_000, inFlight: 16 });
 * result.transactionsPerSecond;
 */
export async function runTransfer(options: TransferOptions): Promise<TransferResult> {
  for (const [name, value] of [
    ['clients', options.clients],
    ['accounts', options.accounts],
    ['inFlight', options.inFlight],
  ] as const)
    if (!(Number.isInteger(value) && value > 0))
      throw new TickspaceError(
        'INVALID_ARGUMENT',
        `transfer option '${name}' must be a positive integer, got ${value}`,
      );
  if (options.accounts < 2)
    throw new TickspaceError('INVALID_ARGUMENT', 'transfer needs at least 2 accounts');
  const tickMs = options.tickMs ?? 50;
  const log = options.log ?? (() => {});
  const cores = startupCores;
  const pin = (options.pin ?? true) && cores >= 2;
  const startedAt = new Date().toISOString();
  const ticks: TickSample[] = [];
  const movement = createMovementScenario({ clients: 1, tickMs });
  let server: ServerProcess | undefined;
  const workers: Worker[] = [];
  try {
    server = await startServerProcess({
      config: {
        target: 'tickspace',
        scenario: 'transfer',
        movement,
        accounts: options.accounts,
        maxLifetimeS: options.durationS + 180,
      },
      ...(pin ? { cpuList: '0' } : {}),
      stderr: options.serverStderr ?? 'inherit',
      ...(options.profileServer === undefined ? {} : { profileDir: options.profileServer }),
      onTicks: (samples) => void ticks.push(...samples),
    });
    const pinned = pin && server.pinned && pinSelf('1');
    const workerCount = Math.min(
      options.clients,
      options.workers ?? Math.max(1, Math.min(4, pinned ? 1 : cores)),
    );
    let first = 0;
    for (let w = 0; w < workerCount; w++) {
      const connections =
        Math.floor(options.clients / workerCount) + (w < options.clients % workerCount ? 1 : 0);
      const config: TransferWorkerConfig = {
        url: server.url,
        connections,
        firstIndex: first,
        inFlight: options.inFlight,
        accounts: options.accounts,
        seed: movement.seed,
        connectTimeoutMs: 30_000,
      };
      first += connections;
      workers.push(startTsWorker(new URL('./transfer-worker.ts', import.meta.url), config));
    }
    const connectedReports = await Promise.all(
      workers.map((w) =>
        nextMessage<FromTransferWorker, TransferWorkerReport>(
          w,
          (m) => (m.type === 'connected' ? m.report : undefined),
          60_000,
        ),
      ),
    );
    const connected = connectedReports.reduce((a, r) => a + (r?.connected ?? 0), 0);
    const connectFailed: Record<string, number> = {};
    for (const r of connectedReports)
      for (const [k, n] of Object.entries(r?.connectFailed ?? {}))
        connectFailed[k] = (connectFailed[k] ?? 0) + n;
    if (connected === 0)
      throw new TickspaceError(
        'DISCONNECTED',
        `no transfer client could connect: ${formatCounts(connectFailed)}`,
      );
    log(`[transfer] ${connected} connections open, ${options.inFlight} calls in flight each; warming up`);
    for (const w of workers) w.postMessage({ type: 'start' } satisfies ToTransferWorker);
    const request = () =>
      Promise.all(
        workers.map((w) => {
          const reply = nextMessage<FromTransferWorker, TransferWorkerReport>(
            w,
            (m) => (m.type === 'report' ? m.report : undefined),
            3000,
          );
          w.postMessage({ type: 'report' } satisfies ToTransferWorker);
          return reply;
        }),
      ).then((rs) => rs.filter((r): r is TransferWorkerReport => r !== undefined));
    const serverSampler = server.sampler;
    const driverSampler = createProcSampler(process.pid);
    const warmupS = options.warmupS ?? 2;
    const runStart = nowMs();
    const measureFrom = runStart + warmupS * 1000;
    const endMs = measureFrom + options.durationS * 1000;
    const latency = createLatencyHistogram();
    const failed: Record<string, number> = {};
    const timeline: TransferSecond[] = [];
    const cpu: number[] = [];
    const rss: number[] = [];
    const driverCpu: number[] = [];
    let committed = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    let previous = runStart;
    for (let next = runStart + 1000; next <= endMs + 1; next += 1000) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - nowMs())));
      const reports = await request();
      const now = nowMs();
      const srv = serverSampler.sample();
      const drv = driverSampler.sample();
      const second = createLatencyHistogram();
      let done = 0;
      for (const r of reports) {
        second.merge(r.latency);
        done += r.committed;
      }
      const inSecond = ticks.filter((t) => t.startMs >= previous && t.startMs < now);
      const row: TransferSecond = {
        tS: Math.round((now - runStart) / 100) / 10,
        transactionsPerSecond: (done * 1000) / (now - previous),
        latencyP50Ms: second.percentile(0.5),
        latencyP99Ms: second.percentile(0.99),
        ticks: inSecond.length,
        tickP99Ms: summarize(inSecond.map((t) => t.durationMs)).p99Ms,
        serverCpuPercent: srv?.cpuPercent,
      };
      timeline.push(row);
      log(
        `[transfer] t=${row.tS.toFixed(0)}s ${formatNumber(row.transactionsPerSecond, 0)} tx/s | latency p50 ${formatMs(row.latencyP50Ms)} p99 ${formatMs(row.latencyP99Ms)} ms | ticks ${row.ticks} p99 ${formatMs(row.tickP99Ms)} ms | cpu srv ${srv === undefined ? 'n/a' : srv.cpuPercent.toFixed(0) + '%'} drv ${drv === undefined ? 'n/a' : drv.cpuPercent.toFixed(0) + '%'}`,
      );
      if (previous >= measureFrom - 1) {
        committed += done;
        latency.merge(second);
        for (const r of reports) {
          bytesIn += r.bytesIn;
          bytesOut += r.bytesOut;
          for (const [k, n] of Object.entries(r.failed)) failed[k] = (failed[k] ?? 0) + n;
        }
        if (srv !== undefined) {
          cpu.push(srv.cpuPercent);
          rss.push(srv.rssBytes);
        }
        if (drv !== undefined) driverCpu.push(drv.cpuPercent);
      }
      previous = now;
    }
    const windowS = (previous - measureFrom) / 1000;
    const inWindow = ticks.filter((t) => t.startMs >= measureFrom && t.startMs < previous);
    await Promise.all(
      workers.map(
        (w) => (
          w.postMessage({ type: 'stop' } satisfies ToTransferWorker),
          nextMessage<FromTransferWorker, true>(w, (m) => (m.type === 'stopped' ? true : undefined), 10_000)
        ),
      ),
    );
    const mean = (xs: number[]) => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);
    return {
      startedAt,
      clients: options.clients,
      connected,
      inFlight: options.inFlight,
      accounts: options.accounts,
      durationS: options.durationS,
      tickMs,
      workers: workerCount,
      pinned,
      transactionsPerSecond: committed / windowS,
      serverCallsPerSecond: inWindow.reduce((a, t) => a + t.calls, 0) / windowS,
      committed,
      latency: latency.summary(),
      failedByCode: failed,
      connectFailedByCode: connectFailed,
      ticksPerSecond: inWindow.length / windowS,
      tick: summarize(inWindow.map((t) => t.durationMs)),
      serverCpuPercent: mean(cpu),
      serverCpuUsPerTransaction:
        mean(cpu) === undefined || committed === 0 ? undefined : (mean(cpu)! * 1e4) / (committed / windowS),
      serverRssMaxBytes: rss.length === 0 ? undefined : Math.max(...rss),
      driverCpuPercent: mean(driverCpu),
      bytesOutPerTransaction: committed === 0 ? 0 : bytesOut / committed,
      bytesInPerTransaction: committed === 0 ? 0 : bytesIn / committed,
      timeline,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await server?.stop();
  }
}

/** The transfer scenario's report. */
export function transferReport(r: TransferResult, env: Environment): ReportDocument {
  return {
    title: `Keynote transfer: ${formatNumber(r.accounts, 0)} accounts, ${r.clients} clients x ${r.inFlight} in flight`,
    blocks: [
      { kind: 'text', text: environmentLine(env, r.pinned) },
      {
        kind: 'text',
        text: `Each client keeps ${r.inFlight} \`transfer(from, to, 1)\` calls outstanding between random accounts over its own WebSocket; the server ticks every ${r.tickMs} ms. Measured ${r.durationS} s after a warm-up.`,
      },
      {
        kind: 'table',
        table: {
          headers: ['figure', 'value'],
          rows: [
            ['transactions per second (committed, answered)', formatNumber(r.transactionsPerSecond, 0)],
            ['server reducer calls per second', formatNumber(r.serverCallsPerSecond, 0)],
            [
              'latency p50 / p99 / max',
              `${formatMs(r.latency.p50Ms)} / ${formatMs(r.latency.p99Ms)} / ${formatMs(r.latency.maxMs)} ms`,
            ],
            ['connections open', `${r.connected} of ${r.clients}`],
            ['server ticks per second', formatNumber(r.ticksPerSecond, 1)],
            ['server tick p50 / p99', `${formatMs(r.tick.p50Ms)} / ${formatMs(r.tick.p99Ms)} ms`],
            [
              'server CPU (one core = 100 %)',
              r.serverCpuPercent === undefined ? 'n/a' : `${r.serverCpuPercent.toFixed(0)} %`,
            ],
            [
              'server CPU per transfer (a dedicated core would allow 1e6 / this per second)',
              r.serverCpuUsPerTransaction === undefined
                ? 'n/a'
                : `${formatNumber(r.serverCpuUsPerTransaction, 1)} µs`,
            ],
            ['server RSS max', formatBytes(r.serverRssMaxBytes)],
            ['driver CPU', r.driverCpuPercent === undefined ? 'n/a' : `${r.driverCpuPercent.toFixed(0)} %`],
            [
              'bytes per transaction out / in',
              `${formatNumber(r.bytesOutPerTransaction)} / ${formatNumber(r.bytesInPerTransaction)}`,
            ],
            ['failed calls by code', formatCounts(r.failedByCode)],
            ['failed connections by code', formatCounts(r.connectFailedByCode)],
          ],
        },
      },
      {
        kind: 'chart',
        svg: lineChart({
          title: 'Transactions per second',
          xLabel: 'time (s)',
          yLabel: 'tx / s',
          series: [
            {
              name: 'tickspace',
              color: CHART_COLORS[0],
              points: r.timeline.map((s) => [s.tS, s.transactionsPerSecond] as const),
            },
          ],
          references: [{ label: 'goal 100,000', y: 100_000 }],
        }),
      },
      {
        kind: 'chart',
        svg: lineChart({
          title: 'Transfer latency',
          xLabel: 'time (s)',
          yLabel: 'ms',
          series: [
            {
              name: 'p50',
              color: CHART_COLORS[0],
              points: r.timeline.map((s) => [s.tS, s.latencyP50Ms] as const),
            },
            {
              name: 'p99',
              color: CHART_COLORS[1],
              points: r.timeline.map((s) => [s.tS, s.latencyP99Ms] as const),
            },
          ],
        }),
      },
    ],
  };
}
