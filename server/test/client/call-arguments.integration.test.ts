import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../kit';
import { world } from '../subscriptions/world-fixture';

let server: TestServer<typeof world> | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the SDK refuses wrongly typed reducer arguments before they reach the wire', () => {
  it('rejects with INVALID_ARGUMENT naming the argument, sends nothing, and a good call still goes through', async () => {
    server = await startTestServer(world, { autoTick: false });
    const client = await server.connectClient();
    await client.conn.sync();
    const framesBefore = await server.server.metrics.messagesIn.get();
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['i32 1.5', { id: 1, team: 1.5, x: 0, y: 0 }, /argument 'team'/],
      ['"lots" for a number', { id: 'lots', team: 0, x: 0, y: 0 }, /argument 'id'/],
      ['a missing field', { id: 2, team: 0, x: 0 }, /argument 'y'/],
      ['an extra field', { id: 3, team: 0, x: 0, y: 0, z: 1 }, /no argument 'z'/],
    ];
    for (const [what, args, message] of bad) {
      const error = await client.conn.call('spawn', args).then(
        () => undefined,
        (e: { code: string; message: string }) => e,
      );
      expect(error?.code, what).toBe('INVALID_ARGUMENT');
      expect(error?.message, what).toMatch(message);
    }
    const good = client.reducers.spawn({ id: 4, team: 0, x: 0, y: 0 });
    await client.conn.sync();
    await server.tick();
    await good;
    // Only the good call (and the sync's ping) crossed the socket; the server ran one spawn.
    const framesAfter = await server.server.metrics.messagesIn.get();
    expect(framesAfter.values[0]!.value - framesBefore.values[0]!.value).toBeLessThanOrEqual(2);
    expect([...server.engine.db.entity.iter()].map((r) => r.id)).toEqual([4]);
    client.close();
  });
});
