import { describe, expect, it } from 'vitest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createJetStreamFabric, type Fabric, type FabricMessage } from '../../src/fabric';
import { onCleanup, startBroker } from './broker';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** Resolves with the next `n` deliveries the handler sees. */
function collector() {
  const seen: FabricMessage[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  return {
    seen,
    handler: (m: FabricMessage) => {
      seen.push(m);
      if (waiter && seen.length >= waiter.n) waiter.resolve();
    },
    until: (n: number) =>
      seen.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { n, resolve })),
  };
}

/** Publishes until the broker acks, as a relay does while the client reconnects: the id makes retries safe. */
async function publishUntilAcked(fabric: Fabric, subject: string, data: Uint8Array, msgId: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fabric.publish(subject, data, msgId);
    } catch (error) {
      expect((error as { code: string }).code).toBe('FABRIC_UNAVAILABLE');
      if (attempt > 100) throw error;
    }
  }
}

describe('JetStream fabric against a real nats-server', () => {
  it('dedupes by message id, redelivers what was not acked, and keeps both across a broker kill -9', async () => {
    const broker = await startBroker();
    const fabric = await createJetStreamFabric({ servers: broker.url });
    onCleanup(() => fabric.close());
    const a = await fabric.publish('ts.r.east.in', bytes('one'), 'west-1');
    const dup = await fabric.publish('ts.r.east.in', bytes('one again'), 'west-1');
    expect(a.duplicate).toBe(false);
    expect(dup).toEqual({ seq: a.seq, duplicate: true });
    await fabric.publish('ts.r.east.in', bytes('two'), 'west-2');

    const first = collector();
    const consumer = await fabric.consume(
      { durable: 'in-east', subject: 'ts.r.east.in', ackWaitMs: 500 },
      first.handler,
    );
    await first.until(2);
    expect(first.seen.map((m) => [text(m.data), m.msgId, m.deliveryCount])).toEqual([
      ['one', 'west-1', 1],
      ['two', 'west-2', 1],
    ]);
    await first.seen[0]!.ack();
    // 'two' is left unacked: AckWait brings it back.
    await first.until(3);
    expect([text(first.seen[2]!.data), first.seen[2]!.deliveryCount]).toEqual(['two', 2]);
    await consumer.stop();

    await broker.kill();
    await broker.restart();
    // The dedupe record survived the kill: the same id is still refused.
    const after = await publishUntilAcked(fabric, 'ts.r.east.in', bytes('one, third time'), 'west-1');
    expect(after.duplicate).toBe(true);
    // 'two' comes back. So may 'one': the server keeps consumer acks in memory and writes them
    // out later, so a kill -9 can take an ack back (why receivers dedupe by their own applied set).
    const second = collector();
    await fabric.consume({ durable: 'in-east', subject: 'ts.r.east.in', ackWaitMs: 500 }, second.handler);
    let two: FabricMessage | undefined;
    for (let n = 1; two === undefined; n++) {
      await second.until(n);
      const m = second.seen[n - 1]!;
      expect(['one', 'two']).toContain(text(m.data));
      if (text(m.data) === 'two') two = m;
      else await m.ack();
    }
    // Not `>= 3`: the delivery count is consumer state too, and a kill -9 may reset it.
    expect(two.msgId).toBe('west-2');
    await two.ack();
  });

  it('KV compare-and-set: a stale revision and an existing key are KV_CONFLICT', async () => {
    const broker = await startBroker();
    const fabric = await createJetStreamFabric({ servers: broker.url });
    onCleanup(() => fabric.close());
    const kv = await fabric.kv('ts_dir');
    const r1 = await kv.create('p.7', bytes('{"region":"west","epoch":1}'));
    await expect(kv.create('p.7', bytes('x'))).rejects.toMatchObject({ code: 'KV_CONFLICT' });
    const r2 = await kv.update('p.7', bytes('{"region":"east","epoch":2}'), r1);
    expect(r2).toBeGreaterThan(r1);
    await expect(kv.update('p.7', bytes('{"region":"north","epoch":2}'), r1)).rejects.toMatchObject({
      code: 'KV_CONFLICT',
    });
    expect(text((await kv.find('p.7'))!.value)).toContain('east');
    expect(await kv.find('p.8')).toBeUndefined();
  });

  it('a publish to a paused broker fails with FABRIC_UNAVAILABLE, and its retry after SIGCONT is a duplicate or the first store', async () => {
    const broker = await startBroker();
    const fabric = await createJetStreamFabric({ servers: broker.url, requestTimeoutMs: 300 });
    onCleanup(() => fabric.close());
    await fabric.publish('ts.r.east.in', bytes('warm'), 'warm');
    await broker.pause();
    await expect(fabric.publish('ts.r.east.in', bytes('p'), 'paused-1')).rejects.toMatchObject({
      code: 'FABRIC_UNAVAILABLE',
    });
    broker.resume();
    const ack = await publishUntilAcked(fabric, 'ts.r.east.in', bytes('p'), 'paused-1');
    // Stored exactly once whichever way it went.
    const again = await fabric.publish('ts.r.east.in', bytes('p'), 'paused-1');
    expect(again).toEqual({ seq: ack.seq, duplicate: true });
  });

  it('connectTimeoutMs: a start waits for a frozen broker and goes on once it is thawed; past the limit it fails with FABRIC_UNAVAILABLE naming it', async () => {
    const broker = await startBroker();
    await broker.pause();
    const refused = await createJetStreamFabric({
      servers: broker.url,
      requestTimeoutMs: 200,
      reconnectWaitMs: 50,
      connectTimeoutMs: 600,
    }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'FABRIC_UNAVAILABLE' });
    expect(String((refused as Error).message)).toMatch(/attempts in connectTimeoutMs 600 ms/);
    // Tried more than once: a frozen broker is not given up on at the first timeout.
    expect(Number(/\((\d+) attempts/.exec((refused as Error).message)![1])).toBeGreaterThan(1);

    let settled = false;
    const waiting = createJetStreamFabric({
      servers: broker.url,
      requestTimeoutMs: 200,
      reconnectWaitMs: 50,
      connectTimeoutMs: Infinity,
    }).finally(() => (settled = true));
    // Thawed only after the waiting start has timed out at least once (its attempts are 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false);
    broker.resume();
    const fabric = await waiting;
    onCleanup(() => fabric.close());
    expect((await publishUntilAcked(fabric, 'ts.r.east.in', bytes('w'), 'waited-1')).duplicate).toBe(false);
    await expect(createJetStreamFabric({ servers: broker.url, connectTimeoutMs: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('a start while the broker is down waits for its restart on the same port', async () => {
    const broker = await startBroker();
    await broker.kill();
    const waiting = createJetStreamFabric({
      servers: broker.url,
      reconnectWaitMs: 50,
      connectTimeoutMs: 20_000,
    });
    await broker.restart();
    const fabric = await waiting;
    onCleanup(() => fabric.close());
    expect((await publishUntilAcked(fabric, 'ts.r.east.in', bytes('d'), 'down-1')).seq).toBeGreaterThan(0);
  });

  it('a durable consumer the broker lost is created again: later messages still arrive (earlier ones may come again)', async () => {
    const broker = await startBroker();
    const fabric = await createJetStreamFabric({ servers: broker.url });
    onCleanup(() => fabric.close());
    const got = collector();
    const consumer = await fabric.consume({ durable: 'in-east', subject: 'ts.r.east.in' }, (m) => {
      got.handler(m);
      // An ack still in flight when the test closes the connection fails; the test counts
      // arrivals, and an unconfirmed ack only means a redelivery.
      m.ack().catch(() => {});
    });
    onCleanup(() => consumer.stop());
    await fabric.publish('ts.r.east.in', bytes('before'), 'lost-1');
    await got.until(1);
    // An operator's delete, or a store restored from an older copy: the broker no longer has it.
    const admin = await connect({ servers: broker.url });
    onCleanup(() => admin.close());
    const jsm = await jetstreamManager(admin);
    // nats-server 2.9 may refuse a delete while it writes the consumer's state ('directory not empty').
    for (let attempt = 1; ; attempt++)
      try {
        await jsm.consumers.delete('TS_MSG', 'in-east');
        break;
      } catch (error) {
        if (attempt >= 50) throw error;
      }
    await fabric.publish('ts.r.east.in', bytes('after'), 'lost-2');
    while (!got.seen.some((m) => text(m.data) === 'after')) await got.until(got.seen.length + 1);
    // The new consumer starts from the stream's first message: the receivers' applied sets take repeats.
    expect(new Set(got.seen.map((m) => m.msgId))).toEqual(new Set(['lost-1', 'lost-2']));
    expect((await jsm.consumers.info('TS_MSG', 'in-east')).config.durable_name).toBe('in-east');
  }, 30_000);

  it('startNatsServer reports a missing binary clearly', async () => {
    const { startNatsServer } = await import('../../src/fabric');
    await expect(
      startNatsServer({ storeDir: '/tmp/tickspace-no-nats', bin: '/nonexistent/nats-server' }),
    ).rejects.toMatchObject({
      code: 'FABRIC_UNAVAILABLE',
      message: expect.stringContaining('could not start'),
    });
  });

  it('core messages reach a subscriber on the broker (wildcards as NATS has them) and are not stored on the stream', async () => {
    const broker = await startBroker();
    const a = await createJetStreamFabric({ servers: broker.url, name: 'a' });
    const b = await createJetStreamFabric({ servers: broker.url, name: 'b' });
    onCleanup(async () => {
      await a.close();
      await b.close();
    });
    const got: string[] = [];
    let arrived: () => void = () => {};
    const two = new Promise<void>((resolve) => (arrived = resolve));
    await b.subscribe('ts.ghost.*.b', (subject, data) => {
      got.push(`${subject} ${new TextDecoder().decode(data)}`);
      if (got.length === 2) arrived();
    });
    a.send('ts.ghost.a.c', new TextEncoder().encode('not for b'));
    a.send('ts.ghost.a.b', new TextEncoder().encode('one'));
    a.send('ts.ghost.c.b', new TextEncoder().encode('two'));
    await two;
    expect(got).toEqual(['ts.ghost.a.b one', 'ts.ghost.c.b two']);
    const nc = await connect({ servers: broker.url });
    onCleanup(() => nc.close());
    const info = await (await jetstreamManager(nc)).streams.info('TS_MSG');
    expect(info.state.messages).toBe(0);
  });
});
