import { describe, expect, it } from 'vitest';
import { crashLoop } from './crash-harness';
import { tempDir } from './helpers';

describe('crash recovery with real processes', () => {
  it('survives 50 SIGKILLs at random moments: every durable tick kept, none half-applied, replay matches', async () => {
    const dir = tempDir('tickspace-crash-');
    const result = await crashLoop({
      dir,
      iterations: 50,
      seed: 'ci-crash-1',
      maxAcked: 20,
      segmentBytes: 4096,
      snapshotEveryTicks: 25,
    });
    expect(result.reports).toHaveLength(50);
    expect(result.ackedTicks).toBeGreaterThan(150);
    // The seeded schedule exercises startup kills, torn tails that recovery cut, and multiple segments.
    expect(result.reports.some((r) => r.mode === 'startup')).toBe(true);
    expect(result.reports.some((r) => r.cut !== undefined)).toBe(true);
    expect(result.lastTick).toBeGreaterThanOrEqual(result.ackedTicks);
  });
});
