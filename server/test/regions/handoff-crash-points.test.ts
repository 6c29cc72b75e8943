import { afterEach, describe, expect, it } from 'vitest';
import { HANDOFF_POINTS, type HandoffPoint } from '../../src/regions';
import { BEFORE_SENDER_COMMIT, HandoffWorld } from './handoff-harness';

const worlds: HandoffWorld[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

async function world(capacity?: Record<string, number>): Promise<HandoffWorld> {
  const w = new HandoffWorld({ seed: 1, capacity });
  worlds.push(w);
  await w.open(['west', 'east']);
  await w.spawn('west', [
    { id: 'p1', items: 3, qty: 5 },
    { id: 'p2', items: 1, qty: 7 },
  ]);
  return w;
}

/** Runs the handoff one step at a time, checking the invariant after each. */
async function drive(w: HandoffWorld, steps = 12): Promise<void> {
  for (let i = 0; i < steps; i++) {
    for (const name of ['west', 'east']) {
      w.tick(name);
      await w.settle();
      expect(w.check()).toEqual([]);
    }
    while (w.fabric.step()) {
      await w.settle();
      expect(w.check()).toEqual([]);
    }
    w.fabric.expireAckWait();
    for (const name of ['west', 'east']) w.region(name).relay.republish();
    await w.settle();
    expect(w.check()).toEqual([]);
  }
}

const SENDER_POINTS: HandoffPoint[] = [
  HANDOFF_POINTS.BEFORE_PUBLISH,
  HANDOFF_POINTS.BEFORE_PUB_ACK,
  HANDOFF_POINTS.BEFORE_DONE_HANDLED,
  HANDOFF_POINTS.BEFORE_OUTBOX_DELETE,
];
const RECEIVER_POINTS: HandoffPoint[] = [
  HANDOFF_POINTS.BEFORE_RECEIVER_COMMIT,
  HANDOFF_POINTS.AFTER_RECEIVER_DURABLE,
  HANDOFF_POINTS.BEFORE_RECEIVER_ACK,
];

describe('handoff: a crash at each step boundary', () => {
  it('crash before the sender commits: the player stays in the sender, and moves when asked again', async () => {
    const w = await world();
    expect(w.move('west', 0, 'east')).toBe(true);
    await w.crash('west');
    expect(w.hits.get(BEFORE_SENDER_COMMIT)).toBe(1);
    expect(w.check()).toEqual([]);
    expect(w.region('west').db.engine.db.player.has('p1')).toBe(true);
    expect(w.region('west').db.engine.db.ts_outbox.count()).toBe(0);
    w.move('west', 0, 'east');
    await drive(w);
    await w.quiesce();
    expect(w.region('east').db.engine.db.player.has('p1')).toBe(true);
    expect(w.check()).toEqual([]);
  });

  for (const point of [...SENDER_POINTS, ...RECEIVER_POINTS]) {
    it(`crash at ${point}: the player arrives exactly once, with every item`, async () => {
      const w = await world();
      w.arm(SENDER_POINTS.includes(point) ? 'west' : 'east', point);
      expect(w.move('west', 0, 'east')).toBe(true);
      await drive(w);
      await w.quiesce();
      expect(w.hits.get(point)).toBe(1);
      expect(w.check()).toEqual([]);
      const east = w.region('east').db.engine.db;
      expect(east.player.has('p1')).toBe(true);
      expect(east.item.filter('owner', 'p1').map((i) => i.qty)).toEqual([5, 5, 5]);
      expect(w.region('west').db.engine.db.player.has('p1')).toBe(false);
      expect(w.region('west').db.engine.db.ts_outbox.count()).toBe(0);
      expect(await w.directory.find('p1')).toEqual({ region: 'east', epoch: 1 });
    });
  }

  it('a refused arrival (region full) goes back to the sender with its items, once, even across a crash', async () => {
    const w = await world({ east: 0 });
    w.arm('west', HANDOFF_POINTS.BEFORE_OUTBOX_DELETE);
    w.move('west', 0, 'east');
    await drive(w);
    await w.quiesce();
    expect(w.hits.get(HANDOFF_POINTS.BEFORE_OUTBOX_DELETE)).toBe(1);
    expect(w.check()).toEqual([]);
    const west = w.region('west').db.engine.db;
    expect(west.player.has('p1')).toBe(true);
    expect(west.item.filter('owner', 'p1')).toHaveLength(3);
    expect(w.region('east').db.engine.db.ts_inbox.iter()).toMatchObject([
      { from: 'west', outcome: 'rejected', code: 'REGION_FULL' },
    ]);
    expect(await w.directory.find('p1')).toBeUndefined();
    // It may leave again (a new handoff id, a new epoch).
    w.move('west', 0, 'east');
    await drive(w, 3);
    await w.quiesce();
    expect(west.player.has('p1')).toBe(true);
    expect(w.check()).toEqual([]);
  });

  it('back and forth: ids below the sender floor are forgotten by the receiver and a late copy is skipped', async () => {
    const w = await world();
    for (let trip = 0; trip < 4; trip++) {
      const [from, to] = trip % 2 === 0 ? ['west', 'east'] : ['east', 'west'];
      w.move(from, 0, to);
      await drive(w, 3);
      await w.quiesce();
    }
    expect(w.check()).toEqual([]);
    expect(w.region('west').db.engine.db.player.has('p1')).toBe(true);
    expect(await w.directory.find('p1')).toEqual({ region: 'west', epoch: 4 });
    // west sent ids 1 and 2; the floor carried by id 2 let east forget id 1.
    const eastInbox = w
      .region('east')
      .db.engine.db.ts_inbox.iter()
      .map((r) => `${r.from}#${r.id}`);
    expect(eastInbox).toEqual(['west#2']);
    expect(w.region('east').db.engine.db.ts_inbox_floor.find('west')?.floor).toBe(2);
    // A late copy of id 1 (a redelivery the broker may still make) is below the floor: skipped.
    const relay = w.region('east').relay;
    const before = relay.counts.duplicates;
    const { encodeRegionMessage } = await import('../../src/regions');
    await w.fabric.publish(
      'ts.r.east.in',
      encodeRegionMessage({
        kind: 'handoff',
        from: 'west',
        to: 'east',
        id: 1,
        floor: 1,
        entity: 'p1',
        epoch: 1,
        payload: '{"player":{"id":"p1","name":"p1","x":0},"items":[]}',
        attempt: 1,
      }),
      'late-copy-of-1',
    );
    await drive(w, 2);
    expect(relay.counts.duplicates).toBe(before + 1);
    expect(w.region('east').db.engine.db.player.has('p1')).toBe(false);
    expect(w.check()).toEqual([]);
  });
});
