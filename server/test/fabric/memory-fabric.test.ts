import { describe, expect, it } from 'vitest';
import { createMemoryFabric, type FabricMessage } from '../../src/fabric';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('memory fabric', () => {
  it('dedupes publishes by message id', async () => {
    const fabric = createMemoryFabric({ manual: true });
    const first = await fabric.publish('ts.r.a.in', bytes('x'), 'id-1');
    const again = await fabric.publish('ts.r.a.in', bytes('y'), 'id-1');
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    const got: string[] = [];
    await fabric.consume({ durable: 'in-a', subject: 'ts.r.a.in' }, (m) => got.push(text(m.data)));
    while (fabric.step());
    expect(got).toEqual(['x']);
  });

  it('redelivers an unacked message, and not an acked one, to the durable name after a restart, once its AckWait runs out (as JetStream)', async () => {
    const fabric = createMemoryFabric({ manual: true });
    await fabric.publish('ts.r.a.in', bytes('one'), 'm1');
    await fabric.publish('ts.r.a.in', bytes('two'), 'm2');
    await fabric.publish('ts.r.b.in', bytes('other'), 'm3');
    const seen: FabricMessage[] = [];
    const consumer = await fabric.consume({ durable: 'in-a', subject: 'ts.r.a.in' }, (m) => seen.push(m));
    while (fabric.step());
    expect(seen.map((m) => text(m.data))).toEqual(['one', 'two']);
    await seen[0]!.ack();
    await consumer.stop();
    // A dead reader's ack is refused: the message stays pending.
    await expect(seen[1]!.ack()).rejects.toMatchObject({ code: 'FABRIC_UNAVAILABLE' });
    const later: FabricMessage[] = [];
    await fabric.consume({ durable: 'in-a', subject: 'ts.r.a.in' }, (m) => later.push(m));
    while (fabric.step());
    // The dead reader took it: pending until AckWait, not handed to the new reader at once.
    expect(later).toEqual([]);
    expect(fabric.unacked('in-a')).toBe(1);
    expect(fabric.expireAckWait()).toBe(1);
    while (fabric.step());
    expect(later.map((m) => [text(m.data), m.deliveryCount])).toEqual([['two', 2]]);
    await later[0]!.ack();
    expect(fabric.expireAckWait()).toBe(0);
    expect(fabric.unacked('in-a')).toBe(0);
  });

  it('AckWait expiry hands an unacked message out again', async () => {
    const fabric = createMemoryFabric({ manual: true });
    await fabric.publish('s', bytes('m'), 'm');
    const counts: number[] = [];
    await fabric.consume({ durable: 'd', subject: 's' }, (m) => counts.push(m.deliveryCount));
    while (fabric.step());
    expect(fabric.expireAckWait()).toBe(1);
    while (fabric.step());
    expect(counts).toEqual([1, 2]);
  });

  it('in automatic mode, redelivers after ackWaitMs without being driven', async () => {
    const fabric = createMemoryFabric();
    await fabric.publish('s', bytes('m'), 'm');
    const second = await new Promise<FabricMessage>((resolve) => {
      void fabric.consume({ durable: 'd', subject: 's', ackWaitMs: 20 }, (m) => {
        if (m.deliveryCount === 2) resolve(m);
      });
    });
    await second.ack();
    expect(fabric.counts.redelivered).toBe(1);
    await fabric.close();
  });

  it('faults fire from the seed: drops, duplicates, reorders, delays, lost publishes and acks', async () => {
    const fabric = createMemoryFabric({
      manual: true,
      seed: 42,
      faults: { drop: 0.2, duplicate: 0.2, reorder: 0.3, delay: 0.2 },
    });
    const seen = new Map<string, number>();
    await fabric.consume({ durable: 'd', subject: 's' }, (m) => {
      seen.set(m.msgId, (seen.get(m.msgId) ?? 0) + 1);
      m.ack().catch(() => {});
    });
    const order: string[] = [];
    for (let i = 0; i < 200; i++) {
      const id = `m${i}`;
      // Publish until acked, as a relay does: the id makes the retries safe.
      for (;;) {
        try {
          await fabric.publish('s', bytes(id), id);
          break;
        } catch {}
      }
    }
    for (let round = 0; round < 50 && fabric.unacked('d') > 0; round++) {
      while (fabric.step());
      await Promise.resolve();
      fabric.expireAckWait();
    }
    for (const id of seen.keys()) order.push(id);
    // Every message arrived at least once; duplicates and reorders happened.
    expect(seen.size).toBe(200);
    expect(fabric.unacked('d')).toBe(0);
    expect(fabric.counts.published).toBe(200);
    expect(fabric.counts.duplicatesRefused).toBeGreaterThan(0);
    expect(order).not.toEqual([...order].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))));
    for (const k of [
      'publishesLost',
      'deliveriesDropped',
      'duplicated',
      'reordered',
      'delayed',
      'acksLost',
      'redelivered',
    ] as const)
      expect(fabric.counts[k], k).toBeGreaterThan(0);
  });

  it('KV compare-and-set refuses a stale revision and an existing key', async () => {
    const kv = await createMemoryFabric().kv('ts_dir');
    const r1 = await kv.create('p.1', bytes('a'));
    await expect(kv.create('p.1', bytes('b'))).rejects.toMatchObject({ code: 'KV_CONFLICT' });
    const r2 = await kv.update('p.1', bytes('b'), r1);
    await expect(kv.update('p.1', bytes('c'), r1)).rejects.toMatchObject({
      code: 'KV_CONFLICT',
      details: { key: 'p.1', expected: r1, actual: r2 },
    });
    expect(text((await kv.find('p.1'))!.value)).toBe('b');
    expect(await kv.find('p.2')).toBeUndefined();
    expect(await kv.put('p.2', bytes('z'))).toBeGreaterThan(r2);
  });

  it('core messages: at most once, only to whoever subscribes when they are handed out, by NATS wildcards, never stored', async () => {
    const fabric = createMemoryFabric({ manual: true });
    const got: string[] = [];
    fabric.send('ts.ghost.a.b', bytes('before anyone listens'));
    while (fabric.step());
    const sub = await fabric.subscribe('ts.ghost.*.b', (subject, data) =>
      got.push(`${subject} ${text(data)}`),
    );
    await fabric.subscribe('ts.ghost.>', (subject) => got.push(`all ${subject}`));
    fabric.send('ts.ghost.a.b', bytes('one'));
    fabric.send('ts.ghost.a.c', bytes('not for b'));
    fabric.send('ts.ghost.a.b.x', bytes('one token too many for *'));
    while (fabric.step());
    expect(got).toEqual(['ts.ghost.a.b one', 'all ts.ghost.a.b', 'all ts.ghost.a.c', 'all ts.ghost.a.b.x']);
    // Nothing went to the stream: no durable consumer sees a core message.
    const durable: string[] = [];
    await fabric.consume({ durable: 'd', subject: 'ts.ghost.a.b' }, (m) => durable.push(text(m.data)));
    while (fabric.step());
    expect(durable).toEqual([]);
    await sub.stop();
    got.length = 0;
    fabric.send('ts.ghost.a.b', bytes('two'));
    while (fabric.step());
    expect(got).toEqual(['all ts.ghost.a.b']);
    expect(fabric.counts.coreSent).toBe(5);
  });
});
