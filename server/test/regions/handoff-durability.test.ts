import { describe, expect, it } from 'vitest';
import { createEngine, SERVER_IDENTITY } from '../../src/engine';
import { createMemoryFabric } from '../../src/fabric';
import { HandoffRelay } from '../../src/regions';
import { regionModule } from './region-fixture';

const quiet = { error: () => {}, warn: () => {} };

/** An engine whose commits become durable only when the test says so (a slow fsync). */
function region(name: string) {
  const engine = createEngine({ module: regionModule(name), logger: quiet });
  const pending: (() => void)[] = [];
  engine.onCommit(() => new Promise<void>((resolve) => pending.push(resolve)));
  return {
    engine,
    /** Makes every commit so far durable and lets fan-out run. */
    fsync: async () => {
      for (const resolve of pending.splice(0)) resolve();
      await engine.flush();
    },
  };
}

describe('handoff: nothing leaves a region before its tick is durable', () => {
  it('the sender publishes only after its tick is durable; the receiver answers and acks only after its own', async () => {
    const fabric = createMemoryFabric({ manual: true });
    const west = region('west');
    const east = region('east');
    const westRelay = new HandoffRelay({
      engine: west.engine,
      fabric,
      region: 'west',
      republishMs: 0,
      logger: quiet,
    });
    const eastRelay = new HandoffRelay({
      engine: east.engine,
      fabric,
      region: 'east',
      republishMs: 0,
      logger: quiet,
    });
    await westRelay.start();
    await eastRelay.start();
    void west.engine.call(SERVER_IDENTITY, 'spawn', { id: 'p1', items: 1, qty: 9 });
    west.engine.runTick();
    await west.fsync();

    void west.engine.call(SERVER_IDENTITY, 'handoff_out', { entity: 'p1', to: 'east' });
    west.engine.runTick();
    await westRelay.settled();
    // Committed (the outbox row is in the tables) but not durable: nothing published.
    expect(west.engine.db.ts_outbox.count()).toBe(1);
    expect(fabric.counts.published).toBe(0);
    await west.fsync();
    await westRelay.settled();
    expect(fabric.counts.published).toBe(1);

    expect(fabric.step()).toBe(true);
    await eastRelay.settled();
    east.engine.runTick();
    await eastRelay.settled();
    // Applied in east's tables, not yet durable: no answer, no ack.
    expect(east.engine.db.player.has('p1')).toBe(true);
    expect(fabric.counts.published).toBe(1);
    expect(fabric.unacked('in-east')).toBe(1);
    await east.fsync();
    await eastRelay.settled();
    expect(fabric.counts.published).toBe(2);
    expect(fabric.unacked('in-east')).toBe(0);

    // The answer deletes west's outbox row; the delivery is acked only once that tick is durable.
    expect(fabric.step()).toBe(true);
    await westRelay.settled();
    west.engine.runTick();
    await westRelay.settled();
    expect(west.engine.db.ts_outbox.count()).toBe(0);
    expect(fabric.unacked('in-west')).toBe(1);
    await west.fsync();
    await westRelay.settled();
    expect(fabric.unacked('in-west')).toBe(0);
    expect(westRelay.counts.answers).toBe(1);
    expect(eastRelay.counts.applied).toBe(1);
  });
});
