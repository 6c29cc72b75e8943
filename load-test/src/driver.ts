import { loadavg } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { TickspaceError } from '@tickspace/server/protocol';
import { parseMix } from '@tickspace/sim';
import { nowMs } from './bot-client';
import type { WorkerConfig } from './driver-worker';
import type { FrontierWorkerConfig } from './frontier-worker';
import { formatBytes, formatMs, formatNumber } from './format';
import { scrapeTickspaceMetrics } from './metrics-scraper';
import { createProcSampler } from './proc-stats';
import { RunAggregator, type RunSummary, type TimelineRow } from './run-metrics';
import { createMovementScenario, type MovementScenario, type MovementScenarioOptions } from './scenario';
import type { TargetName, TickSample } from './server-ipc';
import { pinSelf, startServerProcess, startupCores, type ServerProcess } from './server-process';
import { startTsWorker } from './ts-worker';
import type { FromWorker, ToWorker, WorkerReport } from './worker-report';

/** Options of one load run. */
export interface LoadRunOptions extends Omit<MovementScenarioOptions, 'clients'> {
  readonly target: TargetName;
  /**
   * `movement` (the walk, on either target) or `frontier` (Tickspace only: the Frontier world
   * played by the sim's bots and human models, over the same driver). @default 'movement'
   */
  readonly scenario?: 'movement' | 'frontier';
  /** Frontier: tier shares, e.g. `human=0.9,naive=0.1` (the sim's `--mix`). @default the sim's shares */
  readonly mix?: string;
  /** Frontier: world side in tiles. @default the Frontier default */
  readonly worldTiles?: number;
  /**
   * Frontier: serve the world as a region world of this grid (`CxR`, as `serve --regions`): a
   * local nats-server, a process and an fsynced log per region, the gateway the bots connect to.
   * @default one process
   */
  readonly regions?: string;
  /** Bots to connect. */
  readonly clients: number;
  /** Measured time after the ramp, s. */
  readonly durationS: number;
  /** Bots connect evenly over this many seconds. @default clients / 200, at most 10 */
  readonly rampS?: number;
  /** Drive an already running server instead of starting one (no tick or CPU figures then). */
  readonly url?: string;
  /** Worker threads for the bots. @default the cores the driver may use, at most 4 */
  readonly workers?: number;
  /** Pin the server to core 0 and the driver to core 1 when taskset exists and there are 2+ cores. @default true */
  readonly pin?: boolean;
  /**
   * Bots that decode every update into a client state (they measure visible entities and update
   * age); the others connect, subscribe, send and receive the same but only count state bytes,
   * because one driver core cannot decode for thousands of clients. @default min(clients, 100)
   */
  readonly observers?: number;
  /** Per-connection timeout, ms. @default 15000 */
  readonly connectTimeoutMs?: number;
  /** Receives the live progress lines; undefined: silent. */
  readonly log?: (line: string) => void;
  /** Where the server child's stderr goes. @default 'inherit' */
  readonly serverStderr?: 'inherit' | 'ignore';
  /** Write a V8 CPU profile of the server under test to this directory. @default undefined */
  readonly profileServer?: string;
}

/** Everything a run measured: what the reports are made from. */
export interface LoadRunResult {
  readonly target: TargetName;
  /** Which scenario ran; for Frontier, the tier mix of the sim population. */
  readonly scenarioName: 'movement' | 'frontier';
  readonly mix?: Readonly<Record<string, number>>;
  /** The region grid the world ran as, if any. */
  readonly regions?: string;
  readonly startedAt: string;
  readonly scenario: MovementScenario;
  readonly clients: number;
  readonly durationS: number;
  readonly rampS: number;
  readonly url: string;
  readonly workers: number;
  /** Bots that decoded every update (the rest counted state bytes only). */
  readonly observers: number;
  /** Whether server and driver ran pinned to separate cores. */
  readonly pinned: boolean;
  /** 1-minute load average of the machine at the start and the end of the run. */
  readonly loadAverage: readonly [number, number];
  readonly summary: RunSummary;
  readonly timeline: readonly TimelineRow[];
}

/** Seconds after the ramp that are not measured, so the last joins settle. */
const SETTLE_S = 1;
/** How long the main thread waits for a worker's report before going on without it, ms. */
const REPORT_TIMEOUT_MS = 2000;

/**
 * The sim's tier mix for exactly `clients` players: `--mix` as the sim reads it (counts or shares),
 * rescaled by largest remainders when its counts do not add up to `clients`.
 */
export function populationMix(text: string | undefined, clients: number): Record<string, number> {
  const parsed: Record<string, number> = parseMix(text, clients);
  const total = Object.values(parsed).reduce((a, b) => a + b, 0);
  if (total === clients || total === 0) return parsed;
  const raw = Object.entries(parsed).map(([tier, n]) => [tier, (n / total) * clients] as const);
  const out: Record<string, number> = Object.fromEntries(raw.map(([tier, v]) => [tier, Math.floor(v)]));
  let given = Object.values(out).reduce((a, b) => a + b, 0);
  const byRemainder = [...raw].sort((a, b) => b[1] - Math.floor(b[1]) - (a[1] - Math.floor(a[1])));
  for (let i = 0; given < clients; i = (i + 1) % byRemainder.length, given++) out[byRemainder[i]![0]]!++;
  return out;
}

/** One progress line: the figures someone watching a run wants. */
function formatProgress(target: string, row: TimelineRow, clientsRequested: number): string {
  const cpu = row.serverCpuPercent === undefined ? 'n/a' : `${row.serverCpuPercent.toFixed(0)}%`;
  const driver = row.driverCpuPercent === undefined ? 'n/a' : `${row.driverCpuPercent.toFixed(0)}%`;
  return (
    `[${target}] t=${row.tS.toFixed(0)}s clients ${row.clients}/${clientsRequested}` +
    ` | ticks ${row.ticks}/s p99 ${formatMs(row.tickP99Ms)} ms max ${formatMs(row.tickMaxMs)}` +
    ` | rtt p99 ${formatMs(row.roundTripP99Ms)} | age p99 ${formatMs(row.updateAgeP99Ms)}` +
    ` | in ${formatNumber(row.messagesInPerClient)} msg ${formatBytes(row.bytesInPerClient)}/s/client` +
    ` | visible ${row.visiblePerClient.toFixed(1)} | cpu srv ${cpu} drv ${driver} | rss ${formatBytes(row.serverRssBytes)}` +
    (row.errors > 0 ? ` | errors ${row.errors}` : '')
  );
}

function positiveInt(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `load run option '${name}' must be a positive integer, got ${value}`,
      { details: { option: name, value } },
    );
  return value;
}

/**
 * Runs one load test: starts the server under test in its own process (unless `url` is given),
 * connects `clients` bots from worker threads over the ramp, walks them for `durationS`, then
 * stops everything and summarises the measured window. Bounded: it always ends after
 * ramp + duration plus shutdown grace.
 * @throws TickspaceError INVALID_ARGUMENT for bad options; TIMEOUT or INTERNAL if the server does not start.
 * @example
 * const result = await runLoad({ target: 'colyseus', clients: 100, durationS: 10, log: console.log });
 * result.summary.ticksPerSecond; // -> about 20
 */
export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  const clients = positiveInt('clients', options.clients);
  if (!(options.durationS > 0))
    throw new TickspaceError('INVALID_ARGUMENT', `durationS must be > 0, got ${options.durationS}`);
  const rampS = options.rampS ?? Math.min(10, clients / 200);
  if (!(rampS >= 0)) throw new TickspaceError('INVALID_ARGUMENT', `rampS must be >= 0, got ${rampS}`);
  const scenario = createMovementScenario({ ...options, clients });
  const frontier = options.scenario === 'frontier' ? { mix: populationMix(options.mix, clients) } : undefined;
  if (frontier !== undefined && options.target !== 'tickspace')
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      'the frontier scenario runs against tickspace only (Colyseus has no Frontier world)',
    );
  if (scenario.lod !== undefined && (options.target !== 'tickspace' || frontier !== undefined))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      'a level of detail (lod) is a Tickspace subscription feature of the movement scenario; Colyseus and the Frontier scenario have none',
      { details: { target: options.target, scenario: options.scenario ?? 'movement' } },
    );
  if (options.regions !== undefined && (frontier === undefined || options.url !== undefined))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      'regions serve the Frontier world, started by the run: use --regions with --scenario frontier and without --url',
      { details: { regions: options.regions } },
    );
  if (options.regions !== undefined && !/^[1-9]\d*x[1-9]\d*$/.test(options.regions))
    throw new TickspaceError(
      'INVALID_ARGUMENT',
      `--regions ${options.regions}: expected <columns>x<rows>, e.g. 2x1`,
      {
        details: { regions: options.regions },
      },
    );
  // Tick numbers are per region, and the gateway hides which region an update came from.
  const ageTracked = options.url === undefined && options.regions === undefined;
  const observers = Math.min(clients, options.observers ?? 100);
  if (!(Number.isInteger(observers) && observers >= 0))
    throw new TickspaceError('INVALID_ARGUMENT', `observers must be an integer >= 0, got ${observers}`);
  const log = options.log ?? (() => {});
  const cores = startupCores;
  // A region world is several processes (regions, broker, gateway): none is pinned.
  const pin =
    (options.pin ?? true) && options.url === undefined && options.regions === undefined && cores >= 2;
  let server: ServerProcess | undefined;
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0] ?? 0;
  // Created once the ramp's start is known; ticks that arrive before are kept until then.
  let aggregator: RunAggregator | undefined;
  const early: TickSample[] = [];
  const workers: Worker[] = [];
  const forwardTicks = (message: ToWorker) => {
    for (const w of workers) w.postMessage(message);
  };
  try {
    if (options.url === undefined) {
      server = await startServerProcess({
        config: {
          target: options.target,
          scenario: frontier === undefined ? 'movement' : 'frontier',
          ...(options.worldTiles === undefined ? {} : { worldTiles: options.worldTiles }),
          ...(options.regions === undefined ? {} : { regions: options.regions }),
          movement: scenario,
          accounts: 0,
          maxLifetimeS: rampS + options.durationS + 120,
        },
        ...(pin ? { cpuList: '0' } : {}),
        // A region world starts a broker and a process per region first.
        ...(options.regions === undefined ? {} : { startTimeoutMs: 120_000 }),
        stderr: options.serverStderr ?? 'inherit',
        ...(options.profileServer === undefined ? {} : { profileDir: options.profileServer }),
        onTicks: (samples) => {
          if (aggregator === undefined) early.push(...samples);
          else aggregator.addTicks(samples);
          forwardTicks({
            type: 'ticks',
            ticks: samples.map((s) => s.tick),
            startsMs: samples.map((s) => s.startMs),
          });
        },
      });
    }
    const pinned = pin && server?.pinned === true && pinSelf('1');
    const url = options.url ?? server!.url;
    const workerCount = Math.min(clients, options.workers ?? Math.max(1, Math.min(4, pinned ? 1 : cores)));
    positiveInt('workers', workerCount);
    const slices: number[][] = [];
    for (let w = 0; w < workerCount; w++) {
      const indices: number[] = [];
      for (let i = w; i < clients; i += workerCount) indices.push(i);
      slices.push(indices);
      if (frontier !== undefined) {
        const config: FrontierWorkerConfig = {
          url,
          mix: frontier.mix,
          seed: scenario.seed,
          workerIndex: w,
          workers: workerCount,
          rampMs: rampS * 1000,
          trackAge: ageTracked,
        };
        workers.push(startTsWorker(new URL('./frontier-worker.ts', import.meta.url), config));
        continue;
      }
      const config: WorkerConfig = {
        target: options.target,
        url,
        scenario,
        indices,
        connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
        trackAge: options.url === undefined,
        clients,
        observers,
      };
      workers.push(startTsWorker(new URL('./driver-worker.ts', import.meta.url), config));
    }
    // The ramp starts once every worker has loaded its client library (that takes a while).
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const onMessage = (m: FromWorker) => {
              if (m.type !== 'ready') return;
              w.off('message', onMessage);
              resolve();
            };
            w.on('message', onMessage);
            w.once('error', reject);
          }),
      ),
    );
    const t0 = nowMs() + 100;
    const rampMs = rampS * 1000;
    workers.forEach((w, k) =>
      w.postMessage({
        type: 'start',
        connectAtMs: slices[k]!.map((i) => t0 + (rampMs * i) / clients),
        t0Ms: t0,
      } satisfies ToWorker),
    );
    const driverSampler = createProcSampler(process.pid);
    const request = (type: 'report' | 'stop', timeoutMs: number): Promise<WorkerReport[]> =>
      Promise.all(
        workers.map(
          (w) =>
            new Promise<WorkerReport | undefined>((resolve) => {
              const timer = setTimeout(() => {
                w.off('message', onMessage);
                resolve(undefined);
              }, timeoutMs);
              const onMessage = (m: FromWorker) => {
                if ((type === 'report' && m.type === 'report') || (type === 'stop' && m.type === 'stopped')) {
                  clearTimeout(timer);
                  w.off('message', onMessage);
                  resolve(m.report);
                }
              };
              w.on('message', onMessage);
              w.postMessage({ type } satisfies ToWorker);
            }),
        ),
      ).then((reports) => reports.filter((r): r is WorkerReport => r !== undefined));

    // Seconds are counted from the ramp's start; the measured window is whole seconds after it.
    const agg = new RunAggregator(t0, scenario.tickMs, ageTracked);
    agg.addTicks(early);
    aggregator = agg;
    // Against --url there are no tick samples: a Tickspace server's /metrics gives the tick figures.
    const scrape = options.url !== undefined && options.target === 'tickspace';
    const addScrape = async () => {
      const s = scrape ? await scrapeTickspaceMetrics(url) : undefined;
      if (s !== undefined) agg.addScrape(s);
    };
    await addScrape();
    const windowFrom = t0 + Math.ceil(rampS + SETTLE_S) * 1000;
    const endMs = windowFrom + Math.ceil(options.durationS) * 1000;
    let next = t0 + 1000;
    while (next <= endMs + 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - nowMs())));
      const [reports] = await Promise.all([request('report', REPORT_TIMEOUT_MS), addScrape()]);
      const serverSample = server?.sampler.sample();
      const driverSample = driverSampler.sample();
      const row = agg.addSecond(next, reports, serverSample, driverSample?.cpuPercent);
      log(formatProgress(options.target, row, clients));
      next += 1000;
    }
    const measuredTo = next - 1000;
    const finalReports = await request('stop', 15_000);
    const summary = agg.summary(clients, windowFrom, measuredTo, finalReports);
    return {
      target: options.target,
      scenarioName: frontier === undefined ? 'movement' : 'frontier',
      ...(frontier === undefined ? {} : { mix: frontier.mix }),
      ...(options.regions === undefined ? {} : { regions: options.regions }),
      startedAt,
      scenario,
      clients,
      durationS: options.durationS,
      rampS,
      url,
      workers: workerCount,
      observers,
      pinned,
      loadAverage: [loadAtStart, loadavg()[0] ?? 0],
      summary,
      timeline: agg.timeline,
    };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await server?.stop();
  }
}
