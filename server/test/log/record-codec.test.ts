import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  OP,
  createRecordCodec,
  crc32c,
  encodeSegmentHeader,
  hex,
  logSchemaOf,
  scanSegment,
  type ChangeOp,
} from '../../src/engine/tooling';
import {
  createEngine,
  t,
  table,
  createSchema,
  defineModule,
  toIdentity,
  type TickRecord,
  type CallRecord,
} from '../../src/engine';
import { alice, bank } from '../engine/fixtures';
import { crc32cCombine } from '../../src/engine/log/crc32c';
import { encodeSystemPayloadAhead } from '../../src/engine/log/system-payload';

/**
 * Golden bytes of a three-tick segment from the bank fixture (seed 'golden', tickMs 50, durations
 * pinned to 0.25 ms): tick 1 = init, connect, open (UTF-8 name, negative i64), a failing transfer;
 * tick 2 = `later` schedules a bump; tick 3 = the scheduled bump (a delete and an update).
 * A change here is a format change: bump LOG_FORMAT_VERSION and FORMAT.md with it.
 */
const GOLDEN = [
  '54534c4f470d0a1a0100000000000000010000000000000000000000bcdcb5ff',
  'e7000000bf4708ed0100000000000049403aedc656f8fa63fa0000803ea00000000402065f5f696e697400000000000000000000000000000000000000020b5f5f636f6e6e6563746564aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa00000000046f70656eaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa000707045a6fc3ab090000087472616e73666572aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0003070802010a4e4f5f4143434f554e54186163636f756e74203820646f6573206e6f7420657869737404020000002a0102000102000002010102010100000207aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa045a6fc3ab0901',
  '6b00000074e21b840200000000000059406fe461bcf178ca540000803e2b0000000100056c61746572aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa0010000000000000494000000000000000000001040000010462756d700b7b2274696d6573223a317d0000000000c06240000000000000000003',
  '450000005a08f4ea030000000000c062408e7dfb26619709d60000803e1b00000001010462756d7000000000000000000000000000000000010101000304020001020000010000020100010103',
];

function goldenRun() {
  const engine = createEngine({ module: bank, seed: 'golden', tickMs: 50 });
  const records: TickRecord[] = [];
  engine.onCommit((r) => {
    records.push({ ...r, durationMs: 0.25 });
  });
  engine.connect(alice);
  engine.enqueue(alice, 'open', { id: 7, name: 'Zoë', balance: -5n });
  engine.enqueue(alice, 'transfer', { from: 7, to: 8, amount: 1n });
  engine.runTick();
  engine.enqueue(alice, 'later', { inMs: 50, everyMs: 0 });
  engine.runTick();
  engine.runTick();
  return { engine, records, codec: createRecordCodec(logSchemaOf(engine)) };
}

describe('crc32c', () => {
  it('matches the published check value and continues across chunks', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        expect(crc32c(bytes, crc32c(bytes, 0, 0, at), at)).toBe(crc32c(bytes));
      }),
    );
  });

  it('combines the CRCs of two parts into the CRC of both, for every length of the second', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 600 }), (a, b) => {
        const both = new Uint8Array(a.length + b.length);
        both.set(a);
        both.set(b, a.length);
        expect(crc32cCombine(crc32c(a), crc32c(b), b.length)).toBe(crc32c(both));
      }),
    );
    // A long second part (many squarings), and an empty one.
    const big = new Uint8Array(1_000_003).map((_, i) => (i * 31) & 0xff);
    const head = new TextEncoder().encode('head');
    const all = new Uint8Array(head.length + big.length);
    all.set(head);
    all.set(big, head.length);
    expect(crc32cCombine(crc32c(head), crc32c(big), big.length)).toBe(crc32c(all));
    expect(crc32cCombine(crc32c(head), crc32c(new Uint8Array(0)), 0)).toBe(crc32c(head));
  });
});

describe('record format', () => {
  it('encodes the golden segment byte for byte', () => {
    const { records, codec } = goldenRun();
    const actual = [hex(encodeSegmentHeader(1)), ...records.map((r) => hex(codec.encodeFramed(r)))];
    expect(actual).toEqual(GOLDEN);
  });

  it('decodes the golden segment back to the calls and changes that produced it', () => {
    const { records, codec } = goldenRun();
    const bytes = Buffer.from(GOLDEN.join(''), 'hex');
    const decoded: ReturnType<typeof codec.decode>[] = [];
    const scan = scanSegment(bytes, {
      nameTick: 1,
      isLast: true,
      onRecord: (_tick, payload) => decoded.push(codec.decode(payload)),
    });
    expect(scan.problem).toBeUndefined();
    expect(scan.ticks).toEqual([1, 2, 3]);
    expect(decoded.map((d) => d.stateHash)).toEqual(records.map((r) => r.stateHash));
    const t1 = decoded[0]!;
    expect(t1.calls.map((c) => [c.origin, c.reducer, c.result.ok])).toEqual([
      [2, '__init', true],
      [2, '__connected', true],
      [0, 'open', true],
      [0, 'transfer', false],
    ]);
    expect(t1.calls[2]!.args).toEqual({ id: 7, name: 'Zoë', balance: -5n });
    expect(t1.calls[3]!.result).toEqual({
      ok: false,
      code: 'NO_ACCOUNT',
      message: 'account 8 does not exist',
    });
    expect(t1.durationMs).toBe(0.25);
    const t3 = decoded[2]!;
    expect(t3.calls[0]).toMatchObject({ origin: 1, reducer: 'bump', scheduleId: 1, args: { times: 1 } });
    expect(t3.changes.map((c) => c.kind)).toEqual([OP.DELETE, OP.INSERT, OP.UPDATE]);
    expect(t3.changes[0]!.oldRow).toEqual({ id: 1 });
  });

  it('skips the calls section when asked (recovery) and still counts the calls', () => {
    const { records, codec } = goldenRun();
    const framed = codec.encodeFramed(records[0]!).slice();
    const lean = codec.decode(framed.subarray(8), { calls: false });
    expect(lean.calls).toEqual([]);
    expect(lean.callCount).toBe(4);
    expect(lean.changes.length).toBe(records[0]!.changes.length);
  });

  it('reports a malformed payload with its byte offset', () => {
    const { records, codec } = goldenRun();
    const payload = codec.encodeFramed(records[0]!).slice(8);
    expect(() => codec.decode(payload.subarray(0, payload.length - 3))).toThrow(/at byte \d+/);
    const extra = new Uint8Array(payload.length + 1);
    extra.set(payload);
    expect(() => codec.decode(extra)).toThrow(/1 trailing byte/);
  });
});

const kinds = createSchema({
  every: table(
    { public: true },
    {
      id: t.u32().primaryKey(),
      a: t.u8(),
      b: t.i16(),
      c: t.i32(),
      d: t.u64(),
      e: t.i64(),
      f: t.f32(),
      g: t.f64(),
      h: t.bool(),
      s: t.string(),
      y: t.bytes(),
      who: t.identity(),
      opt: t.optional(t.string()),
    },
  ),
  pair: table({ public: false, primaryKey: ['x', 'y'] }, { x: t.i32(), y: t.string(), v: t.f64() }),
});
const kindsModule = defineModule(kinds, {
  reducers: [kinds.reducer('put', { n: t.u16(), label: t.optional(t.string()), big: t.i64() }, () => {})],
});

const identityArb = fc.stringMatching(/^[0-9a-f]{32}$/).map(toIdentity);
const everyRow = fc.record({
  id: fc.nat({ max: 0xffffffff }),
  a: fc.nat({ max: 255 }),
  b: fc.integer({ min: -0x8000, max: 0x7fff }),
  c: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  d: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  e: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  f: fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => Math.fround(x)),
  g: fc.double({ noNaN: true, noDefaultInfinity: true }),
  h: fc.boolean(),
  s: fc.string({ unit: 'binary' }),
  y: fc.uint8Array({ maxLength: 20 }),
  who: identityArb,
  opt: fc.option(fc.string(), { nil: undefined }),
});
const pairRow = fc.record({
  x: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  y: fc.string(),
  v: fc.double({ noNaN: true }),
});
const change = fc.oneof(
  fc.record({
    tableId: fc.constant(0),
    kind: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    row: everyRow,
  }),
  fc.record({
    tableId: fc.constant(1),
    kind: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    row: pairRow,
  }),
);
const call = fc.record({
  origin: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
  sender: identityArb,
  scheduleId: fc.nat(),
  args: fc.record({
    n: fc.nat({ max: 0xffff }),
    label: fc.option(fc.string(), { nil: undefined }),
    big: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  }),
  result: fc.oneof(
    fc.constant({ ok: true as const }),
    fc.record({ ok: fc.constant(false as const), code: fc.string(), message: fc.string() }),
  ),
});

describe('system call payloads', () => {
  it('round-trips a lifecycle call payload as JSON and an empty one as no bytes', () => {
    const { records, codec } = goldenRun();
    const first = records[0]!;
    const withPayload: TickRecord = {
      ...first,
      calls: first.calls.map((c, i) =>
        i === 0 ? { ...c, args: { bundle: 'Zoë', n: 3, nested: [1, { a: true }] } } : c,
      ),
    };
    const decoded = codec.decode(codec.encodeFramed(withPayload).slice(8));
    expect(decoded.calls[0]!.args).toEqual({ bundle: 'Zoë', n: 3, nested: [1, { a: true }] });
    expect(new TextDecoder().decode(decoded.calls[0]!.argsBytes)).toBe(
      JSON.stringify({ bundle: 'Zoë', n: 3, nested: [1, { a: true }] }),
    );
    // The connect call (lifecycle, no arguments) still logs no bytes: the golden segment is unchanged.
    expect(decoded.calls[1]!.argsBytes.length).toBe(0);
    expect(decoded.calls[1]!.args).toEqual({});
  });

  it('frames a payload encoded ahead (a published source) to the same bytes as one encoded in its tick', () => {
    const { records, codec } = goldenRun();
    let encodedAheadOnce = false;
    fc.assert(
      fc.property(
        fc.string({ maxLength: 3000, unit: 'binary' }),
        fc.nat(3),
        fc.boolean(),
        (source, at, both) => {
          const first = records[0]!;
          const calls = first.calls;
          const payload = { hash: 'ab'.repeat(32), source };
          const second = { hash: 'cd'.repeat(32), source: source.slice(1) };
          const record = (p: object, q: object): TickRecord => ({
            ...first,
            calls: [
              ...calls.slice(0, at),
              { ...first.calls[0]!, reducer: '__publish', args: p },
              ...(both ? [{ ...first.calls[0]!, reducer: '__publish', args: q }] : []),
              ...calls.slice(at),
            ] as CallRecord[],
          });
          const plain = codec.encodeFramed(record({ ...payload }, { ...second })).slice();
          encodeSystemPayloadAhead(payload);
          encodeSystemPayloadAhead(second);
          expect(Object.isFrozen(payload)).toBe(true);
          const framed = codec.encodeFramed(record(payload, second)).slice();
          expect(hex(framed)).toBe(hex(plain));
          // The frame check passes, and the payload decodes back.
          const tick = records[0]!.tick;
          const scan = scanSegment(Buffer.concat([encodeSegmentHeader(tick), framed]), {
            nameTick: tick,
            isLast: true,
          });
          expect(scan.problem).toBeUndefined();
          const decoded = codec.decode(framed.slice(8)).calls.find((c) => c.reducer === '__publish')!;
          expect(decoded.args).toEqual(payload);
          encodedAheadOnce ||= source.length > 0;
        },
      ),
      { numRuns: 60 },
    );
    expect(encodedAheadOnce).toBe(true);
  });

  it('refuses a payload that is not a JSON object, naming the call', () => {
    const { records, codec } = goldenRun();
    // Tick 1's first call is `__init`: give it a payload, then damage the payload's bytes in place.
    const bad: TickRecord = {
      ...records[0]!,
      calls: records[0]!.calls.map((c, i) => (i === 0 ? { ...c, args: { x: 1 } } : c)),
    };
    const framed = codec.encodeFramed(bad).slice(8);
    const at = Buffer.from(framed).indexOf(Buffer.from('{"x":1}'));
    expect(at).toBeGreaterThan(0);
    const broken = framed.slice();
    broken.set(Buffer.from('[1,2]'), at);
    broken.set(Buffer.from('  '), at + 5);
    expect(() => codec.decode(broken)).toThrow(
      /call 0: log: the payload of system call '__init' is not a JSON object/,
    );
    broken.set(Buffer.from('{"x":'), at);
    expect(() => codec.decode(broken)).toThrow(/call 0: .*'__init' is not UTF-8 JSON/);
  });
});

describe('record codec round trip', () => {
  it('decode(encode(record)) keeps every call and change (deletes as their key)', () => {
    const engine = createEngine({ module: kindsModule });
    const codec = createRecordCodec(logSchemaOf(engine));
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.double({ noNaN: true }),
        fc.array(call, { minLength: 1, maxLength: 5 }),
        fc.array(change, { maxLength: 8 }),
        fc.stringMatching(/^[0-9a-f]{16}$/),
        (tick, now, calls, changes, stateHash) => {
          const callRecords: CallRecord[] = calls.map((c) => ({
            ...c,
            reducer: c.origin === 2 ? '__sys' : 'put',
            args: c.origin === 2 ? {} : c.args,
          }));
          const ops: ChangeOp[] = changes.map((c, i) => ({
            tableId: c.tableId,
            kind: c.kind,
            callIndex: i % callRecords.length,
            oldRow: c.kind === 0 ? undefined : c.row,
            newRow: c.kind === 2 ? undefined : c.row,
            pos: -1,
            prevAutoInc: 0,
          }));
          const record: TickRecord = {
            tick: tick + 1,
            now,
            calls: callRecords,
            changes: ops,
            stateHash,
            durationMs: 0,
          };
          const framed = codec.encodeFramed(record).slice();
          const scan = scanSegment(Buffer.concat([encodeSegmentHeader(tick + 1), framed]), {
            nameTick: tick + 1,
            isLast: true,
          });
          expect(scan.problem).toBeUndefined();
          const back = codec.decode(framed.subarray(8));
          // The recovery path reads Buffers from disk (native slices): it must decode the same values.
          expect(codec.decode(Buffer.from(framed).subarray(8))).toEqual(back);
          expect(back.tick).toBe(tick + 1);
          expect(Object.is(back.now, now)).toBe(true);
          expect(back.stateHash).toBe(stateHash);
          expect(back.calls.map((c) => ({ ...c, argsBytes: undefined }))).toEqual(
            callRecords.map((c) => ({ ...c, argsBytes: undefined })),
          );
          expect(back.changes.length).toBe(ops.length);
          for (let i = 0; i < ops.length; i++) {
            const want = ops[i]!;
            const got = back.changes[i]!;
            expect([got.tableId, got.kind, got.callIndex]).toEqual([want.tableId, want.kind, want.callIndex]);
            if (want.kind === OP.DELETE) {
              const key =
                want.tableId === 0 ? { id: want.oldRow!.id } : { x: want.oldRow!.x, y: want.oldRow!.y };
              expect(got.oldRow).toEqual(key);
            } else expect(got.newRow).toEqual(want.newRow);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Tick 1 of the forge below: `__init`, then craft (returns 1), label 1 ('axe'), label 9 (none). */
const GOLDEN_RETURNS =
  '9b000000fbaac31c01000000000000494024f1f74434248dad0000803e790000000402065f5f696e69740000000000000000000000000000000000000000056372616674abababababababababababababababab00040361786502020100056c6162656cabababababababababababababababab000101020e0b010361786500056c6162656cabababababababababababababababab00010900010000010103617865';

describe('return values in the log', () => {
  const s = createSchema({
    item: table({ public: true }, { id: t.u32().primaryKey().autoInc(), kind: t.string() }),
  });
  const forge = defineModule(s, {
    reducers: [
      s.reducer('craft', { kind: t.string() }, (ctx, { kind }) => ctx.db.item.insert({ kind }).id, {
        returns: t.u32(),
      }),
      s.reducer('label', { id: t.u32() }, (ctx, { id }) => ctx.db.item.find(id)?.kind, {
        returns: t.optional(t.string()),
      }),
    ],
  });
  const smith = toIdentity('ab'.repeat(16));

  it("logs a call's value as result tag 2 with its kind, pinned byte for byte, and decodes it back", () => {
    const engine = createEngine({ module: forge, seed: 'golden', tickMs: 50 });
    const records: TickRecord[] = [];
    engine.onCommit((r) => void records.push({ ...r, durationMs: 0.25 }));
    engine.enqueue(smith, 'craft', { kind: 'axe' });
    engine.enqueue(smith, 'label', { id: 1 });
    engine.enqueue(smith, 'label', { id: 9 });
    engine.runTick();
    const codec = createRecordCodec(logSchemaOf(engine));
    const framed = codec.encodeFramed(records[0]!);
    // craft: tag 2, kind u32 (02), 1; label 1: tag 2, optional (0e) of string (0b), present, 'axe';
    // label 9 returned undefined, which is no value: tag 0, as a reducer without `returns`.
    const calls = hex(framed);
    expect(calls).toBe(GOLDEN_RETURNS);
    expect(calls).toContain('02' + '02' + '01');
    expect(calls).toContain('02' + '0e0b' + '01' + '03617865');
    expect(calls).toContain('0109' + '00' + '01');
    const decoded = codec.decode(framed.slice(8));
    expect(decoded.calls.filter((c) => c.origin === 0).map((c) => c.result)).toEqual([
      { ok: true, value: 1, returns: { name: 'return value', kind: 'u32' } },
      { ok: true, value: 'axe', returns: expect.objectContaining({ kind: 'optional' }) as unknown },
      { ok: true },
    ]);
    // An unknown result tag is refused rather than read as a value.
    const bad = framed.slice(8);
    const at = Buffer.from(bad).indexOf(Buffer.from('020e0b01', 'hex'));
    bad[at] = 3;
    expect(() => codec.decode(bad)).toThrow(/call 2 has unknown result tag 3/);
  });
});
