import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../src/runners/in-process-runner';

// A small world keeps terrain generation cheap; the population covers every tier.
const small = { worldTiles: 512 } as const;
const mix = {
  human: 3,
  naive: 1,
  jittered: 1,
  replay: 1,
  humanised: 1,
  'part-time': 1,
  social: 1,
  resampled: 1,
  'farm-ring': 2,
  'ring-receiver': 1,
  session: 1,
} as const;

describe('in-process runner', () => {
  it('same seed, same final state hash; another seed, another hash', async () => {
    const a = await runInProcess({ mix, seed: 'det-1', minutes: 0.5, joinWindowMs: 5_000, world: small });
    const b = await runInProcess({ mix, seed: 'det-1', minutes: 0.5, joinWindowMs: 5_000, world: small });
    const c = await runInProcess({ mix, seed: 'det-2', minutes: 0.5, joinWindowMs: 5_000, world: small });
    expect(b.stateHash).toBe(a.stateHash);
    expect(b.totals).toEqual(a.totals);
    expect(c.stateHash).not.toBe(a.stateHash);
    // Every player joined through the SDK and acted.
    expect(a.totals.calls.join).toBe(14);
    expect(a.totals.calls.move ?? 0).toBeGreaterThan(14);
    expect(a.ticks).toBe(600);
    expect(a.virtualMs).toBe(30_000);
    expect(a.tiers).toEqual({ ...mix });
  }, 60_000);

  it('bots sharing decoded rows (the default) play exactly as bots decoding alone: same final hash', async () => {
    const shared = await runInProcess({
      mix,
      seed: 'det-3',
      minutes: 0.5,
      joinWindowMs: 5_000,
      world: small,
    });
    const alone = await runInProcess({
      mix,
      seed: 'det-3',
      minutes: 0.5,
      joinWindowMs: 5_000,
      world: small,
      sharedRows: false,
    });
    expect(shared.stateHash).toBe(alone.stateHash);
    expect(shared.totals).toEqual(alone.totals);
  }, 60_000);
});
