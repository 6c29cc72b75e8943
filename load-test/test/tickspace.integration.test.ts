import { describe, expect, it } from 'vitest';
import { runLoad } from '../src/driver';
import { CLIENTS, checkReport, checkRun } from './run-checks';

describe('load test against Tickspace', () => {
  // pin: false: pinning would pin the vitest worker itself. Two workers exercise the merge.
  it('10 clients for 2 s: every figure measured and consistent', async () => {
    const r = await runLoad({
      target: 'tickspace',
      clients: CLIENTS,
      durationS: 2,
      rampS: 0.5,
      pin: false,
      observers: 5,
      workers: 2,
    });
    checkRun(r);
    expect(r.summary.errorsByCode).toEqual({});
    // Each reducer result answers one call the bots sent.
    expect(r.summary.roundTrip.count).toBeLessThanOrEqual(
      // plus answers to steps sent just before the window opened
      Math.ceil(r.summary.messagesOutPerClientPerSecond * CLIENTS * r.summary.windowS) + CLIENTS * 10,
    );
    checkReport(r);
  });
});
