import { afterEach, describe, expect, it } from 'vitest';
import { HANDOFF_POINTS } from '../../src/regions';
import { HandoffWorld } from './handoff-harness';

const worlds: HandoffWorld[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

/** Ticks both regions and hands out every delivery, with no AckWait expiry (a delivery held by a crashed receiver stays held). */
async function roundWithoutAckWait(w: HandoffWorld): Promise<void> {
  for (const name of ['west', 'east']) {
    w.tick(name);
    await w.settle();
  }
  while (w.fabric.step()) await w.settle();
}

describe('handoff: a republish after a receiver crash', () => {
  it('is a new message (a fresh id per attempt): applied once without waiting out the AckWait, its late twin deduped by the applied set', async () => {
    const w = new HandoffWorld({ seed: 1 });
    worlds.push(w);
    await w.open(['west', 'east']);
    await w.spawn('west', [{ id: 'p1', items: 2, qty: 3 }]);
    // east takes the delivery and dies before its tick commits: the delivery stays unacked.
    w.arm('east', HANDOFF_POINTS.BEFORE_RECEIVER_COMMIT);
    w.move('west', 0, 'east');
    await roundWithoutAckWait(w);
    expect(w.hits.get(HANDOFF_POINTS.BEFORE_RECEIVER_COMMIT)).toBe(1);
    expect(w.fabric.unacked('in-east')).toBe(1);
    const east = () => w.region('east').db.engine.db;
    expect(east().player.has('p1')).toBe(false);

    // west republishes (its timer; here by hand) a tick later: the broker takes it as a new message.
    w.tick('west');
    await w.settle();
    const refused = w.fabric.counts.duplicatesRefused;
    w.region('west').relay.republish();
    await w.settle();
    expect(w.fabric.counts.duplicatesRefused).toBe(refused);
    for (let i = 0; i < 4 && w.region('west').db.engine.db.ts_outbox.count() > 0; i++)
      await roundWithoutAckWait(w);
    // Finished with the first copy still held by the dead receiver's consumer: no AckWait passed.
    expect(w.region('west').db.engine.db.ts_outbox.count()).toBe(0);
    expect(w.fabric.counts.redelivered).toBe(0);
    expect(east().player.has('p1')).toBe(true);
    expect(w.region('east').relay.counts.applied).toBe(1);
    expect(w.check()).toEqual([]);

    // The first copy comes back once the AckWait runs out: the applied set takes it as a duplicate.
    w.fabric.expireAckWait();
    const duplicates = w.region('east').relay.counts.duplicates;
    while (w.fabric.step()) await w.settle();
    for (const name of ['west', 'east']) {
      w.tick(name);
      await w.settle();
    }
    expect(w.region('east').relay.counts.duplicates).toBe(duplicates + 1);
    expect(w.region('east').relay.counts.applied).toBe(1);
    expect(east().item.count()).toBe(2);
    expect(w.check()).toEqual([]);
    await w.quiesce();
    expect(w.check()).toEqual([]);
  });

  it('an answer to a new attempt is a new message too: a sender that crashed before handling the first answer finishes on the next one', async () => {
    const w = new HandoffWorld({ seed: 2 });
    worlds.push(w);
    await w.open(['west', 'east']);
    await w.spawn('west', [{ id: 'p1', items: 1, qty: 4 }]);
    // west receives east's answer and dies before acting on it: the answer stays unacked.
    w.arm('west', HANDOFF_POINTS.BEFORE_DONE_HANDLED);
    w.move('west', 0, 'east');
    for (let i = 0; i < 4 && !w.hits.has(HANDOFF_POINTS.BEFORE_DONE_HANDLED); i++)
      await roundWithoutAckWait(w);
    expect(w.hits.get(HANDOFF_POINTS.BEFORE_DONE_HANDLED)).toBe(1);
    expect(w.fabric.unacked('in-west')).toBe(1);
    expect(w.region('west').db.engine.db.ts_outbox.count()).toBe(1);

    // The restarted west republishes: east answers the duplicate under a new id, west deletes its row.
    w.tick('west');
    await w.settle();
    w.region('west').relay.republish();
    await w.settle();
    for (let i = 0; i < 4 && w.region('west').db.engine.db.ts_outbox.count() > 0; i++)
      await roundWithoutAckWait(w);
    expect(w.region('west').db.engine.db.ts_outbox.count()).toBe(0);
    expect(w.fabric.counts.redelivered).toBe(0);
    expect(w.fabric.counts.duplicatesRefused).toBe(0);
    expect(w.region('east').relay.counts.duplicates).toBeGreaterThanOrEqual(1);
    expect(w.check()).toEqual([]);
    await w.quiesce();
    expect(w.check()).toEqual([]);
  });
});
