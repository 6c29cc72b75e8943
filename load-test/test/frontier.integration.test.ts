import { describe, expect, it } from 'vitest';
import { runLoad } from '../src/driver';

describe('load test, Frontier scenario (sim bots against the Frontier world)', () => {
  it('4 sim players for 3 s: connections, ticks, update ages and bytes measured', async () => {
    const r = await runLoad({
      target: 'tickspace',
      scenario: 'frontier',
      mix: 'naive=1',
      clients: 4,
      durationS: 3,
      rampS: 0.5,
      worldTiles: 512,
      pin: false,
      workers: 1,
    });
    const s = r.summary;
    expect(r.scenarioName).toBe('frontier');
    expect(r.mix).toMatchObject({ naive: 4 });
    expect(s.connectionsAccepted).toBe(4);
    expect(s.connectionsFailed).toBe(0);
    expect(s.tick.count).toBeGreaterThan(0);
    expect(s.messagesInPerClientPerSecond).toBeGreaterThan(0);
    expect(s.bytesPerMessageIn).toBeGreaterThan(1);
    // Read from TICK_UPDATE headers under the SDK and matched with the server's tick starts.
    expect(s.updateAge?.count ?? 0).toBeGreaterThan(0);
    expect(s.updatesPerClientPerSecond).toBe(0);
  });

  it('as a 2x1 region world: 8 players through the gateway, tick figures per region', async () => {
    const r = await runLoad({
      target: 'tickspace',
      scenario: 'frontier',
      mix: 'naive=1',
      clients: 8,
      durationS: 3,
      rampS: 0.5,
      worldTiles: 512,
      regions: '2x1',
      pin: false,
      workers: 1,
    });
    const s = r.summary;
    expect(r.regions).toBe('2x1');
    expect(s.connectionsAccepted).toBe(8);
    expect(s.connectionsFailed).toBe(0);
    expect(s.clientsConnected).toBe(8);
    // Both regions ticked and timed their ticks; the run's figures are the slowest region's.
    expect(s.regions?.map((g) => g.region).sort()).toEqual(['r0_0', 'r1_0']);
    for (const g of s.regions!) expect(g.tick.count).toBeGreaterThan(0);
    expect(s.ticksPerSecond).toBe(Math.min(...s.regions!.map((g) => g.ticksPerSecond)));
    expect(s.tick.p99Ms).toBe(Math.max(...s.regions!.map((g) => g.tick.p99Ms)));
    expect(s.messagesInPerClientPerSecond).toBeGreaterThan(0);
    // Tick numbers are per region and the gateway hides which one sent an update: no ages.
    expect(s.updateAge).toBeUndefined();
  }, 180_000);

  it('refuses --regions outside the Frontier scenario, with --url, or with a malformed grid', async () => {
    const base = { target: 'tickspace' as const, clients: 2, durationS: 1, pin: false };
    await expect(runLoad({ ...base, regions: '2x1' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('use --regions with --scenario frontier'),
    });
    await expect(
      runLoad({ ...base, scenario: 'frontier', regions: '2x1', url: 'ws://127.0.0.1:1/ws' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runLoad({ ...base, scenario: 'frontier', regions: '2by1' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('--regions 2by1: expected <columns>x<rows>'),
    });
  });
});
