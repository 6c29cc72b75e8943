import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadRunResult } from '../src/driver';
import type { Environment } from '../src/environment';
import { renderHtml, renderMarkdown } from '../src/report-document';
import {
  commonClients,
  compareReport,
  compareTable,
  runReport,
  sweepReport,
  writeReport,
} from '../src/reports';
import type { RunSummary } from '../src/run-metrics';
import { createMovementScenario } from '../src/scenario';
import { lineChart, niceScale } from '../src/svg-chart';
import type { SweepResult } from '../src/sweep';

const env: Environment = {
  date: '2026-01-02T03:04:05.000Z',
  node: 'v20',
  platform: 'linux x64',
  cpuModel: 'Test CPU',
  cores: 2,
  memoryBytes: 1e9,
  taskset: true,
  loadAverage: 0.7,
};
const lat = (p50: number, p99: number) => ({
  count: 100,
  p50Ms: p50,
  p99Ms: p99,
  maxMs: p99 * 1.5,
  meanMs: p50,
});

function summary(clients: number, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    clientsRequested: clients,
    connectionsAccepted: clients,
    connectionsFailed: 0,
    clientsConnected: clients,
    windowS: 10,
    ticksPerSecond: 20,
    tick: lat(3, 10),
    tickOverruns: 0,
    roundTrip: lat(30, 60),
    updateAge: lat(5, 20),
    messagesInPerClientPerSecond: 30,
    bytesInPerClientPerSecond: 2000,
    messagesOutPerClientPerSecond: 10,
    bytesOutPerClientPerSecond: 120,
    bytesPerMessageIn: 66,
    updatesPerClientPerSecond: 20,
    visiblePerClient: 31,
    serverCpuPercent: 50,
    serverCpuMsPerClientPerSecond: 0.5,
    serverCpuMsPerTick: 25,
    serverRssMaxBytes: 2e8,
    driverCpuPercent: 60,
    failedByCode: {},
    lostByReason: {},
    errorsByCode: {},
    heldTickRate: true,
    tickSource: 'samples',
    ...overrides,
  };
}

function run(
  target: 'tickspace' | 'colyseus',
  clients: number,
  overrides: Partial<RunSummary> = {},
): LoadRunResult {
  return {
    target,
    scenarioName: 'movement',
    startedAt: env.date,
    scenario: createMovementScenario({ clients }),
    clients,
    durationS: 10,
    rampS: 2,
    url: 'ws://127.0.0.1:1',
    workers: 1,
    observers: 10,
    pinned: true,
    loadAverage: [0.5, 1.5],
    summary: summary(clients, overrides),
    timeline: [1, 2, 3].map((tS) => ({
      tS,
      clients,
      ticks: 20,
      tickP50Ms: 3,
      tickP99Ms: 9,
      tickMaxMs: 12,
      roundTripP50Ms: 30,
      roundTripP99Ms: 50,
      updateAgeP50Ms: 4,
      updateAgeP99Ms: 18,
      messagesInPerClient: 30,
      bytesInPerClient: 2000,
      bytesOutPerClient: 100,
      visiblePerClient: 31,
      serverCpuPercent: 50,
      serverRssBytes: 2e8,
      driverCpuPercent: 60,
      errors: 0,
    })),
  };
}

const sweep = (target: 'tickspace' | 'colyseus', held: number[], failedAt?: number): SweepResult => ({
  target,
  steps: [
    ...held.map((n) => run(target, n)),
    ...(failedAt === undefined
      ? []
      : [run(target, failedAt, { ticksPerSecond: 8, heldTickRate: false, bytesInPerClientPerSecond: 5000 })]),
  ],
  maxHolding: held[held.length - 1],
  criterion: 'test criterion',
});

describe('reports', () => {
  it('a run report lists every figure the issue asks for', () => {
    const md = renderMarkdown(runReport(run('tickspace', 500), env));
    for (const figure of [
      'connections accepted / failed',
      'server ticks per second',
      'server tick p50 / p99 / max',
      'reducer round trip',
      'update age',
      'messages per client per second',
      'bytes per client per second',
      'entities visible per client',
      'server CPU',
      'server RSS max',
      'disconnects by reason',
      'errors by code',
    ])
      expect(md).toContain(figure);
    expect(md).toContain('| server tick p50 / p99 / max | 3.00 / 10.0 / 15.0 ms |');
    expect(md).toContain('server pinned to core 0');
  });

  it('the comparison quotes both at the largest count both held, with ratios', () => {
    const compare = {
      tickspace: sweep('tickspace', [250, 500, 1000]),
      colyseus: sweep('colyseus', [250], 500),
    };
    expect(commonClients(compare)).toBe(250);
    const table = compareTable(compare);
    const max = table.rows[0]!;
    expect(max.slice(0, 4)).toEqual([
      'max clients at 20 Hz with p99 tick < 50 ms',
      '>= 1000 (largest tried)',
      '250',
      '4.00x',
    ]);
    expect(table.rows.find((r) => r[0] === 'bytes in per client per second')).toEqual([
      'bytes in per client per second',
      '2.00 kB',
      '2.00 kB',
      '1.00x',
    ]);
    const md = renderMarkdown(compareReport(compare, env));
    expect(md).toContain('## Tickspace sweep');
    expect(md).toContain('## Colyseus sweep');
    expect(md).toMatch(/\| 500 \| 500 \| 8 \|/);
  });

  it('a sweep report names the largest holding count', () => {
    const md = renderMarkdown(sweepReport(sweep('colyseus', [250], 500), env));
    expect(md).toContain('**Largest client count holding the tick rate: 250**');
    expect(md).toContain('| **no** |');
  });

  it('writes JSON, Markdown and a self-contained HTML page with the charts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loadtest-report-'));
    try {
      const result = run('colyseus', 100);
      const paths = writeReport(dir, 'loadtest-colyseus-100', runReport(result, env), {
        environment: env,
        result,
      });
      expect(JSON.parse(readFileSync(paths.json, 'utf8')).result.summary.visiblePerClient).toBe(31);
      expect(readFileSync(paths.markdown, 'utf8')).toContain('# Load test: colyseus, 100 clients');
      const html = readFileSync(paths.html, 'utf8');
      expect(html).toMatch(/^<!doctype html>/);
      expect(html.match(/<svg /g)?.length).toBe(3);
      expect(html).not.toMatch(/<script|src="http/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('lineChart', () => {
  it('draws one path per series and escapes text', () => {
    const svg = lineChart({
      title: 'a < b & c',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 'one',
          color: '#000',
          points: [
            [0, 1],
            [1, 2],
            [2, Number.NaN],
          ],
        },
        {
          name: 'two',
          color: '#f00',
          points: [
            [0, 3],
            [2, 4],
          ],
        },
      ],
      references: [{ label: 'goal', y: 5 }],
    });
    expect(svg.match(/<path /g)?.length).toBe(2);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(svg).not.toContain('NaN');
    expect(renderHtml({ title: 't', blocks: [{ kind: 'chart', svg }] })).toContain(svg);
  });

  it('niceScale rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceScale(47)).toEqual({ max: 50, step: 10 });
    expect(niceScale(0.3)).toEqual({ max: 0.3, step: 0.1 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.2 });
    expect(niceScale(1900).max).toBe(2000);
  });
});
