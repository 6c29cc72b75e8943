import { describe, expect, it } from 'vitest';
import { EVERY_TIER, SMALL_WORLD } from './population-mix';
import { runInProcess } from '../../src/runners/in-process-runner';

const small = SMALL_WORLD;
const mix = EVERY_TIER;

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
