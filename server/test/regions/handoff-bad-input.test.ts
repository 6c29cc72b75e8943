import { afterEach, describe, expect, it } from 'vitest';
import { SERVER_IDENTITY, toIdentity } from '../../src/engine';
import {
  DEFAULT_MAX_HANDOFF_BYTES,
  decodeRegionMessage,
  encodeRegionMessage,
  type HandoffMessage,
} from '../../src/regions';
import { HandoffWorld } from './handoff-harness';

const bytes = (s: string) => new TextEncoder().encode(s);

const good: HandoffMessage = {
  kind: 'handoff',
  from: 'west',
  to: 'east',
  id: 3,
  floor: 1,
  entity: 'p1',
  epoch: 2,
  payload: '{}',
  attempt: 7,
};

const worlds: HandoffWorld[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.close();
});

describe('region messages: bad input', () => {
  it('round-trips a good message', () => {
    expect(decodeRegionMessage(encodeRegionMessage(good))).toEqual(good);
  });

  it('reads a message from before attempts as attempt 0', () => {
    const { attempt: _, ...older } = good;
    expect(decodeRegionMessage(bytes(JSON.stringify(older)))).toEqual({ ...good, attempt: 0 });
  });

  it.each([
    ['not JSON', bytes('{"kind":'), /not UTF-8 JSON/],
    ['not UTF-8', new Uint8Array([0xff, 0xfe, 0x7b]), /not UTF-8 JSON/],
    ['an unknown kind', bytes(JSON.stringify({ ...good, kind: 'teleport' })), /kind/],
    ['a negative id', bytes(JSON.stringify({ ...good, id: -1 })), /^region message: id: /],
    ['a fractional epoch', bytes(JSON.stringify({ ...good, epoch: 1.5 })), /epoch/],
    ['a negative attempt', bytes(JSON.stringify({ ...good, attempt: -1 })), /attempt/],
    ['a bad region name', bytes(JSON.stringify({ ...good, from: 'we st' })), /from: a region name/],
    ['an extra field', bytes(JSON.stringify({ ...good, admin: true })), /admin|unrecognized/i],
    ['a missing payload', bytes(JSON.stringify({ ...good, payload: undefined })), /payload/],
  ])('refuses %s with INVALID_HANDOFF naming the field', (_what, data, message) => {
    expect(() => decodeRegionMessage(data)).toThrow(
      expect.objectContaining({ code: 'INVALID_HANDOFF', message: expect.stringMatching(message) }),
    );
  });

  it('refuses a message over maxHandoffBytes before parsing it (default 512 KiB)', () => {
    const big = encodeRegionMessage({ ...good, payload: 'x'.repeat(DEFAULT_MAX_HANDOFF_BYTES) });
    expect(() => decodeRegionMessage(big, { subject: 'ts.r.east.in' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_HANDOFF',
        message: expect.stringContaining(
          'ts.r.east.in: ' + big.byteLength + ' bytes is over maxHandoffBytes (524288)',
        ),
      }),
    );
    const small = encodeRegionMessage(good);
    expect(() => decodeRegionMessage(small, { maxHandoffBytes: small.byteLength - 1 })).toThrow(
      /over maxHandoffBytes/,
    );
    expect(decodeRegionMessage(small, { maxHandoffBytes: small.byteLength })).toEqual(good);
  });

  it('a relay refuses garbage on its subject, acks it, and nothing changes', async () => {
    const w = new HandoffWorld({ seed: 3 });
    worlds.push(w);
    await w.open(['west', 'east']);
    await w.spawn('east', [{ id: 'p1', items: 1, qty: 2 }]);
    await w.fabric.publish('ts.r.east.in', bytes('garbage'), 'g1');
    await w.fabric.publish('ts.r.east.in', encodeRegionMessage({ ...good, to: 'north' }), 'g2');
    while (w.fabric.step()) await w.settle();
    expect(w.region('east').relay.counts.invalid).toBe(2);
    expect(w.fabric.unacked('in-east')).toBe(0);
    expect(w.check()).toEqual([]);
  });

  it('a payload over the sender limit is refused by handoff_out: the player does not leave', async () => {
    const w = new HandoffWorld({ seed: 4 });
    worlds.push(w);
    await w.open(['west', 'east']);
    await w.spawn('west', [{ id: 'p1', items: 1, qty: 2 }]);
    const e = w.region('west').db.engine;
    void e.call(SERVER_IDENTITY, 'give', { id: 'p1', qty: DEFAULT_MAX_HANDOFF_BYTES });
    e.runTick();
    const result = e.call(SERVER_IDENTITY, 'handoff_out', { entity: 'p1', to: 'east' });
    e.runTick();
    expect(await result).toMatchObject({
      ok: false,
      code: 'INVALID_HANDOFF',
      message: expect.stringContaining('over maxHandoffBytes (524288)'),
    });
    expect(e.db.player.has('p1')).toBe(true);
    expect(e.db.ts_outbox.count()).toBe(0);
  });

  it('clients cannot call the kit reducers', async () => {
    const w = new HandoffWorld({ seed: 5 });
    worlds.push(w);
    await w.open(['west', 'east']);
    await w.spawn('west', [{ id: 'p1', items: 0, qty: 0 }]);
    const e = w.region('west').db.engine;
    const client = toIdentity('ab'.repeat(16));
    const out = e.call(client, 'handoff_out', { entity: 'p1', to: 'east' });
    const done = e.call(client, 'handoff_done', { from: 'east', id: 1, outcome: 'rejected' });
    e.runTick();
    expect(await out).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await done).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(e.db.player.has('p1')).toBe(true);
  });
});
