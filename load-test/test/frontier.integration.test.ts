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
});
