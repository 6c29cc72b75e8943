import { describe, expect, it } from 'vitest';
import { STREAM_EVENT, StreamSet } from '../../src/detect/action-stream';
import { FrontierEventSource } from '../../src/detect/frontier-events';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const tables = ['avatar', 'action', 'trade', 'notice'];
const ok = { ok: true } as const;

describe('Frontier event source', () => {
  it('turns calls and changes into per-identity streams', () => {
    const streams = new StreamSet();
    const source = new FrontierEventSource(streams, tables, { positionEveryMs: 50 });
    source.ingest({
      tick: 1,
      now: 50,
      calls: [
        { origin: 2, reducer: '__connected', sender: A, result: ok },
        { origin: 0, reducer: 'move', sender: A, args: { dx: 1, dy: 0 }, result: ok },
      ],
      changes: [
        {
          tableId: 0,
          kind: 1,
          callIndex: 1,
          oldRow: { identity: A, x: 0, y: 0 },
          newRow: { identity: A, x: 0.25, y: 0 },
        },
      ],
    });
    source.ingest({
      tick: 2,
      now: 100,
      calls: [
        { origin: 0, reducer: 'trade_open', sender: A, args: { partner: B }, result: ok },
        {
          origin: 0,
          reducer: 'gather',
          sender: B,
          args: { nodeId: 7 },
          result: { ok: false, code: 'OUT_OF_REACH' },
        },
        { origin: 1, reducer: 'gather_finish', sender: '0'.repeat(32), args: {}, result: ok },
      ],
      changes: [
        { tableId: 2, kind: 0, callIndex: 0, oldRow: undefined, newRow: { id: 9, a: A, b: B } },
        { tableId: 1, kind: 2, callIndex: 2, oldRow: { owner: B }, newRow: undefined },
        {
          tableId: 0,
          kind: 1,
          callIndex: 2,
          oldRow: { identity: A, x: 0.25, y: 0 },
          newRow: { identity: A, x: 0.5, y: 0 },
        },
        { tableId: 3, kind: 0, callIndex: 2, oldRow: undefined, newRow: { owner: A, code: 'NODE_DEPLETED' } },
      ],
    });
    source.ingest({
      tick: 3,
      now: 150,
      calls: [
        { origin: 0, reducer: 'trade_accept', sender: B, args: { trade: 9 }, result: ok },
        { origin: 2, reducer: '__disconnected', sender: A, result: ok },
      ],
      changes: [
        { tableId: 2, kind: 1, callIndex: 0, oldRow: { id: 9, a: A, b: B }, newRow: { id: 9, a: A, b: B } },
      ],
    });
    const a = streams.find(A)!.toEvents();
    expect(a.map((e) => [e.type, e.timeMs, e.name])).toEqual([
      [STREAM_EVENT.SESSION_START, 50, ''],
      [STREAM_EVENT.CALL, 50, 'move'],
      [STREAM_EVENT.POSITION, 50, ''],
      [STREAM_EVENT.CALL, 100, 'trade_open'],
      [STREAM_EVENT.POSITION, 100, ''],
      [STREAM_EVENT.UPDATE, 100, 'notice'],
      // B's acceptance changed A's trade: A is invited to react; B made the change itself.
      [STREAM_EVENT.UPDATE, 150, 'trade'],
      [STREAM_EVENT.SESSION_END, 150, ''],
    ]);
    expect(a[1]).toMatchObject({ dx: 1, dy: 0 });
    expect(a[3]).toMatchObject({ partner: B, x: 0.25, y: 0 });
    const b = streams.find(B)!.toEvents();
    // In call order: A's trade_open (call 0) reached B before B's own gather (call 1) ran.
    expect(b.map((e) => [e.type, e.name, e.ok])).toEqual([
      [STREAM_EVENT.UPDATE, 'trade', true],
      [STREAM_EVENT.CALL, 'gather', false],
      [STREAM_EVENT.UPDATE, 'action_end', true],
      [STREAM_EVENT.CALL, 'trade_accept', true],
    ]);
    expect(b[3]).toMatchObject({ partner: A });
    // Scheduled calls belong to no player.
    expect(streams.count()).toBe(2);
  });

  it("gives a walk_to the heading from the caller's position to its point, as a move gives its direction", () => {
    const streams = new StreamSet();
    const source = new FrontierEventSource(streams, tables, { positionEveryMs: 50 });
    const walk = (x: number, y: number) =>
      ({ origin: 0, reducer: 'walk_to', sender: A, args: { x, y, stopTiles: 1 }, result: ok }) as const;
    // Before any position is known the heading is unknown, like the call's x and y.
    source.ingest({ tick: 1, now: 50, calls: [walk(5, 5)], changes: [] });
    source.ingest({
      tick: 2,
      now: 100,
      calls: [{ origin: 0, reducer: 'move', sender: A, args: { dx: 0, dy: 0 }, result: ok }],
      changes: [
        {
          tableId: 0,
          kind: 1,
          callIndex: 0,
          oldRow: { identity: A, x: 2, y: 2 },
          newRow: { identity: A, x: 2, y: 2 },
        },
      ],
    });
    // From (2, 2): to (2, 7) is due south (+y), to (-1, -2) is 3 left and 4 up; to (2, 2) is no way.
    source.ingest({ tick: 3, now: 150, calls: [walk(2, 7), walk(-1, -2), walk(2, 2)], changes: [] });
    const calls = streams
      .find(A)!
      .toEvents()
      .filter((e) => e.type === STREAM_EVENT.CALL && e.name === 'walk_to');
    expect(calls).toHaveLength(4);
    expect(calls[0]!.dx).toBeNaN();
    expect(calls[0]!.dy).toBeNaN();
    expect(calls.slice(1).map((e) => [e.dx, e.dy, e.x, e.y])).toEqual([
      [0, 1, 2, 2],
      // The stream keeps directions as f32.
      [Math.fround(-0.6), Math.fround(-0.8), 2, 2],
      [0, 0, 2, 2],
    ]);
  });

  it('records the items that changed hands when a trade goes through, and nothing for a cancelled one', () => {
    const streams = new StreamSet();
    const source = new FrontierEventSource(streams, [...tables, 'trade_item']);
    const item = (trade: number, side: number, itemId: string, quantity: number) => ({
      tradeId: trade,
      side,
      itemId,
      quantity,
      a: A,
      b: B,
    });
    const row = (id: number) => ({ id, a: A, b: B });
    source.ingest({
      tick: 1,
      now: 50,
      calls: [
        { origin: 0, reducer: 'trade_offer', sender: A, args: { trade: 9 }, result: ok },
        { origin: 0, reducer: 'trade_offer', sender: A, args: { trade: 9 }, result: ok },
        { origin: 0, reducer: 'trade_offer', sender: B, args: { trade: 9 }, result: ok },
        { origin: 0, reducer: 'trade_offer', sender: A, args: { trade: 9 }, result: ok },
      ],
      changes: [
        { tableId: 2, kind: 0, callIndex: 0, oldRow: undefined, newRow: row(9) },
        { tableId: 4, kind: 0, callIndex: 0, oldRow: undefined, newRow: item(9, 0, 'stone', 5) },
        { tableId: 4, kind: 0, callIndex: 1, oldRow: undefined, newRow: item(9, 0, 'wood', 2) },
        { tableId: 4, kind: 0, callIndex: 2, oldRow: undefined, newRow: item(9, 1, 'rope', 1) },
        // A withdraws the wood (quantity 0 deletes the offer) and raises the stone to 6.
        { tableId: 4, kind: 2, callIndex: 3, oldRow: item(9, 0, 'wood', 2), newRow: undefined },
        { tableId: 4, kind: 1, callIndex: 3, oldRow: item(9, 0, 'stone', 5), newRow: item(9, 0, 'stone', 6) },
      ],
    });
    // The swap: the offers go first, then the trade row, inside the second acceptance.
    source.ingest({
      tick: 2,
      now: 100,
      calls: [{ origin: 0, reducer: 'trade_accept', sender: B, args: { trade: 9 }, result: ok }],
      changes: [
        { tableId: 4, kind: 2, callIndex: 0, oldRow: item(9, 0, 'stone', 6), newRow: undefined },
        { tableId: 4, kind: 2, callIndex: 0, oldRow: item(9, 1, 'rope', 1), newRow: undefined },
        { tableId: 2, kind: 2, callIndex: 0, oldRow: row(9), newRow: undefined },
      ],
    });
    // A cancelled trade moves nothing.
    source.ingest({
      tick: 3,
      now: 150,
      calls: [{ origin: 0, reducer: 'trade_cancel', sender: A, args: { trade: 10 }, result: ok }],
      changes: [
        { tableId: 2, kind: 0, callIndex: 0, oldRow: undefined, newRow: row(10) },
        { tableId: 4, kind: 0, callIndex: 0, oldRow: undefined, newRow: item(10, 0, 'stone', 3) },
        { tableId: 4, kind: 2, callIndex: 0, oldRow: item(10, 0, 'stone', 3), newRow: undefined },
        { tableId: 2, kind: 2, callIndex: 0, oldRow: row(10), newRow: undefined },
      ],
    });
    const tradesOf = (who: string) =>
      streams
        .find(who)!
        .toEvents()
        .filter((e) => e.type === STREAM_EVENT.TRADE);
    expect(tradesOf(A)).toEqual([expect.objectContaining({ timeMs: 100, partner: B, dx: 6, dy: 1 })]);
    expect(tradesOf(B)).toEqual([expect.objectContaining({ timeMs: 100, partner: A, dx: 1, dy: 6 })]);
  });
});
