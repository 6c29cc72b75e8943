import { describe, expect, it } from 'vitest';
import { runTransfer } from '../src/transfer';

describe('keynote transfer scenario', () => {
  it('commits transfers end to end, with latencies and the server agreeing on the count', async () => {
    const r = await runTransfer({
      clients: 4,
      inFlight: 8,
      accounts: 1000,
      durationS: 2,
      warmupS: 1,
      pin: false,
      workers: 1,
    });
    expect(r.connected).toBe(4);
    expect(r.committed).toBeGreaterThan(0);
    expect(r.transactionsPerSecond).toBeGreaterThan(0);
    expect(r.serverCallsPerSecond).toBeGreaterThan(0);
    expect(r.failedByCode).toEqual({});
    expect(r.latency.count).toBe(r.committed);
    expect(r.latency.p99Ms).toBeGreaterThanOrEqual(r.latency.p50Ms);
    // A transfer call is a few bytes of header plus two u32 and an i64.
    expect(r.bytesOutPerTransaction).toBeGreaterThan(8);
    expect(r.bytesOutPerTransaction).toBeLessThan(64);
  });
});
