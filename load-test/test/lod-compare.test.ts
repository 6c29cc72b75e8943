import { describe, expect, it } from 'vitest';
import type { LoadRunResult } from '../src/driver';
import { lodFigures, type LodCompareResult } from '../src/lod-compare';

/** A run with only the figures the comparison reads. */
function run(bytes: number, cpu: number | undefined): LoadRunResult {
  return {
    summary: {
      bytesInPerClientPerSecond: bytes,
      updatesPerClientPerSecond: 20,
      serverCpuMsPerClientPerSecond: cpu,
      serverCpuMsPerTick: cpu,
      tick: { p99Ms: 10 },
      ticksPerSecond: 20,
      visiblePerClient: 30,
    },
  } as unknown as LoadRunResult;
}

describe('lod comparison figures', () => {
  it('gives medians of each side and the ratio of each pair, the ratio being the median of the pairs', () => {
    const r: LodCompareResult = {
      clients: 100,
      lod: { radius: 40, every: 4 },
      full: [run(1000, 2), run(1200, 4), run(1100, 3)],
      withLod: [run(400, 1), run(600, 4), run(330, 1.5)],
    };
    const bytes = lodFigures(r).find((f) => f.name.startsWith('bytes in per client per second'))!;
    expect(bytes.full).toBe(1100);
    expect(bytes.lod).toBe(400);
    expect(bytes.ratios).toEqual([0.4, 0.5, 0.3]);
    expect(bytes.ratio).toBe(0.4);
    const cpu = lodFigures(r).find((f) => f.name.startsWith('server CPU per client, ms'))!;
    expect(cpu.ratios).toEqual([0.5, 1, 0.5]);
    expect(cpu.ratio).toBe(0.5);
  });

  it('leaves out a figure a run could not measure', () => {
    const r: LodCompareResult = {
      clients: 100,
      lod: { radius: 40, every: 4 },
      full: [run(1000, undefined), run(1000, 2)],
      withLod: [run(400, 1), run(600, 1)],
    };
    const names = lodFigures(r).map((f) => f.name);
    expect(names).not.toContain('server CPU per client, ms per second');
    expect(names).not.toContain('server CPU per client per tick, µs');
    expect(names).toContain('bytes in per client per second');
    // Two pairs: the median is the mean of the middle two.
    expect(lodFigures(r).find((f) => f.name.startsWith('bytes in per client per second'))!.ratio).toBe(0.5);
  });
});
