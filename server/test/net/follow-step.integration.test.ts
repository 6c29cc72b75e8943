import { afterEach, describe, expect, it } from 'vitest';
import { toIdentity } from '../../src/engine';
import { encodeConnect, encodeSubscribe, SERVER_MESSAGE, type Query } from '../../src/protocol';
import { openRawSocket, startTestServer, type TestServer } from '../kit';
import { world } from '../subscriptions/world-fixture';

let ts: TestServer<typeof world> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

const mover = toIdentity('7'.repeat(32));

describe('a stepped follow through the SDK and the server', () => {
  it('keeps the centre until the followed row is a step away, then jumps onto it', async () => {
    ts = await startTestServer(world, { autoTick: false });
    // The followed entity (1) at the origin; entity 2 just inside the radius of 10 along x.
    ts.engine.enqueue(mover, 'spawn', { id: 1, team: 0, x: 0, y: 0 });
    ts.engine.enqueue(mover, 'spawn', { id: 2, team: 0, x: 9.5, y: 0 });
    await ts.tick();
    const c = await ts.connectClient();
    await c.conn.subscribe({ table: 'entity', follow: { table: 'entity', key: 1, radius: 10, step: 3 } })
      .applied;
    expect(c.db.entity.find(2)).toBeDefined();
    // Entity 1 walks away from 2 by 1 a tick: 2 is 10.5, 11.5 from it, but the centre stays at 0
    // until the walker is 3 from it, so 2 stays in the area for two ticks and leaves on the third.
    const held: boolean[] = [];
    for (let x = -1; x >= -3; x--) {
      ts.engine.enqueue(mover, 'move', { id: 1, x, y: 0 });
      await ts.tick();
      await c.conn.sync();
      held.push(c.db.entity.find(2) !== undefined);
      expect(c.db.entity.find(1)?.x, 'the followed row itself updates every tick').toBe(x);
    }
    expect(held).toEqual([true, true, false]);
    // Walking back in, 2 enters only once the centre catches up (at -3 it jumped; back at 0 it jumps again).
    const back: boolean[] = [];
    for (let x = -2; x <= 0; x++) {
      ts.engine.enqueue(mover, 'move', { id: 1, x, y: 0 });
      await ts.tick();
      await c.conn.sync();
      back.push(c.db.entity.find(2) !== undefined);
    }
    expect(back).toEqual([false, false, true]);
    c.close();
  });

  it('refuses a step that is negative, not finite or beyond the radius in the SDK, before anything is sent', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const c = await ts.connectClient();
    const answers: string[] = [];
    c.conn.onFrame((m) => void (m.type === 'subscribeError' && answers.push(m.type)));
    const cases: [number, RegExp][] = [
      [-1, /follow.step must be a finite number >= 0 \(got -1\)/],
      [Number.NaN, /follow.step must be a finite number >= 0 \(got NaN\)/],
      [11, /follow.step \(11\) must not exceed follow.radius \(10\)/],
    ];
    for (const [step, message] of cases) {
      const sub = c.conn.subscribe({
        table: 'entity',
        follow: { table: 'entity', key: 1, radius: 10, step },
      });
      await expect(sub.applied).rejects.toMatchObject({ code: 'INVALID_QUERY', message });
      expect(sub.active).toBe(false);
    }
    await c.conn.sync();
    expect(answers).toEqual([]);
    expect(ts.server.hub.subscriptions.stats().queries).toBe(0);
    c.close();
  });

  it('refuses a bad step sent past the SDK with INVALID_QUERY, and a step from a protocol 6 client', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const wire = ts.server.hub.schema.wire;
    const follow = (step: number): Query => ({
      table: 'entity',
      follow: { table: 'entity', key: 1, radius: 10, step },
    });
    const raw = await openRawSocket(ts.url);
    raw.send(encodeConnect(7, ''));
    expect((await raw.next())[0]).toBe(SERVER_MESSAGE.IDENTITY);
    raw.send(encodeSubscribe(wire, 1, follow(12)));
    const over = await raw.next();
    expect(over[0]).toBe(SERVER_MESSAGE.SUBSCRIBE_ERROR);
    expect(Buffer.from(over).toString('latin1')).toMatch(
      /follow.step \(12\) must not exceed follow.radius \(10\)/,
    );
    raw.send(encodeSubscribe(wire, 2, follow(10)));
    expect((await raw.next())[0]).toBe(SERVER_MESSAGE.SUBSCRIBED);
    raw.close();

    const old = await openRawSocket(ts.url);
    old.send(encodeConnect(6, ''));
    expect((await old.next())[0]).toBe(SERVER_MESSAGE.IDENTITY);
    old.send(encodeSubscribe(wire, 1, follow(2)));
    const refused = await old.next();
    expect(refused[0]).toBe(SERVER_MESSAGE.SUBSCRIBE_ERROR);
    expect(Buffer.from(refused).toString('latin1')).toMatch(
      /protocol version 6 has no follow step \(version 7 has\)/,
    );
    old.send(encodeSubscribe(wire, 2, { table: 'entity', follow: { table: 'entity', key: 1, radius: 10 } }));
    expect((await old.next())[0]).toBe(SERVER_MESSAGE.SUBSCRIBED);
    old.close();
  });
});
