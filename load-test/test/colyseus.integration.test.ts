import { describe, expect, it } from 'vitest';
import { runLoad } from '../src/driver';
import { CLIENTS, checkReport, checkRun } from './run-checks';

describe('load test against the Colyseus peer', () => {
  // pin: false: pinning would pin the vitest worker itself.
  it('10 clients for 2 s: every figure measured and consistent', async () => {
    const r = await runLoad({
      target: 'colyseus',
      clients: CLIENTS,
      durationS: 2,
      rampS: 0.5,
      pin: false,
      observers: 5,
      workers: 1,
    });
    checkRun(r);
    // Each acknowledgement answers one step the bots sent.
    expect(r.summary.roundTrip.count).toBeLessThanOrEqual(
      // plus answers to steps sent just before the window opened
      Math.ceil(r.summary.messagesOutPerClientPerSecond * CLIENTS * r.summary.windowS) + CLIENTS * 10,
    );
    checkReport(r);
  });
});
