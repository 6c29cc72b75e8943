import { describe, expect, it } from 'vitest';
import { createLatencyHistogram } from '../src/histogram';
import { RunAggregator } from '../src/run-metrics';
import type { TickSample } from '../src/server-ipc';
import type { WorkerReport } from '../src/worker-report';

const T0 = 1_700_000_000_000;

function report(overrides: Partial<WorkerReport> & { rtt?: number[]; ages?: number[] } = {}): WorkerReport {
  const rtt = createLatencyHistogram();
  for (const v of overrides.rtt ?? []) rtt.record(v);
  const age = createLatencyHistogram();
  for (const v of overrides.ages ?? []) age.record(v);
  return {
    connected: 0,
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
    ...overrides,
    roundTrip: rtt.toData(),
    updateAge: age.toData(),
  };
}

function ticks(fromMs: number, count: number, durationMs: (i: number) => number, everyMs = 50): TickSample[] {
  return Array.from({ length: count }, (_, i) => ({
    tick: i + 1,
    startMs: fromMs + i * everyMs,
    durationMs: durationMs(i),
    calls: 0,
  }));
}

describe('RunAggregator', () => {
  it('turns worker counters into per-client rates and merges workers', () => {
    const agg = new RunAggregator(T0, 50, true);
    agg.addTicks(ticks(T0, 20, () => 2));
    const row = agg.addSecond(
      T0 + 1000,
      [
        report({
          connected: 10,
          accepted: 10,
          messagesIn: 300,
          bytesIn: 30_000,
          messagesOut: 100,
          bytesOut: 1000,
          visibleSum: 300,
          visibleCount: 10,
          rtt: [10, 20],
          ages: [5],
        }),
        report({
          connected: 10,
          accepted: 10,
          messagesIn: 300,
          bytesIn: 30_000,
          messagesOut: 100,
          bytesOut: 1000,
          visibleSum: 100,
          visibleCount: 10,
          rtt: [30],
          ages: [7],
        }),
      ],
      { cpuPercent: 50, rssBytes: 1e8 },
      20,
    );
    expect(row.clients).toBe(20);
    expect(row.ticks).toBe(20);
    expect(row.messagesInPerClient).toBe(30);
    expect(row.bytesInPerClient).toBe(3000);
    expect(row.bytesOutPerClient).toBe(100);
    expect(row.visiblePerClient).toBe(20);
    // Within the histogram's 1 % precision.
    expect(row.roundTripP50Ms).toBeCloseTo(20, 0);
    expect(row.updateAgeP99Ms).toBeCloseTo(7, 0);
    expect(row.serverCpuPercent).toBe(50);
  });

  it('summarises only the window: ticks per second, percentiles, and whether the rate held', () => {
    const agg = new RunAggregator(T0, 50, true);
    // Second 1: ramp, slow ticks that must not count. Seconds 2-3: 20 ticks each, one slow tick.
    agg.addTicks(ticks(T0, 5, () => 400, 200));
    agg.addTicks(ticks(T0 + 1000, 40, (i) => (i === 7 ? 45 : 3)));
    for (let s = 1; s <= 3; s++)
      agg.addSecond(
        T0 + s * 1000,
        [
          report({
            connected: 100,
            accepted: s === 1 ? 100 : 0,
            messagesIn: 3000,
            bytesIn: 90_000,
            updates: 2000,
            visibleSum: 3000,
            visibleCount: 100,
          }),
        ],
        { cpuPercent: 40 + s, rssBytes: s * 1e6 },
        10,
      );
    const summary = agg.summary(100, T0 + 1000, T0 + 3000);
    expect(summary.windowS).toBe(2);
    expect(summary.ticksPerSecond).toBe(20);
    expect(summary.tick.count).toBe(40);
    expect(summary.tick.p50Ms).toBe(3);
    expect(summary.tick.maxMs).toBe(45);
    expect(summary.tick.p99Ms).toBe(45);
    expect(summary.tickOverruns).toBe(0);
    expect(summary.heldTickRate).toBe(true);
    expect(summary.connectionsAccepted).toBe(100);
    expect(summary.clientsConnected).toBe(100);
    expect(summary.messagesInPerClientPerSecond).toBe(30);
    expect(summary.bytesPerMessageIn).toBe(30);
    expect(summary.updatesPerClientPerSecond).toBe(20);
    expect(summary.visiblePerClient).toBe(30);
    expect(summary.serverCpuPercent).toBeCloseTo(42.5, 6);
    expect(summary.serverCpuMsPerClientPerSecond).toBeCloseTo(4.25, 6);
    // 42.5 % of a core is 425 ms of CPU a second, over 20 ticks.
    expect(summary.serverCpuMsPerTick).toBeCloseTo(21.25, 6);
    expect(summary.serverRssMaxBytes).toBe(3e6);
  });

  it('does not hold when ticks are missing or slow', () => {
    const slow = new RunAggregator(T0, 50, true);
    slow.addTicks(ticks(T0, 8, () => 120, 125));
    slow.addSecond(T0 + 1000, [report({ connected: 1 })], undefined, undefined);
    const s = slow.summary(1, T0, T0 + 1000);
    expect(s.ticksPerSecond).toBe(8);
    expect(s.tickOverruns).toBe(8);
    expect(s.heldTickRate).toBe(false);
    expect(s.serverCpuPercent).toBeUndefined();

    const none = new RunAggregator(T0, 50, false);
    none.addSecond(T0 + 1000, [report({ connected: 1, ages: [3] })], undefined, undefined);
    const n = none.summary(1, T0, T0 + 1000);
    expect(n.heldTickRate).toBe(false);
    // Without tick start times (external --url) there is no update age to report.
    expect(n.updateAge).toBeUndefined();
  });

  it('counts connection failures, losses and errors over the whole run, final reports included', () => {
    const agg = new RunAggregator(T0, 50, true);
    agg.addSecond(
      T0 + 1000,
      [report({ failed: { TIMEOUT: 2 }, errors: { RATE_LIMITED: 1 } })],
      undefined,
      undefined,
    );
    agg.addSecond(T0 + 2000, [report({ lost: { 'close 1006': 1 } })], undefined, undefined);
    const s = agg.summary(5, T0 + 1000, T0 + 2000, [
      report({ failed: { TIMEOUT: 1, ECONNREFUSED: 1 }, accepted: 3 }),
    ]);
    expect(s.connectionsFailed).toBe(4);
    expect(s.failedByCode).toEqual({ TIMEOUT: 3, ECONNREFUSED: 1 });
    expect(s.lostByReason).toEqual({ 'close 1006': 1 });
    expect(s.errorsByCode).toEqual({ RATE_LIMITED: 1 });
    expect(s.connectionsAccepted).toBe(3);
  });

  it('a region world holds only if every region does: the slowest region and the longest p99', () => {
    const agg = new RunAggregator(T0, 50, false);
    const tag = (region: string, list: TickSample[]) => list.map((t) => ({ ...t, region }));
    // West ticks at 20 Hz, quick; east at 16 Hz (62.5 ms apart), its p99 28 ms.
    agg.addTicks(
      tag(
        'west',
        ticks(T0, 60, () => 3),
      ),
    );
    agg.addTicks(
      tag(
        'east',
        ticks(T0 + 10, 48, (i) => (i % 10 === 9 ? 28 : 6), 62.5),
      ),
    );
    const rows = [1, 2, 3].map((s) =>
      agg.addSecond(T0 + s * 1000, [report({ connected: 5 })], undefined, undefined),
    );
    // Per second: the slower region's count, the longer p99, never the two regions' sum.
    expect(rows[0]!.ticks).toBe(16);
    expect(rows[0]!.tickP99Ms).toBe(28);
    const s = agg.summary(5, T0, T0 + 3000);
    expect(s.regions?.map((r) => r.region)).toEqual(['west', 'east']);
    expect(s.regions![0]!.ticksPerSecond).toBeCloseTo(20, 5);
    expect(s.regions![1]!.ticksPerSecond).toBeCloseTo(16, 5);
    expect(s.ticksPerSecond).toBeCloseTo(16, 5);
    expect(s.tick.p99Ms).toBe(28);
    expect(s.heldTickRate).toBe(false);
    // The same east at 20 Hz: the world holds.
    const held = new RunAggregator(T0, 50, false);
    held.addTicks(
      tag(
        'west',
        ticks(T0, 60, () => 3),
      ),
    );
    held.addTicks(
      tag(
        'east',
        ticks(T0 + 10, 60, () => 6),
      ),
    );
    for (const sec of [1, 2, 3])
      held.addSecond(T0 + sec * 1000, [report({ connected: 5 })], undefined, undefined);
    const h = held.summary(5, T0, T0 + 3000);
    expect(h.ticksPerSecond).toBeCloseTo(20, 5);
    expect(h.tick.p99Ms).toBe(6);
    expect(h.heldTickRate).toBe(true);
    // One server's samples carry no region: no per-region figures.
    const one = new RunAggregator(T0, 50, false);
    one.addTicks(ticks(T0, 60, () => 3));
    one.addSecond(T0 + 1000, [report({ connected: 5 })], undefined, undefined);
    expect(one.summary(5, T0, T0 + 1000).regions).toBeUndefined();
  });
});
