import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { metricValue, metricsUrlOf, scrapeTickspaceMetrics } from '../src/metrics-scraper';
import { RunAggregator } from '../src/run-metrics';
import type { WorkerReport } from '../src/worker-report';

const TEXT = `# HELP tickspace_tick Last committed tick
# TYPE tickspace_tick gauge
tickspace_tick 494
tickspace_tick_duration_p50_ms 0.0195
tickspace_tick_duration_p99_ms 3.75
tickspace_tick_duration_max_ms 61.7
tickspace_disconnects_total{code="1000"} 5
`;

describe('metrics scraper', () => {
  it('reads unlabelled gauges and ignores labelled and missing ones', () => {
    expect(metricValue(TEXT, 'tickspace_tick')).toBe(494);
    expect(metricValue(TEXT, 'tickspace_tick_duration_p99_ms')).toBe(3.75);
    expect(metricValue(TEXT, 'tickspace_disconnects_total')).toBeUndefined();
    expect(metricValue(TEXT, 'tickspace_nothing')).toBeUndefined();
  });

  it('derives the metrics URL from the WebSocket URL', () => {
    expect(metricsUrlOf('ws://127.0.0.1:3000/ws')).toBe('http://127.0.0.1:3000/metrics');
    expect(metricsUrlOf('wss://example.org/ws?x=1')).toBe('https://example.org/metrics');
  });

  it('scrapes a real HTTP endpoint, and gives undefined for one that is not Tickspace', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/metrics') res.end(TEXT);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const s = await scrapeTickspaceMetrics(`ws://127.0.0.1:${port}/ws`);
      expect(s).toMatchObject({ tick: 494, p50Ms: 0.0195, p99Ms: 3.75, maxMs: 61.7 });
      const closed = createServer((_req, res) => res.end('plain text'));
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      expect(
        await scrapeTickspaceMetrics(`ws://127.0.0.1:${(closed.address() as AddressInfo).port}/ws`),
      ).toBeUndefined();
      closed.close();
    } finally {
      server.close();
    }
  });

  it('feeds tick rate and percentiles to a run without tick samples', () => {
    const T0 = 1_000_000;
    const agg = new RunAggregator(T0, 50, false);
    const report = {
      connected: 1,
      accepted: 0,
      failed: {},
      lost: {},
      errors: {},
      messagesIn: 0,
      bytesIn: 0,
      messagesOut: 0,
      bytesOut: 0,
      updates: 0,
      unresolvedAges: 0,
      visibleSum: 0,
      visibleCount: 0,
      roundTrip: { buckets: [], count: 0, sumMs: 0, minMs: 0, maxMs: 0 },
      updateAge: { buckets: [], count: 0, sumMs: 0, minMs: 0, maxMs: 0 },
    } satisfies WorkerReport;
    for (let s = 0; s <= 3; s++) {
      agg.addScrape({ atMs: T0 + s * 1000, tick: 100 + s * 20, p50Ms: 1, p99Ms: 4, maxMs: 9 });
      if (s > 0) expect(agg.addSecond(T0 + s * 1000, [report], undefined, undefined).ticks).toBe(20);
    }
    const summary = agg.summary(1, T0 + 1000, T0 + 3000);
    expect(summary.tickSource).toBe('metrics');
    expect(summary.ticksPerSecond).toBe(20);
    expect(summary.tick.p99Ms).toBe(4);
    expect(summary.heldTickRate).toBe(true);
  });
});
