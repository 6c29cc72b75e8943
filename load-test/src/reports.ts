import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadRunResult } from './driver';
import { environmentLine, type Environment } from './environment';
import { formatBytes, formatCounts, formatMs, formatNumber } from './format';
import {
  renderHtml,
  renderMarkdown,
  type ReportBlock,
  type ReportDocument,
  type ReportTable,
} from './report-document';
import type { TimelineRow } from './run-metrics';
import { CHART_COLORS, lineChart, type ChartSeries } from './svg-chart';
import { runHeld, type SweepResult } from './sweep';

/** Both targets' sweeps over the same steps. */
export interface CompareResult {
  readonly tickspace: SweepResult;
  readonly colyseus: SweepResult;
}

const pct = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(0)} %`);
const yesNo = (b: boolean) => (b ? 'yes' : '**no**');
const colorOf = (target: string) => (target === 'colyseus' ? CHART_COLORS[1] : CHART_COLORS[0]);

/** The scenario in one sentence. */
function scenarioLine(r: LoadRunResult): string {
  const s = r.scenario;
  if (r.scenarioName === 'frontier')
    return (
      `Scenario: the Frontier world (seed '${s.seed}') played by ${r.clients} sim bots (${Object.entries(
        r.mix ?? {},
      )
        .filter(([, n]) => n > 0)
        .map(([tier, n]) => `${n} ${tier}`)
        .join(', ')}) through the client SDK; server tick ${s.tickMs} ms. ` +
      (r.regions === undefined
        ? ''
        : `The world ran as a ${r.regions} region world (a process and an fsynced log per region, a local nats-server, the bots through the gateway): tick figures per region below, the run's from the slowest region and the longest p99; server CPU and RSS are the gateway process's; no update ages (tick numbers are per region). `) +
      `Ramp ${r.rampS} s, measured ${r.durationS} s after it, ${r.workers} driver worker(s). Round trips, update ages and bytes are read from frame headers under the SDK; ` +
      `load average ${r.loadAverage[0].toFixed(1)} before the run, ${r.loadAverage[1].toFixed(1)} after.`
    );
  return (
    `Scenario: each client owns one entity in a ${formatNumber(s.worldSize, 0)} x ${formatNumber(s.worldSize, 0)} world, ` +
    `sends a step ${s.inputHz} times a second and sees every entity within ${s.aoiRadius} units (grid cell ${s.cellSize}); ` +
    (s.lod === undefined
      ? ''
      : `level of detail: entities within ${s.lod.radius} units update every tick, the rest of the area every ${s.lod.every}th; `) +
    `server tick ${s.tickMs} ms (${1000 / s.tickMs} Hz). ` +
    `Positions lie on a ${s.positionUnit}-unit grid on both servers (the shared step rule snaps them): Tickspace stores them as i32 fixed point ` +
    `(counts of ${s.positionUnit}), the Colyseus room as idiomatic float32 schema fields. ` +
    `Ramp ${r.rampS} s, measured ${r.durationS} s after it, ${r.workers} driver worker(s); ` +
    `${r.observers} of the ${r.clients} clients decode every update (visible entities and update age come from them; the others count state bytes without decoding); ` +
    `load average ${r.loadAverage[0].toFixed(1)} before the run, ${r.loadAverage[1].toFixed(1)} after.`
  );
}

/** The figures of one run as a two-column table. */
function runTable(r: LoadRunResult): ReportTable {
  const s = r.summary;
  const hz = 1000 / r.scenario.tickMs;
  const rows: string[][] = [
    ['connections accepted / failed', `${s.connectionsAccepted} / ${s.connectionsFailed}`],
    ['clients connected at the end', `${s.clientsConnected} of ${s.clientsRequested}`],
    ['server ticks per second', `${formatNumber(s.ticksPerSecond, 2)} (target ${hz})`],
    [
      s.tickSource === 'metrics'
        ? 'server tick p50 / p99 / max (its /metrics: reducers only)'
        : 'server tick p50 / p99 / max',
      `${formatMs(s.tick.p50Ms)} / ${formatMs(s.tick.p99Ms)} / ${formatMs(s.tick.maxMs)} ms`,
    ],
    ['ticks over budget', `${s.tickOverruns} of ${s.tick.count}`],
    ...(s.regions ?? []).map((g) => [
      `region ${g.region}: ticks per second, tick p50 / p99 / max, over budget`,
      `${formatNumber(g.ticksPerSecond, 2)}, ${formatMs(g.tick.p50Ms)} / ${formatMs(g.tick.p99Ms)} / ${formatMs(g.tick.maxMs)} ms, ${g.tickOverruns} of ${g.tick.count}`,
    ]),
    [
      r.target === 'colyseus'
        ? 'step round trip (message to ack) p50 / p99'
        : 'reducer round trip (call to result) p50 / p99',
      `${formatMs(s.roundTrip.p50Ms)} / ${formatMs(s.roundTrip.p99Ms)} ms`,
    ],
    [
      'update age (tick start to receipt) p50 / p99',
      s.updateAge === undefined
        ? 'n/a'
        : `${formatMs(s.updateAge.p50Ms)} / ${formatMs(s.updateAge.p99Ms)} ms`,
    ],
    [
      'messages per client per second in / out',
      `${formatNumber(s.messagesInPerClientPerSecond)} / ${formatNumber(s.messagesOutPerClientPerSecond)}`,
    ],
    [
      'bytes per client per second in / out',
      `${formatBytes(s.bytesInPerClientPerSecond)} / ${formatBytes(s.bytesOutPerClientPerSecond)}`,
    ],
    ['bytes per message in', formatNumber(s.bytesPerMessageIn)],
    [
      'entities visible per client',
      r.scenarioName === 'frontier'
        ? 'n/a (Frontier bots cache many tables)'
        : formatNumber(s.visiblePerClient),
    ],
    [
      'server CPU (one core = 100 %)',
      `${pct(s.serverCpuPercent)} (${s.serverCpuMsPerClientPerSecond === undefined ? 'n/a' : formatNumber(s.serverCpuMsPerClientPerSecond, 3)} ms/s per client)`,
    ],
    [
      'server CPU per tick (all its work / ticks run)',
      s.serverCpuMsPerTick === undefined ? 'n/a' : `${formatMs(s.serverCpuMsPerTick)} ms`,
    ],
    ['server RSS max', formatBytes(s.serverRssMaxBytes)],
    ['driver CPU', pct(s.driverCpuPercent)],
    ['connect failures by code', formatCounts(s.failedByCode)],
    ['disconnects by reason', formatCounts(s.lostByReason)],
    ['errors by code', formatCounts(s.errorsByCode)],
    [
      `held ${hz} Hz with p99 tick < ${r.scenario.tickMs} ms`,
      s.tickSource === 'none' ? 'n/a (no server tick figures)' : yesNo(runHeld(r)),
    ],
  ];
  return { headers: ['figure', 'value'], rows };
}

/** Charts of one or more runs' timelines: tick rate and clients, then latencies. */
function timelineCharts(
  runs: readonly { name: string; color: string; timeline: readonly TimelineRow[] }[],
  tickMs: number,
): ReportBlock[] {
  const series = (pick: (row: TimelineRow) => number, suffix = '', dashed = false): ChartSeries[] =>
    runs.map((r) => ({
      name: `${r.name}${suffix}`,
      color: r.color,
      dashed,
      points: r.timeline.map((row) => [row.tS, pick(row)] as const),
    }));
  return [
    {
      kind: 'chart',
      svg: lineChart({
        title: 'Server ticks per second',
        xLabel: 'time (s)',
        yLabel: 'ticks / s',
        series: series((row) => row.ticks),
        references: [{ label: `target ${1000 / tickMs} Hz`, y: 1000 / tickMs }],
      }),
    },
    {
      kind: 'chart',
      svg: lineChart({
        title: 'Tick p99 and update age p99',
        xLabel: 'time (s)',
        yLabel: 'ms',
        series: [
          ...series((row) => row.tickP99Ms, ' tick p99'),
          ...series((row) => row.updateAgeP99Ms, ' age p99', true),
        ],
        references: [{ label: `${tickMs} ms budget`, y: tickMs }],
      }),
    },
    {
      kind: 'chart',
      svg: lineChart({
        title: 'Connected clients',
        xLabel: 'time (s)',
        yLabel: 'clients',
        series: series((row) => row.clients),
      }),
    },
  ];
}

/** The report of one run. */
export function runReport(r: LoadRunResult, env: Environment): ReportDocument {
  return {
    title:
      r.scenarioName === 'frontier'
        ? `Load test: Frontier on tickspace, ${r.clients} sim players`
        : `Load test: ${r.target}, ${r.clients} clients`,
    blocks: [
      { kind: 'text', text: environmentLine(env, r.pinned) },
      { kind: 'text', text: scenarioLine(r) },
      { kind: 'table', table: runTable(r) },
      ...timelineCharts(
        [{ name: r.target, color: colorOf(r.target), timeline: r.timeline }],
        r.scenario.tickMs,
      ),
    ],
  };
}

/** One row per step of a sweep. */
function sweepTable(sweep: SweepResult): ReportTable {
  return {
    headers: [
      'clients',
      'connected',
      'ticks/s',
      'tick p50',
      'tick p99',
      'tick max',
      'rtt p99',
      'age p99',
      'msgs/s in',
      'B/s in',
      'visible',
      'server CPU',
      'CPU/tick ms',
      'RSS',
      'driver CPU',
      'held',
    ],
    rows: sweep.steps.map((r) => {
      const s = r.summary;
      return [
        r.regions === undefined ? String(r.clients) : `${r.clients} (${r.regions})`,
        String(s.clientsConnected),
        formatNumber(s.ticksPerSecond, 1),
        formatMs(s.tick.p50Ms),
        formatMs(s.tick.p99Ms),
        formatMs(s.tick.maxMs),
        formatMs(s.roundTrip.p99Ms),
        formatMs(s.updateAge?.p99Ms),
        formatNumber(s.messagesInPerClientPerSecond),
        formatBytes(s.bytesInPerClientPerSecond),
        formatNumber(s.visiblePerClient),
        pct(s.serverCpuPercent),
        formatMs(s.serverCpuMsPerTick),
        formatBytes(s.serverRssMaxBytes),
        pct(s.driverCpuPercent),
        yesNo(runHeld(r)),
      ];
    }),
  };
}

function sweepCharts(sweeps: readonly SweepResult[]): ReportBlock[] {
  const tickMs = sweeps[0]?.steps[0]?.scenario.tickMs ?? 50;
  const by = (pick: (r: LoadRunResult) => number | undefined): ChartSeries[] =>
    sweeps.map((s) => ({
      name: s.target,
      color: colorOf(s.target),
      points: s.steps.map((r) => [r.clients, pick(r) ?? Number.NaN] as const),
    }));
  return [
    {
      kind: 'chart',
      svg: lineChart({
        title: 'Ticks per second by clients',
        xLabel: 'clients',
        yLabel: 'ticks / s',
        series: by((r) => r.summary.ticksPerSecond),
        references: [{ label: `target ${1000 / tickMs} Hz`, y: 1000 / tickMs }],
      }),
    },
    {
      kind: 'chart',
      svg: lineChart({
        title: 'Tick p99 by clients',
        xLabel: 'clients',
        yLabel: 'ms',
        series: by((r) => r.summary.tick.p99Ms),
        references: [{ label: `${tickMs} ms budget`, y: tickMs }],
      }),
    },
    {
      kind: 'chart',
      svg: lineChart({
        title: 'Bytes received per client per second',
        xLabel: 'clients',
        yLabel: 'bytes / s',
        series: by((r) => r.summary.bytesInPerClientPerSecond),
      }),
    },
  ];
}

/** The report of a sweep. */
export function sweepReport(sweep: SweepResult, env: Environment): ReportDocument {
  const first = sweep.steps[0];
  return {
    title: `Load test sweep: ${sweep.target}`,
    blocks: [
      { kind: 'text', text: environmentLine(env, first?.pinned ?? false) },
      ...(first === undefined ? [] : [{ kind: 'text' as const, text: scenarioLine(first) }]),
      {
        kind: 'text',
        text: `**Largest client count holding the tick rate: ${sweep.maxHolding ?? 'none'}** (${sweep.criterion}).`,
      },
      { kind: 'table', table: sweepTable(sweep) },
      ...sweepCharts([sweep]),
    ],
  };
}

/** The client count both targets ran at which the comparison is quoted: the largest both held, else the smallest. */
export function commonClients(compare: CompareResult): number | undefined {
  const ran = (s: SweepResult) => new Map(s.steps.map((r) => [r.clients, r]));
  const a = ran(compare.tickspace);
  const b = ran(compare.colyseus);
  const both = [...a.keys()].filter((n) => b.has(n)).sort((x, y) => x - y);
  const held = both.filter((n) => runHeld(a.get(n)!) && runHeld(b.get(n)!));
  return held[held.length - 1] ?? both[0];
}

/** The side-by-side table: Tickspace, Colyseus and their ratio. */
export function compareTable(compare: CompareResult): ReportTable {
  const n = commonClients(compare);
  const at = (s: SweepResult) => s.steps.find((r) => r.clients === n)?.summary;
  const t = at(compare.tickspace);
  const c = at(compare.colyseus);
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? '' : `${(a / b).toFixed(2)}x`;
  const row = (
    name: string,
    a: number | undefined,
    b: number | undefined,
    fmt: (v: number | undefined) => string,
  ): string[] => [name, fmt(a), fmt(b), ratio(a, b)];
  const perVisible = (s: typeof t) =>
    s === undefined || s.visiblePerClient === 0
      ? undefined
      : s.bytesInPerClientPerSecond / s.visiblePerClient;
  const perTick = (s: typeof t) =>
    s === undefined || s.ticksPerSecond === 0 ? undefined : s.bytesInPerClientPerSecond / s.ticksPerSecond;
  const maxT = compare.tickspace.maxHolding;
  const maxC = compare.colyseus.maxHolding;
  const ranUpTo = (s: SweepResult) => s.steps[s.steps.length - 1]?.clients;
  const maxCell = (max: number | undefined, s: SweepResult) =>
    max === undefined
      ? 'none'
      : max === ranUpTo(s) && s.steps.every(runHeld)
        ? `>= ${max} (largest tried)`
        : String(max);
  return {
    headers: ['figure', 'Tickspace', 'Colyseus', 'Tickspace / Colyseus'],
    rows: [
      [
        'max clients at 20 Hz with p99 tick < 50 ms',
        maxCell(maxT, compare.tickspace),
        maxCell(maxC, compare.colyseus),
        ratio(maxT, maxC),
      ],
      [`at ${n ?? '?'} clients:`, '', '', ''],
      row('ticks per second', t?.ticksPerSecond, c?.ticksPerSecond, (v) => formatNumber(v, 1)),
      row('tick / patch p99 (ms)', t?.tick.p99Ms, c?.tick.p99Ms, formatMs),
      row('update age p99 (ms)', t?.updateAge?.p99Ms, c?.updateAge?.p99Ms, formatMs),
      row('round trip p99 (ms)', t?.roundTrip.p99Ms, c?.roundTrip.p99Ms, formatMs),
      row('entities visible per client', t?.visiblePerClient, c?.visiblePerClient, (v) => formatNumber(v)),
      row(
        'bytes in per client per second',
        t?.bytesInPerClientPerSecond,
        c?.bytesInPerClientPerSecond,
        formatBytes,
      ),
      row('bytes in per visible entity per second', perVisible(t), perVisible(c), (v) => formatNumber(v)),
      // Per tick: a server that ticks less often sends fewer, larger patches; this compares the encodings.
      row('bytes in per client per server tick', perTick(t), perTick(c), (v) => formatNumber(v)),
      row(
        'bytes out per client per second',
        t?.bytesOutPerClientPerSecond,
        c?.bytesOutPerClientPerSecond,
        formatBytes,
      ),
      row(
        'messages in per client per second',
        t?.messagesInPerClientPerSecond,
        c?.messagesInPerClientPerSecond,
        (v) => formatNumber(v),
      ),
      row('server CPU (% of one core)', t?.serverCpuPercent, c?.serverCpuPercent, (v) => formatNumber(v, 0)),
      row(
        'server CPU per client (ms/s)',
        t?.serverCpuMsPerClientPerSecond,
        c?.serverCpuMsPerClientPerSecond,
        (v) => formatNumber(v, 3),
      ),
      row(
        'server CPU per tick (ms; 50 fills a core at 20 Hz)',
        t?.serverCpuMsPerTick,
        c?.serverCpuMsPerTick,
        formatMs,
      ),
      row('server RSS max', t?.serverRssMaxBytes, c?.serverRssMaxBytes, formatBytes),
    ],
  };
}

/** The report of a comparison: the side-by-side table, both sweeps, charts. */
export function compareReport(compare: CompareResult, env: Environment): ReportDocument {
  const first = compare.tickspace.steps[0] ?? compare.colyseus.steps[0];
  return {
    title: 'Tickspace vs Colyseus: same scenario, same driver',
    blocks: [
      { kind: 'text', text: environmentLine(env, first?.pinned ?? false) },
      ...(first === undefined ? [] : [{ kind: 'text' as const, text: scenarioLine(first) }]),
      { kind: 'table', table: compareTable(compare) },
      { kind: 'heading', text: 'Tickspace sweep' },
      {
        kind: 'text',
        text: `Largest holding: ${compare.tickspace.maxHolding ?? 'none'} (${compare.tickspace.criterion}).`,
      },
      { kind: 'table', table: sweepTable(compare.tickspace) },
      { kind: 'heading', text: 'Colyseus sweep' },
      {
        kind: 'text',
        text: `Largest holding: ${compare.colyseus.maxHolding ?? 'none'} (${compare.colyseus.criterion}).`,
      },
      { kind: 'table', table: sweepTable(compare.colyseus) },
      ...sweepCharts([compare.tickspace, compare.colyseus]),
    ],
  };
}

/** Paths written by {@link writeReport}. */
export interface WrittenReport {
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
}

/**
 * Writes `<dir>/<name>.json` (the raw result), `.md` and `.html` (the rendered report).
 * @example
 * writeReport('bench-results', 'loadtest-colyseus-100', runReport(result, env), { environment: env, result });
 */
export function writeReport(dir: string, name: string, doc: ReportDocument, data: unknown): WrittenReport {
  mkdirSync(dir, { recursive: true });
  const paths = {
    json: join(dir, `${name}.json`),
    markdown: join(dir, `${name}.md`),
    html: join(dir, `${name}.html`),
  };
  writeFileSync(paths.json, JSON.stringify(data, null, 2) + '\n');
  writeFileSync(paths.markdown, renderMarkdown(doc));
  writeFileSync(paths.html, renderHtml(doc));
  return paths;
}
