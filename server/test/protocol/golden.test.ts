import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BinaryReader,
  BinaryWriter,
  CLIENT_MESSAGE,
  decodeBatch,
  decodeClientMessage,
  decodeSchemaDescriptor,
  decodeServerMessage,
  encodeBatch,
  encodeCall,
  encodeClose,
  encodeConnect,
  encodeError,
  encodeIdentity,
  encodePing,
  encodePong,
  encodeReset,
  encodeResult,
  encodeSchemaAck,
  encodeSchemaChange,
  encodeSchemaDescriptor,
  encodeSchemaHead,
  encodeSubscribe,
  encodeSubscribeError,
  encodeSubscribed,
  encodeTickUpdate,
  encodeUnsubscribe,
  encodeUnsubscribed,
  RESET_REASON,
  SERVER_MESSAGE,
  type Query,
} from '../../src/protocol';
import { ALICE, collectingVisitor, descriptor, schema } from './protocol-fixture';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const U32 = { name: 'r', kind: 'u32' } as const;
const e1 = { id: 7, x: 1.5, y: -2, hp: 100, alive: true, tag: undefined };
const e1moved = { ...e1, x: 1.75, hp: 98, alive: false, tag: 'hero' };
const m1 = { group: 3, who: ALICE, role: 'mod', since: -5n };

const queries: Record<string, Query> = {
  table: { table: 'entity' },
  index: { table: 'member', where: { index: 'role', value: 'mod' } },
  rect: { table: 'entity', rect: { minX: -1, minY: 0, maxX: 10.5, maxY: 20 } },
  near: { table: 'entity', near: { x: 5, y: 6, radius: 10, exitRadius: 12 } },
  follow: { table: 'entity', follow: { table: 'entity', key: 7, radius: 32, exitRadius: 40 } },
  range: { table: 'entity', range: { index: 'hp', gte: 10, lt: 50 } },
  'range-below': { table: 'entity', range: { index: 'hp', lt: 20 } },
  // Version 5: the tag's 0x40 bit, then f64 radius and uvar every after the kind's part.
  'near-lod': {
    table: 'entity',
    near: { x: 5, y: 6, radius: 10, exitRadius: 12 },
    lod: { radius: 4, every: 3 },
  },
  'follow-lod': {
    table: 'entity',
    follow: { table: 'entity', key: 7, radius: 32, exitRadius: 40 },
    lod: { radius: 16.5, every: 20 },
  },
  // Version 7: the tag's 0x20 bit, then f64 step after the follow's radii (before any lod).
  'follow-step': {
    table: 'entity',
    follow: { table: 'entity', key: 7, radius: 32, exitRadius: 40, step: 2.5 },
  },
  'follow-step-lod': {
    table: 'entity',
    follow: { table: 'entity', key: 7, radius: 32, exitRadius: 40, step: 0 },
    lod: { radius: 16.5, every: 20 },
  },
};

/** Every message type of the protocol, built from fixed inputs. */
function frames(): Record<string, Uint8Array> {
  const w = new BinaryWriter();
  encodeSchemaDescriptor(w, descriptor);
  const out: Record<string, Uint8Array> = {
    'schema-descriptor': w.toBytes(),
    'client-connect-new': encodeConnect(1, ''),
    'client-connect-token': encodeConnect(1, `${ALICE}.c2lnbmF0dXJl`),
    'client-connect-v2': encodeConnect(2, ''),
    'client-connect-v4': encodeConnect(4, ''),
    'client-connect-v5': encodeConnect(5, ''),
    'client-connect-v6': encodeConnect(6, ''),
    'client-connect-v7': encodeConnect(7, ''),
    // Version 4: the client swapped to schema version 2.
    'client-schema-ack': encodeSchemaAck(2),
    'client-batch': encodeBatch(CLIENT_MESSAGE.BATCH, [
      encodeCall(schema, 42, 'move', { dx: 0.5, dy: -1 }),
      encodeCall(schema, 43, 'move', { dx: 0, dy: 1 }),
      encodePing(7),
    ]),
    'client-call-move': encodeCall(schema, 42, 'move', { dx: 0.5, dy: -1 }),
    'client-call-chat': encodeCall(schema, 300, 'chat', { text: 'héllo', at: 1234567890123n, to: ALICE }),
    'client-unsubscribe': encodeUnsubscribe(9),
    'client-ping': encodePing(65535),
    'server-identity': encodeIdentity(ALICE, `${ALICE}.sig`, 12, descriptor),
    'server-subscribed': encodeSubscribed(schema, 1, 12, [
      { tableId: 0, deletes: [], inserts: [e1], updates: [] },
    ]),
    'server-unsubscribed': encodeUnsubscribed(schema, 1, 13, [
      { tableId: 2, deletes: [[3, ALICE]], inserts: [], updates: [] },
    ]),
    'server-tick-update': encodeTickUpdate(schema, 14, [
      {
        tableId: 0,
        deletes: [9, 300],
        inserts: [{ ...e1, id: 8 }],
        updates: [
          { old: e1, new: e1moved },
          { old: { ...e1, id: 12 }, new: { ...e1, id: 12, y: -2.5 } },
        ],
      },
      { tableId: 2, deletes: [], inserts: [m1], updates: [{ old: m1, new: { ...m1, since: 5n } }] },
    ]),
    'server-result-ok': encodeResult(42, { ok: true }),
    'server-result-error': encodeResult(43, { ok: false, code: 'NO_WOOD', message: 'you need 3 wood' }),
    // Version 6: flag 2, the value's kind (u32 is 2), the value.
    'server-result-value': encodeResult(44, { ok: true, value: 300, returns: U32 }),
    'server-result-value-optional': encodeResult(45, {
      ok: true,
      value: 'iron',
      returns: { name: 'r', kind: 'optional', inner: { name: 'r', kind: 'string' } },
    }),
    'server-result-value-none': encodeResult(46, {
      ok: true,
      value: undefined,
      returns: { name: 'r', kind: 'optional', inner: { name: 'r', kind: 'i64' } },
    }),
    // The same call answered to a version 5 client: the plain success.
    'server-result-value-v5': encodeResult(44, { ok: true, value: 300, returns: U32 }, 5),
    'server-pong': encodePong(65535, 14),
    'server-error': encodeError('MALFORMED_FRAME', 'needs 1 more byte(s) at byte 3'),
    'server-subscribe-error': encodeSubscribeError(5, 'UNKNOWN_TABLE', "no public table named 'note'"),
    'server-close': encodeClose(4003, 'SLOW_CONSUMER', 'updates coalesced for too long'),
    'server-batch': encodeBatch(SERVER_MESSAGE.BATCH, [
      encodeTickUpdate(schema, 16, [
        { tableId: 0, deletes: [], inserts: [], updates: [{ old: e1, new: e1moved }] },
      ]),
      encodeResult(42, { ok: true }),
      encodeResult(43, { ok: false, code: 'NO_WOOD', message: 'you need 3 wood' }),
    ]),
    // Version 1 and 2 layout: no reason.
    'server-reset': encodeReset(schema, 15, [
      { tableId: 0, rows: [e1, e1moved] },
      { tableId: 2, rows: [] },
    ]),
    // Version 3: reason REWIND (1) and the state's tick (9) after the tick.
    'server-reset-rewind': encodeReset(schema, 15, [{ tableId: 0, rows: [e1] }], {
      reason: RESET_REASON.REWIND,
      stateOfTick: 9,
    }),
    // Version 4: a runtime migration to schema version 2; table 0 is re-sent, query 5 ended.
    'server-schema': encodeSchemaChange(
      encodeSchemaHead(2, descriptor),
      [0],
      [{ queryId: 5, code: 'UNKNOWN_TABLE', message: "table 'note' was removed" }],
    ),
    'server-reset-schema': encodeReset(schema, 15, [{ tableId: 0, rows: [e1] }], {
      reason: RESET_REASON.SCHEMA,
      stateOfTick: 15,
    }),
  };
  for (const [name, q] of Object.entries(queries))
    out[`client-subscribe-${name}`] = encodeSubscribe(schema, 5, q);
  return out;
}

const FIXTURE = join(import.meta.dirname, 'golden-frames.json');

describe('golden frames', () => {
  it('every message type encodes to its reviewed bytes', () => {
    const actual = Object.fromEntries(Object.entries(frames()).map(([k, v]) => [k, hex(v)]));
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(FIXTURE))
      writeFileSync(FIXTURE, JSON.stringify(actual, null, 2) + '\n');
    const golden = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, string>;
    expect(actual).toEqual(golden);
  });

  it('pins a few frames byte by byte', () => {
    // Tag, request id 42, reducer id 0, dx = 0.5f, dy = -1f (little-endian IEEE).
    expect(hex(encodeCall(schema, 42, 'move', { dx: 0.5, dy: -1 }))).toBe('022a000000003f000080bf');
    expect(hex(encodeResult(42, { ok: true }))).toBe('852a01');
    // Version 6: tag, request id 42, flag VALUE (2), kind u32 (2), 300 as a uvar (u32 travels as one).
    expect(hex(encodeResult(42, { ok: true, value: 300, returns: U32 }))).toBe('852a02' + '02' + 'ac02');
    expect(hex(encodeResult(42, { ok: true, value: 300, returns: U32 }, 5))).toBe('852a01');
    expect(hex(encodePing(1))).toBe('0501');
    expect(hex(encodeConnect(1, ''))).toBe('010100');
    // BATCH: tag, count, then each message with its length (RESULT ok 42 and 7; PING 1 alone).
    expect(
      hex(encodeBatch(SERVER_MESSAGE.BATCH, [encodeResult(42, { ok: true }), encodeResult(7, { ok: true })])),
    ).toBe('8b02' + '03852a01' + '03850701');
    expect(hex(encodeBatch(CLIENT_MESSAGE.BATCH, [encodePing(1)]))).toBe('0601' + '020501');
    // A level of detail (version 5): the circle's tag 3 with 0x40 set, table 0, the four f64 of
    // the circle as in version 4, then radius 4 (f64) and every 3 (uvar).
    const near = { x: 5, y: 6, radius: 10, exitRadius: 12 };
    const plain = hex(encodeSubscribe(schema, 5, { table: 'entity', near }));
    expect(plain.slice(0, 8)).toBe('03050300');
    expect(hex(encodeSubscribe(schema, 5, { table: 'entity', near, lod: { radius: 4, every: 3 } }))).toBe(
      '0305' + '43' + '00' + plain.slice(8) + '0000000000001040' + '03',
    );
    // Update of entity 7: zigzag key delta 7 (0x0e), mask x|hp|alive|tag (0x1d), x as the zigzag
    // delta of its f32 bits (1.5 -> 1.75 is 2^21), hp -2 (0x03), alive flipped (no bytes), tag 'hero'.
    const tick = encodeTickUpdate(schema, 2, [
      { tableId: 0, deletes: [], inserts: [], updates: [{ old: e1, new: e1moved }] },
    ]);
    expect(hex(tick)).toBe(
      '840201' +
        '00' +
        '00' +
        '00' +
        '01' +
        '01' +
        '0e' +
        '1d' +
        '80808002' +
        '03' +
        '01' +
        '04' +
        '6865726f',
    );
  });

  it('decodes every golden frame back to what was encoded', () => {
    const golden = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, string>;
    const bytes = (name: string) => new Uint8Array(Buffer.from(golden[name]!, 'hex'));
    expect(decodeSchemaDescriptor(new BinaryReader(bytes('schema-descriptor')))).toEqual(descriptor);
    expect(decodeClientMessage(bytes('client-connect-token'), schema)).toEqual({
      type: 'connect',
      version: 1,
      token: `${ALICE}.c2lnbmF0dXJl`,
    });
    expect(decodeClientMessage(bytes('client-call-chat'), schema)).toEqual({
      type: 'call',
      requestId: 300,
      reducerId: 2,
      args: { text: 'héllo', at: 1234567890123n, to: ALICE },
    });
    for (const [name, q] of Object.entries(queries)) {
      const msg = decodeClientMessage(bytes(`client-subscribe-${name}`), schema);
      expect(msg).toEqual({ type: 'subscribe', queryId: 5, query: q });
    }
    expect(decodeClientMessage(bytes('client-unsubscribe'), schema)).toEqual({
      type: 'unsubscribe',
      queryId: 9,
    });
    expect(decodeClientMessage(bytes('client-ping'), schema)).toEqual({ type: 'ping', nonce: 65535 });
    expect(decodeServerMessage(bytes('server-identity'), undefined, undefined)).toEqual({
      type: 'identity',
      identity: ALICE,
      token: `${ALICE}.sig`,
      tick: 12,
      schema: descriptor,
    });
    const base = new Map<string, Record<string, unknown>>([
      ['entity:7', e1],
      ['entity:12', { ...e1, id: 12 }],
      [`member:[n3,s32:${ALICE}]`, m1],
    ]);
    const tick = collectingVisitor(base);
    expect(decodeServerMessage(bytes('server-tick-update'), schema, tick.visitor)).toEqual({
      type: 'tick',
      tick: 14,
    });
    expect(tick.out).toEqual([
      { table: 'entity', delete: 9 },
      { table: 'entity', delete: 300 },
      { table: 'entity', insert: { ...e1, id: 8 } },
      { table: 'entity', update: e1moved },
      { table: 'entity', update: { ...e1, id: 12, y: -2.5 } },
      { table: 'member', insert: m1 },
      { table: 'member', update: { ...m1, since: 5n } },
    ]);
    const reset = collectingVisitor();
    expect(decodeServerMessage(bytes('server-reset'), schema, reset.visitor, 2)).toEqual({
      type: 'reset',
      tick: 15,
      reason: RESET_REASON.RESYNC,
      stateOfTick: 15,
    });
    expect(reset.out).toEqual([
      { table: 'entity', reset: [e1, e1moved] },
      { table: 'member', reset: [] },
    ]);
    const rewound = collectingVisitor();
    expect(decodeServerMessage(bytes('server-reset-rewind'), schema, rewound.visitor)).toEqual({
      type: 'reset',
      tick: 15,
      reason: RESET_REASON.REWIND,
      stateOfTick: 9,
    });
    expect(rewound.out).toEqual([{ table: 'entity', reset: [e1] }]);
    // A version 3 reader refuses a reason it does not know rather than misread the rows after it.
    const unknownReason = bytes('server-reset-rewind').slice();
    unknownReason[2] = 7;
    expect(() => decodeServerMessage(unknownReason, schema, collectingVisitor().visitor)).toThrow(
      /unknown RESET reason 7/,
    );
    expect(decodeClientMessage(bytes('client-schema-ack'), schema)).toEqual({
      type: 'schemaAck',
      version: 2,
    });
    expect(decodeServerMessage(bytes('server-schema'), schema, collectingVisitor().visitor)).toEqual({
      type: 'schema',
      version: 2,
      schema: descriptor,
      resetTableIds: [0],
      ended: [{ queryId: 5, code: 'UNKNOWN_TABLE', message: "table 'note' was removed" }],
    });
    // A table id the new schema has no public table for is refused, not handed on.
    const badSchema = bytes('server-schema').slice();
    // From the end: the message and its length, the code and its length, the query id, the ended count, then the table id.
    const tableIdAt =
      badSchema.length - "table 'note' was removed".length - 1 - 'UNKNOWN_TABLE'.length - 1 - 1 - 1 - 1;
    expect(badSchema[tableIdAt]).toBe(0);
    badSchema[tableIdAt] = 9;
    expect(() => decodeServerMessage(badSchema, schema, collectingVisitor().visitor)).toThrow(
      /reset table id 9 is no public table of schema version 2/,
    );
    const migrated = collectingVisitor();
    expect(decodeServerMessage(bytes('server-reset-schema'), schema, migrated.visitor)).toMatchObject({
      type: 'reset',
      reason: RESET_REASON.SCHEMA,
    });
    expect(migrated.out).toEqual([{ table: 'entity', reset: [e1] }]);
    const unsub = collectingVisitor();
    expect(decodeServerMessage(bytes('server-unsubscribed'), schema, unsub.visitor)).toEqual({
      type: 'unsubscribed',
      queryId: 1,
      tick: 13,
    });
    expect(unsub.out).toEqual([{ table: 'member', delete: [3, ALICE] }]);
    const v = collectingVisitor().visitor;
    expect(decodeServerMessage(bytes('server-result-error'), schema, v)).toEqual({
      type: 'result',
      requestId: 43,
      ok: false,
      code: 'NO_WOOD',
      message: 'you need 3 wood',
    });
    expect(decodeServerMessage(bytes('server-result-value'), schema, v)).toEqual({
      type: 'result',
      requestId: 44,
      ok: true,
      value: 300,
    });
    expect(decodeServerMessage(bytes('server-result-value-optional'), schema, v)).toEqual({
      type: 'result',
      requestId: 45,
      ok: true,
      value: 'iron',
    });
    expect(decodeServerMessage(bytes('server-result-value-none'), schema, v)).toEqual({
      type: 'result',
      requestId: 46,
      ok: true,
      value: undefined,
    });
    expect(decodeServerMessage(bytes('server-result-value-v5'), schema, v)).toEqual({
      type: 'result',
      requestId: 44,
      ok: true,
    });
    // A flag no version defines, and a value of a kind no version defines, are refused.
    const badFlag = bytes('server-result-value').slice();
    badFlag[2] = 3;
    expect(() => decodeServerMessage(badFlag, schema, v)).toThrow(/result flag must be 0, 1 or 2, got 3/);
    const badKind = bytes('server-result-value').slice();
    badKind[3] = 0xee;
    expect(() => decodeServerMessage(badKind, schema, v)).toThrow(/unknown column kind 238/);
    expect(decodeServerMessage(bytes('server-pong'), schema, v)).toEqual({
      type: 'pong',
      nonce: 65535,
      tick: 14,
    });
    expect(decodeServerMessage(bytes('server-close'), schema, v)).toEqual({
      type: 'close',
      closeCode: 4003,
      code: 'SLOW_CONSUMER',
      message: 'updates coalesced for too long',
    });
    expect(decodeServerMessage(bytes('server-subscribe-error'), schema, v)).toEqual({
      type: 'subscribeError',
      queryId: 5,
      code: 'UNKNOWN_TABLE',
      message: "no public table named 'note'",
    });
    expect(decodeClientMessage(bytes('client-connect-v2'), schema)).toEqual({
      type: 'connect',
      version: 2,
      token: '',
    });
    const calls = decodeBatch(bytes('client-batch'), CLIENT_MESSAGE.BATCH).map((m) =>
      decodeClientMessage(m, schema),
    );
    expect(calls).toEqual([
      { type: 'call', requestId: 42, reducerId: 0, args: { dx: 0.5, dy: -1 } },
      { type: 'call', requestId: 43, reducerId: 0, args: { dx: 0, dy: 1 } },
      { type: 'ping', nonce: 7 },
    ]);
    const batched = collectingVisitor(new Map([['entity:7', e1]]));
    const messages = decodeBatch(bytes('server-batch'), SERVER_MESSAGE.BATCH).map((m) =>
      decodeServerMessage(m, schema, batched.visitor),
    );
    expect(messages).toEqual([
      { type: 'tick', tick: 16 },
      { type: 'result', requestId: 42, ok: true },
      { type: 'result', requestId: 43, ok: false, code: 'NO_WOOD', message: 'you need 3 wood' },
    ]);
    expect(batched.out).toEqual([{ table: 'entity', update: e1moved }]);
  });
});
