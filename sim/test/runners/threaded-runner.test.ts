import { describe, expect, it } from 'vitest';
import { EVERY_TIER, SMALL_WORLD } from './population-mix';
import { runThreaded } from '../../src/runners/threaded-runner';

const small = SMALL_WORLD;
const mix = EVERY_TIER;
const run = (seed: string, threads: number) =>
  runThreaded({ mix, seed, minutes: 0.5, joinWindowMs: 5_000, world: small, threads });

describe('threaded runner (bots on worker threads)', () => {
  it('same seed, same final state hash with one thread or three; another seed, another hash', async () => {
    const one = await run('thr-1', 1);
    const three = await run('thr-1', 3);
    expect(three.stateHash).toBe(one.stateHash);
    expect(three.totals).toEqual(one.totals);
    // Every player joined through the SDK from its thread and acted.
    expect(one.totals.calls.join).toBe(14);
    expect(one.totals.calls.move ?? 0).toBeGreaterThan(14);
    expect(one.ticks).toBe(600);
    expect(one.tiers).toEqual({ ...mix });
    const other = await run('thr-2', 3);
    expect(other.stateHash).not.toBe(one.stateHash);
  }, 120_000);

  it('refuses a thread count below one', async () => {
    await expect(run('thr-3', 0)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('threads must be an integer >= 1, got 0'),
    });
  });
});
