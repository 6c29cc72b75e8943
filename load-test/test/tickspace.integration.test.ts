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

  it('with a level of detail: the bots subscribe with it and far entities cost fewer bytes', async () => {
    // A near radius of 1 unit: almost every entity in view is in the outer band, refreshed every
    // 20th tick (once a second at 20 Hz) instead of at each of its steps (10 a second). Frames
    // still come every tick (each bot's own entity is near), so the bytes tell the two apart.
    const options = {
      target: 'tickspace',
      clients: CLIENTS,
      durationS: 2,
      rampS: 0.5,
      pin: false,
      observers: 5,
      workers: 2,
    } as const;
    const full = await runLoad(options);
    const r = await runLoad({ ...options, lod: { radius: 1, every: 20 } });
    checkRun(r);
    expect(r.scenario.lod).toEqual({ radius: 1, every: 20 });
    expect(full.scenario.lod).toBeUndefined();
    expect(r.summary.errorsByCode).toEqual({});
    expect(r.summary.visiblePerClient).toBeGreaterThan(CLIENTS / 2);
    expect(r.summary.bytesInPerClientPerSecond).toBeLessThan(full.summary.bytesInPerClientPerSecond * 0.8);
    checkReport(r);
  });

  it('refuses a level of detail against Colyseus', async () => {
    await expect(
      runLoad({
        target: 'colyseus',
        clients: CLIENTS,
        durationS: 1,
        pin: false,
        lod: { radius: 40, every: 4 },
      }),
    ).rejects.toThrow(/level of detail/);
  });
});
