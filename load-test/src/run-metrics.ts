import { createLatencyHistogram, type HistogramData, type LatencySummary } from './histogram';
import type { MetricsScrape } from './metrics-scraper';
import { summarize } from './percentile';
import type { TickSample } from './server-ipc';
import { addCounts, type WorkerReport } from './worker-report';

/** One second of a run, for the live progress line and the chart. */
export interface TimelineRow {
  /** Seconds since the run started (end of this row's second). */
  readonly tS: number;
  /** Bots connected at the end of the second. */
  readonly clients: number;
  /** Server ticks that started in this second. */
  readonly ticks: number;
  readonly tickP50Ms: number;
  readonly tickP99Ms: number;
  readonly tickMaxMs: number;
  readonly roundTripP50Ms: number;
  readonly roundTripP99Ms: number;
  readonly updateAgeP50Ms: number;
  readonly updateAgeP99Ms: number;
  /** Per connected client, per second. */
  readonly messagesInPerClient: number;
  readonly bytesInPerClient: number;
  readonly bytesOutPerClient: number;
  /** Mean entities visible per client. */
  readonly visiblePerClient: number;
  /** Server process CPU in percent of one core, and its RSS; undefined when not measurable. */
  readonly serverCpuPercent: number | undefined;
  readonly serverRssBytes: number | undefined;
  /** The driver's own CPU, to show whether the driver kept up. */
  readonly driverCpuPercent: number | undefined;
  readonly errors: number;
}

/** The figures of a whole run over its measurement window (after the ramp). */
export interface RunSummary {
  readonly clientsRequested: number;
  /** Connections that reached the world / failed, over the whole run. */
  readonly connectionsAccepted: number;
  readonly connectionsFailed: number;
  /** Bots connected at the end of the window. */
  readonly clientsConnected: number;
  readonly windowS: number;
  /** Server ticks per second achieved in the window (target: 1000 / tickMs). */
  readonly ticksPerSecond: number;
  /** Server tick durations (simulation or reducers plus fan-out), ms. */
  readonly tick: LatencySummary;
  /** Ticks longer than the tick period. */
  readonly tickOverruns: number;
  readonly roundTrip: LatencySummary;
  /** Undefined when tick start times were not available (external `--url`). */
  readonly updateAge: LatencySummary | undefined;
  readonly messagesInPerClientPerSecond: number;
  readonly bytesInPerClientPerSecond: number;
  readonly messagesOutPerClientPerSecond: number;
  readonly bytesOutPerClientPerSecond: number;
  readonly bytesPerMessageIn: number;
  /** State updates applied per second by each observing client (the bots that decode). */
  readonly updatesPerClientPerSecond: number;
  readonly visiblePerClient: number;
  readonly serverCpuPercent: number | undefined;
  /** Server CPU time per connected client, ms per second. */
  readonly serverCpuMsPerClientPerSecond: number | undefined;
  /**
   * Server CPU time per tick it ran, ms (everything the process did, inputs included, divided by
   * its ticks). Unlike the tick rate, it holds when other work takes the core away: a server given
   * half a core ticks half as often at the same cost per tick. 50 ms per tick fills one core at 20 Hz.
   */
  readonly serverCpuMsPerTick: number | undefined;
  readonly serverRssMaxBytes: number | undefined;
  readonly driverCpuPercent: number | undefined;
  readonly failedByCode: Readonly<Record<string, number>>;
  readonly lostByReason: Readonly<Record<string, number>>;
  readonly errorsByCode: Readonly<Record<string, number>>;
  /**
   * Per region, when the server is a region world (`--regions`): each region's own tick rate and
   * durations. The run's `ticksPerSecond` is then the slowest region's and `tick` the region with
   * the longest p99, so the run holds only if every region does.
   */
  readonly regions?: readonly RegionTicks[];
  /** Whether the run held its tick rate: >= 95 % of the target rate and p99 tick under the period. */
  readonly heldTickRate: boolean;
  /**
   * Where the tick figures come from: `samples` (the server child timed every tick, fan-out
   * included), `metrics` (a `--url` server's /metrics: engine reducer time only), or `none`.
   */
  readonly tickSource: 'samples' | 'metrics' | 'none';
}

/** One region's ticks over a run's window. */
export interface RegionTicks {
  readonly region: string;
  readonly ticksPerSecond: number;
  readonly tick: LatencySummary;
  readonly tickOverruns: number;
}

/**
 * Tick durations by region (samples without one are the one server's, under ''), in the order
 * the regions first appear.
 */
function byRegion(samples: readonly TickSample[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const t of samples) {
    const key = t.region ?? '';
    let list = out.get(key);
    if (list === undefined) out.set(key, (list = []));
    list.push(t.durationMs);
  }
  return out;
}

/** The region whose ticks were fewest, then whose p99 was longest: the one that bounds the world. */
function worstRegion(regions: readonly RegionTicks[]): RegionTicks {
  return regions.reduce((worst, r) =>
    r.ticksPerSecond < worst.ticksPerSecond - 1e-9 ||
    (Math.abs(r.ticksPerSecond - worst.ticksPerSecond) <= 1e-9 && r.tick.p99Ms > worst.tick.p99Ms)
      ? r
      : worst,
  );
}

interface Second {
  readonly startMs: number;
  readonly endMs: number;
  readonly reports: readonly WorkerReport[];
  readonly row: TimelineRow;
}

/**
 * Collects a run's measurements (server ticks, worker reports, process samples) second by second
 * and summarises a window of them. Pure bookkeeping, no I/O: the driver feeds it, tests too.
 */
export class RunAggregator {
  readonly #startMs: number;
  readonly #tickMs: number;
  readonly #ticks: TickSample[] = [];
  readonly #seconds: Second[] = [];
  readonly #cpu: { atMs: number; percent: number }[] = [];
  readonly #rss: { atMs: number; bytes: number }[] = [];
  readonly #scrapes: MetricsScrape[] = [];
  #ageTracked: boolean;

  /**
   * @param startMs wall-clock start of the run (epoch ms).
   * @param tickMs the server's tick period, ms.
   * @param ageTracked whether tick start times are available to compute update ages.
   */
  constructor(startMs: number, tickMs: number, ageTracked: boolean) {
    this.#startMs = startMs;
    this.#tickMs = tickMs;
    this.#ageTracked = ageTracked;
  }

  /** Adds server tick samples. */
  addTicks(samples: readonly TickSample[]): void {
    for (const s of samples) this.#ticks.push(s);
  }

  /** Adds a scrape of the server's /metrics (runs against `--url`, where there are no tick samples). */
  addScrape(scrape: MetricsScrape): void {
    this.#scrapes.push(scrape);
  }

  /** The timeline so far. */
  get timeline(): TimelineRow[] {
    return this.#seconds.map((s) => s.row);
  }

  /**
   * Closes the second ending at `endMs` with the workers' reports and the process readings taken
   * at its end, and returns its timeline row.
   */
  addSecond(
    endMs: number,
    reports: readonly WorkerReport[],
    server: { cpuPercent: number; rssBytes: number } | undefined,
    driverCpuPercent: number | undefined,
  ): TimelineRow {
    const startMs =
      this.#seconds.length === 0 ? this.#startMs : this.#seconds[this.#seconds.length - 1]!.endMs;
    const inSecond: TickSample[] = [];
    for (let i = this.#ticks.length - 1; i >= 0; i--) {
      const t = this.#ticks[i]!;
      if (t.startMs >= endMs) continue;
      // Regions' samples interleave, so the scan cannot stop at the first earlier one.
      if (t.startMs < startMs) {
        if (t.region === undefined) break;
        continue;
      }
      inSecond.push(t);
    }
    // A region world's second: the slowest region's count, the longest p99.
    const groups = [...byRegion(inSecond).values()];
    const durations = groups.reduce<number[]>(
      (worst, d) => (worst.length === 0 || d.length < worst.length ? d : worst),
      [],
    );
    let ticks = summarize(durations);
    if (groups.length > 1) {
      const p99 = Math.max(...groups.map((d) => summarize(d).p99Ms));
      ticks = { ...ticks, p99Ms: p99, maxMs: Math.max(...groups.map((d) => summarize(d).maxMs)) };
    }
    let tickCount = durations.length;
    if (tickCount === 0) {
      const scraped = this.#scrapes.filter((s) => s.atMs > startMs - 1500 && s.atMs <= endMs + 500);
      if (scraped.length >= 2) {
        const last = scraped[scraped.length - 1]!;
        tickCount = last.tick - scraped[scraped.length - 2]!.tick;
        ticks = {
          count: tickCount,
          p50Ms: last.p50Ms,
          p99Ms: last.p99Ms,
          maxMs: last.maxMs,
          meanMs: last.p50Ms,
        };
      }
    }
    const roundTrip = createLatencyHistogram();
    const age = createLatencyHistogram();
    let clients = 0;
    let messagesIn = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    let visibleSum = 0;
    let visibleCount = 0;
    let errors = 0;
    for (const r of reports) {
      clients += r.connected;
      messagesIn += r.messagesIn;
      bytesIn += r.bytesIn;
      bytesOut += r.bytesOut;
      visibleSum += r.visibleSum;
      visibleCount += r.visibleCount;
      roundTrip.merge(r.roundTrip);
      age.merge(r.updateAge);
      for (const n of Object.values(r.errors)) errors += n;
    }
    const seconds = Math.max(1e-3, (endMs - startMs) / 1000);
    const perClient = (n: number) => (clients === 0 ? 0 : n / clients / seconds);
    if (server !== undefined) {
      this.#cpu.push({ atMs: endMs, percent: server.cpuPercent });
      this.#rss.push({ atMs: endMs, bytes: server.rssBytes });
    }
    const row: TimelineRow = {
      tS: Math.round((endMs - this.#startMs) / 100) / 10,
      clients,
      ticks: tickCount,
      tickP50Ms: ticks.p50Ms,
      tickP99Ms: ticks.p99Ms,
      tickMaxMs: ticks.maxMs,
      roundTripP50Ms: roundTrip.percentile(0.5),
      roundTripP99Ms: roundTrip.percentile(0.99),
      updateAgeP50Ms: age.percentile(0.5),
      updateAgeP99Ms: age.percentile(0.99),
      messagesInPerClient: perClient(messagesIn),
      bytesInPerClient: perClient(bytesIn),
      bytesOutPerClient: perClient(bytesOut),
      visiblePerClient: visibleCount === 0 ? 0 : visibleSum / visibleCount,
      serverCpuPercent: server?.cpuPercent,
      serverRssBytes: server?.rssBytes,
      driverCpuPercent,
      errors,
    };
    this.#seconds.push({ startMs, endMs, reports, row });
    return row;
  }

  /**
   * Summarises the seconds that lie inside [fromMs, toMs] (epoch ms). Connection counts cover
   * every second recorded, since failures during the ramp matter as much as after it.
   */
  summary(
    clientsRequested: number,
    fromMs: number,
    toMs: number,
    extraReports: readonly WorkerReport[] = [],
  ): RunSummary {
    const inWindow = this.#seconds.filter((s) => s.startMs >= fromMs - 1 && s.endMs <= toMs + 1);
    const windowStart = inWindow.length === 0 ? fromMs : inWindow[0]!.startMs;
    const windowEnd = inWindow.length === 0 ? toMs : inWindow[inWindow.length - 1]!.endMs;
    const windowS = Math.max(1e-3, (windowEnd - windowStart) / 1000);
    const windowTicks = this.#ticks.filter((t) => t.startMs >= windowStart && t.startMs < windowEnd);
    const regionTicks: RegionTicks[] = [];
    for (const [region, list] of byRegion(windowTicks))
      if (region !== '')
        regionTicks.push({
          region,
          ticksPerSecond: list.length / windowS,
          tick: summarize(list),
          tickOverruns: list.filter((d) => d > this.#tickMs).length,
        });
    const worst = regionTicks.length === 0 ? undefined : worstRegion(regionTicks);
    const durations =
      worst === undefined
        ? windowTicks.map((t) => t.durationMs)
        : windowTicks.filter((t) => t.region === worst.region).map((t) => t.durationMs);
    const roundTrip = createLatencyHistogram();
    const age = createLatencyHistogram();
    let messagesIn = 0;
    let bytesIn = 0;
    let messagesOut = 0;
    let bytesOut = 0;
    let updates = 0;
    let observerSeconds = 0;
    let visibleSum = 0;
    let visibleCount = 0;
    let clientSeconds = 0;
    let unresolved = 0;
    for (const s of inWindow) {
      clientSeconds += s.row.clients * ((s.endMs - s.startMs) / 1000);
      for (const r of s.reports) {
        messagesIn += r.messagesIn;
        bytesIn += r.bytesIn;
        messagesOut += r.messagesOut;
        bytesOut += r.bytesOut;
        updates += r.updates;
        observerSeconds += r.visibleCount * ((s.endMs - s.startMs) / 1000);
        visibleSum += r.visibleSum;
        visibleCount += r.visibleCount;
        unresolved += r.unresolvedAges;
        roundTrip.merge(r.roundTrip as HistogramData);
        age.merge(r.updateAge as HistogramData);
      }
    }
    let accepted = 0;
    const failed: Record<string, number> = {};
    const lost: Record<string, number> = {};
    const errors: Record<string, number> = {};
    for (const r of [...this.#seconds.flatMap((s) => s.reports), ...extraReports]) {
      accepted += r.accepted;
      addCounts(failed, r.failed);
      addCounts(lost, r.lost);
      addCounts(errors, r.errors);
    }
    const connectionsFailed = Object.values(failed).reduce((a, b) => a + b, 0);
    const last = inWindow[inWindow.length - 1];
    const clientsConnected = last?.row.clients ?? 0;
    const perClient = (n: number) => (clientSeconds === 0 ? 0 : n / clientSeconds);
    const cpu = this.#cpu.filter((c) => c.atMs > windowStart && c.atMs <= windowEnd + 1);
    const rss = this.#rss.filter((c) => c.atMs > windowStart && c.atMs <= windowEnd + 1);
    const driverCpu = inWindow.map((s) => s.row.driverCpuPercent).filter((v): v is number => v !== undefined);
    const serverCpuPercent =
      cpu.length === 0 ? undefined : cpu.reduce((a, c) => a + c.percent, 0) / cpu.length;
    const meanClients = clientSeconds / windowS;
    let tick = worst?.tick ?? summarize(durations);
    // The slowest region bounds the world; its p99 may not be the longest, so take that from all.
    if (regionTicks.length > 0) tick = { ...tick, p99Ms: Math.max(...regionTicks.map((r) => r.tick.p99Ms)) };
    let ticksPerSecond = durations.length / windowS;
    let tickSource: RunSummary['tickSource'] = durations.length > 0 ? 'samples' : 'none';
    const scraped = this.#scrapes.filter((s) => s.atMs >= windowStart - 500 && s.atMs <= windowEnd + 1500);
    if (durations.length === 0 && scraped.length >= 2) {
      const first = scraped[0]!;
      const last = scraped[scraped.length - 1]!;
      const n = last.tick - first.tick;
      ticksPerSecond = (n * 1000) / Math.max(1, last.atMs - first.atMs);
      tick = { count: n, p50Ms: last.p50Ms, p99Ms: last.p99Ms, maxMs: last.maxMs, meanMs: last.p50Ms };
      tickSource = 'metrics';
    }
    const targetHz = 1000 / this.#tickMs;
    return {
      clientsRequested,
      connectionsAccepted: accepted,
      connectionsFailed,
      clientsConnected,
      windowS,
      ticksPerSecond,
      tick,
      // With regions, the slowest region's, as `tick` counts its ticks (each region has its own).
      tickOverruns: durations.filter((d) => d > this.#tickMs).length,
      roundTrip: roundTrip.summary(),
      updateAge: this.#ageTracked && age.count > 0 ? age.summary() : undefined,
      messagesInPerClientPerSecond: perClient(messagesIn),
      bytesInPerClientPerSecond: perClient(bytesIn),
      messagesOutPerClientPerSecond: perClient(messagesOut),
      bytesOutPerClientPerSecond: perClient(bytesOut),
      bytesPerMessageIn: messagesIn === 0 ? 0 : bytesIn / messagesIn,
      updatesPerClientPerSecond: observerSeconds === 0 ? 0 : updates / observerSeconds,
      visiblePerClient: visibleCount === 0 ? 0 : visibleSum / visibleCount,
      serverCpuPercent,
      serverCpuMsPerClientPerSecond:
        serverCpuPercent === undefined || meanClients === 0
          ? undefined
          : (serverCpuPercent * 10) / meanClients,
      serverCpuMsPerTick:
        serverCpuPercent === undefined || ticksPerSecond === 0
          ? undefined
          : (serverCpuPercent * 10) / ticksPerSecond,
      serverRssMaxBytes: rss.length === 0 ? undefined : Math.max(...rss.map((r) => r.bytes)),
      driverCpuPercent:
        driverCpu.length === 0 ? undefined : driverCpu.reduce((a, b) => a + b, 0) / driverCpu.length,
      failedByCode: failed,
      lostByReason: lost,
      errorsByCode: {
        ...errors,
        ...(unresolved > 0 && this.#ageTracked ? { AGE_UNRESOLVED: unresolved } : {}),
      },
      ...(regionTicks.length === 0 ? {} : { regions: regionTicks }),
      heldTickRate: tick.count > 0 && ticksPerSecond >= targetHz * 0.95 && tick.p99Ms < this.#tickMs,
      tickSource,
    };
  }
}
