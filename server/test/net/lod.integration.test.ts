import { afterEach, describe, expect, it } from 'vitest';
import { toIdentity } from '../../src/engine';
import {
  encodeConnect,
  encodeSubscribe,
  SERVER_MESSAGE,
  TickspaceError,
  type Query,
} from '../../src/protocol';
import { openRawSocket, startTestServer, type TestServer } from '../kit';
import { world } from '../subscriptions/world-fixture';

let ts: TestServer<typeof world> | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

const mover = toIdentity('7'.repeat(32));

/** A near entity (id 1, 3 from the centre) and a far one (id 2, 30 away), in one tick. */
async function twoEntities(server: TestServer<typeof world>): Promise<void> {
  server.engine.enqueue(mover, 'spawn', { id: 1, team: 0, x: 3, y: 0 });
  server.engine.enqueue(mover, 'spawn', { id: 2, team: 0, x: 30, y: 0 });
  await server.tick();
}

/** Moves both entities a little along y in one tick. */
async function step(server: TestServer<typeof world>, y: number): Promise<void> {
  server.engine.enqueue(mover, 'move', { id: 1, x: 3, y });
  server.engine.enqueue(mover, 'move', { id: 2, x: 30, y });
  await server.tick();
}

describe('level of detail through the SDK and the server', () => {
  it('updates the near row every tick and the far one once per interval, with its latest state', async () => {
    ts = await startTestServer(world, { autoTick: false });
    await twoEntities(ts);
    const c = await ts.connectClient();
    const sub = c.conn.subscribe({
      table: 'entity',
      near: { x: 0, y: 0, radius: 40 },
      lod: { radius: 20, every: 4 },
    });
    await sub.applied;
    const updates = new Map<number, number>();
    c.db.entity.onUpdate((_old, row) => void updates.set(row.id, (updates.get(row.id) ?? 0) + 1));
    const farSeen: number[] = [];
    for (let t = 1; t <= 12; t++) {
      await step(ts, t);
      await c.conn.sync();
      expect(c.db.entity.find(1)?.y, `near row at step ${t}`).toBe(t);
      farSeen.push(c.db.entity.find(2)!.y);
    }
    expect(updates.get(1)).toBe(12);
    // Twelve ticks, one refresh in every four: three updates, each carrying the latest y.
    expect(updates.get(2)).toBe(3);
    const refreshedAt = farSeen.map((y, i) => (y === i + 1 ? i + 1 : 0)).filter((s) => s > 0);
    expect(refreshedAt).toHaveLength(3);
    expect(refreshedAt[1]! - refreshedAt[0]!).toBe(4);
    for (let i = 0; i < farSeen.length; i++)
      expect(farSeen[i]).toBe(Math.max(0, ...refreshedAt.filter((s) => s <= i + 1)));
    // A far row coming near catches up in that tick.
    ts.engine.enqueue(mover, 'move', { id: 2, x: 5, y: 1 });
    await ts.tick();
    await c.conn.sync();
    expect(c.db.entity.find(2)).toMatchObject({ x: 5, y: 1 });
    c.close();
  });

  it('refuses a malformed level of detail in the SDK, before anything is sent', async () => {
    ts = await startTestServer(world, { autoTick: false });
    const c = await ts.connectClient();
    const answers: string[] = [];
    c.conn.onFrame((m) => void (m.type === 'subscribeError' && answers.push(m.type)));
    const bad = c.conn.subscribe({
      table: 'entity',
      near: { x: 0, y: 0, radius: 40 },
      lod: { radius: -2, every: 4 },
    });
    await expect(bad.applied).rejects.toMatchObject({
      code: 'INVALID_QUERY',
      message: expect.stringMatching(/lod.radius must be a finite number >= 0 \(got -2\)/) as unknown,
    });
    expect(bad.active).toBe(false);
    expect(bad.error).toBeInstanceOf(TickspaceError);
    const rect = {
      table: 'entity',
      rect: { minX: 0, minY: 0, maxX: 9, maxY: 9 },
      lod: { radius: 2, every: 4 },
    };
    await expect(c.conn.subscribe(rect as unknown as { table: 'entity' }).applied).rejects.toMatchObject({
      code: 'INVALID_QUERY',
      message: expect.stringMatching(/needs a circle query/) as unknown,
    });
    await c.conn.sync();
    // The server never heard of either: no SUBSCRIBE_ERROR came back.
    expect(answers).toEqual([]);
    expect(ts.server.hub.subscriptions.stats().queries).toBe(0);
    c.close();
  });

  it('maxLodEvery: an interval over the server limit is refused with INVALID_QUERY, one at it is served', async () => {
    ts = await startTestServer(world, { autoTick: false, limits: { maxLodEvery: 8 } });
    const c = await ts.connectClient();
    const over = c.conn.subscribe({
      table: 'entity',
      near: { x: 0, y: 0, radius: 40 },
      lod: { radius: 5, every: 9 },
    });
    await expect(over.applied).rejects.toMatchObject({
      code: 'INVALID_QUERY',
      message: expect.stringMatching(/lod.every is 9, more than maxLodEvery \(8\)/) as unknown,
    });
    await c.conn.subscribe({
      table: 'entity',
      near: { x: 0, y: 0, radius: 40 },
      lod: { radius: 5, every: 8 },
    }).applied;
    expect(ts.server.hub.subscriptions.stats().queries).toBe(1);
    c.close();
  });

  it('serves protocol 4 clients as before and refuses them a level of detail, which version 4 lacks', async () => {
    ts = await startTestServer(world, { autoTick: false });
    await twoEntities(ts);
    const raw = await openRawSocket(ts.url);
    raw.send(encodeConnect(4, ''));
    expect((await raw.next())[0]).toBe(SERVER_MESSAGE.IDENTITY);
    const wire = ts.server.hub.schema.wire;
    const near: Query = { table: 'entity', near: { x: 0, y: 0, radius: 40 } };
    raw.send(encodeSubscribe(wire, 1, { ...near, lod: { radius: 5, every: 4 } } as Query));
    const refused = await raw.next();
    expect(refused[0]).toBe(SERVER_MESSAGE.SUBSCRIBE_ERROR);
    expect(Buffer.from(refused).toString('latin1')).toMatch(
      /protocol version 4 has no level of detail \(version 5 has\)/,
    );
    raw.send(encodeSubscribe(wire, 2, near));
    expect((await raw.next())[0]).toBe(SERVER_MESSAGE.SUBSCRIBED);
    raw.close();
  });
});
