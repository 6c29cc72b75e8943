import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProcSampler, parseProcStat } from '../src/proc-stats';

describe('parseProcStat', () => {
  it('reads utime, stime and rss even when the command name holds spaces and parentheses', () => {
    const line =
      '4242 (node (worker) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 1234 567 0 0 20 0 11 0 137451 3133440 8192 18446744073709551615 0 0 0';
    expect(parseProcStat(line)).toEqual({ utimeTicks: 1234, stimeTicks: 567, rssPages: 8192 });
  });

  it('returns undefined for a line it cannot read', () => {
    expect(parseProcStat('garbage')).toBeUndefined();
    expect(parseProcStat('1 (x) S 1 2')).toBeUndefined();
  });
});

describe.runIf(existsSync('/proc/self/stat'))('createProcSampler', () => {
  it('reads this process: RSS in a plausible range and CPU time that grows with work', () => {
    const sampler = createProcSampler(process.pid);
    const first = sampler.sample()!;
    expect(first.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(first.rssBytes).toBeLessThan(16 * 1024 * 1024 * 1024);
    // Burn CPU until the kernel's tick counter moves: counts work done, not time taken.
    let second = sampler.sample()!;
    let x = 0;
    while (second.cpuTotalMs <= first.cpuTotalMs) {
      for (let i = 0; i < 1e6; i++) x += Math.sqrt(i);
      second = sampler.sample()!;
    }
    expect(Number.isFinite(x)).toBe(true);
    expect(second.cpuTotalMs).toBeGreaterThan(first.cpuTotalMs);
    expect(second.cpuPercent).toBeGreaterThanOrEqual(0);
  });

  it('returns undefined for a process that does not exist', () => {
    expect(createProcSampler(2 ** 22 + 12345).sample()).toBeUndefined();
  });
});
