import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BinaryReader,
  BinaryWriter,
  decodeClientMessage,
  decodeServerMessage,
  encodeCall,
  encodeSubscribe,
  TickspaceError,
  type Query,
} from '../../src/protocol';
import { compileUpdateCodec } from '../../src/protocol/update-codec';
import { collectingVisitor, schema } from './protocol-fixture';

const f32 = fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround);
const identity = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex'));
const entity = fc.record({
  id: fc.nat({ max: 0xffffffff }),
  x: f32,
  y: f32,
  hp: fc.nat({ max: 0xffff }),
  alive: fc.boolean(),
  tag: fc.option(fc.string(), { nil: undefined }),
});
const member = fc.record({
  group: fc.nat({ max: 0xffff }),
  who: identity,
  role: fc.string(),
  since: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
});

describe('codec round trips', () => {
  it('update bodies of tables from 1 to 48 non-key columns round-trip, and a mask bit past the last column is refused', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 48 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n }),
              fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n }),
            ),
          ),
        ([n, a, b]) => {
          const columns = [
            { name: 'id', kind: 'u32' as const },
            ...a.map((_, i) => ({ name: `c${i}`, kind: 'i32' as const })),
          ];
          const codec = compileUpdateCodec(columns, [0]);
          const row = (vals: number[]) =>
            Object.fromEntries([['id', 1], ...vals.map((v, i) => [`c${i}`, v])]);
          const w = new BinaryWriter(16);
          const wrote = codec.encode(w, row(a), row(b));
          const bytes = w.toBytes();
          if (!wrote) {
            // Nothing changed (rare: equal draws). A returned assertion would read as a verdict to fast-check.
            expect(b).toEqual(a);
            return;
          }
          expect(codec.decode(new BinaryReader(bytes), row(a))).toEqual(row(b));
          // Skipping (no cached row) reads exactly the same bytes.
          const skip = new BinaryReader(bytes);
          expect(codec.decode(skip, undefined)).toBeUndefined();
          expect(skip.remaining).toBe(0);
          // Set the first mask bit past the last column: the frame is refused, not misread.
          const maskBytes = Math.ceil(n / 8);
          if (n % 8 === 0) return;
          const bad = Uint8Array.from(bytes);
          bad[maskBytes - 1]! |= 1 << (n % 8);
          expect(() => codec.decode(new BinaryReader(bad), row(a))).toThrow(
            /update mask names a column the table does not have/,
          );
        },
      ),
    );
  });

  it('decode(encode(row)) equals the row', () => {
    const t = schema.tableByName('entity')!;
    const m = schema.tableByName('member')!;
    fc.assert(
      fc.property(entity, member, (e, mb) => {
        const w = new BinaryWriter(16);
        t.row.encode(w, e);
        m.row.encode(w, mb);
        const r = new BinaryReader(w.toBytes());
        expect(t.row.decode(r)).toEqual(e);
        expect(m.row.decode(r)).toEqual(mb);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('an update body applied to the old row gives the new row, and a no-op writes nothing', () => {
    const t = schema.tableByName('entity')!;
    const m = schema.tableByName('member')!;
    fc.assert(
      fc.property(entity, entity, member, member, (a, b, ma, mb) => {
        const next = { ...b, id: a.id };
        const w = new BinaryWriter(16);
        const wrote = t.update.encode(w, a, next);
        const r = new BinaryReader(w.toBytes());
        if (wrote) expect(t.update.decode(r, a)).toEqual(next);
        else expect(next).toEqual(a);
        expect(r.remaining).toBe(0);
        const mNext = { ...mb, group: ma.group, who: ma.who };
        const w2 = new BinaryWriter(16);
        if (m.update.encode(w2, ma, mNext))
          expect(m.update.decode(new BinaryReader(w2.toBytes()), ma)).toEqual(mNext);
        const w3 = new BinaryWriter(16);
        expect(t.update.encode(w3, a, { ...a })).toBe(false);
        expect(w3.length).toBe(0);
      }),
    );
  });

  it('queries and calls survive the wire', () => {
    const query: fc.Arbitrary<Query> = fc.oneof(
      fc.constant({ table: 'entity' }),
      fc.string().map((role) => ({ table: 'member', where: { index: 'role', value: role } })),
      fc
        .tuple(f32, f32, f32, f32)
        .map(([a, b, c, d]) => ({ table: 'entity', rect: { minX: a, minY: b, maxX: c, maxY: d } })),
      fc
        .tuple(f32, f32, f32, f32)
        .map(([x, y, r, e]) => ({ table: 'entity', near: { x, y, radius: r, exitRadius: e } })),
      fc.tuple(fc.nat({ max: 0xffffffff }), f32, f32).map(([key, r, e]) => ({
        table: 'entity',
        follow: { table: 'entity', key, radius: r, exitRadius: e },
      })),
      fc.tuple(fc.nat({ max: 0xffffffff }), f32, f32, f32).map(([key, r, e, step]) => ({
        table: 'entity',
        follow: { table: 'entity', key, radius: r, exitRadius: e, step },
      })),
    );
    fc.assert(
      fc.property(fc.nat(), query, f32, f32, (id, q, dx, dy) => {
        expect(decodeClientMessage(encodeSubscribe(schema, id, q), schema)).toEqual({
          type: 'subscribe',
          queryId: id,
          query: q,
        });
        expect(decodeClientMessage(encodeCall(schema, id, 'move', { dx, dy }), schema)).toEqual({
          type: 'call',
          requestId: id,
          reducerId: 0,
          args: { dx, dy },
        });
      }),
    );
  });
});

describe('bad input', () => {
  const onlyTickspaceErrors = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(TickspaceError);
      expect([
        'MALFORMED_FRAME',
        'UNKNOWN_REDUCER',
        'UNKNOWN_TABLE',
        'UNKNOWN_INDEX',
        'INVALID_ARGUMENT',
      ]).toContain((error as TickspaceError).code);
    }
  };

  it('random bytes never make a decoder throw anything but a TickspaceError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 5 }), (bytes, tag) => {
        const client = new Uint8Array([tag, ...bytes]);
        onlyTickspaceErrors(() => decodeClientMessage(client, schema));
        const server = new Uint8Array([0x80 + tag, ...bytes]);
        onlyTickspaceErrors(() => decodeServerMessage(server, schema, collectingVisitor().visitor));
        onlyTickspaceErrors(() => decodeServerMessage(bytes, schema, collectingVisitor().visitor));
      }),
      { numRuns: 1000 },
    );
  });

  it('every strict prefix of a valid frame is refused with MALFORMED_FRAME naming the offset', () => {
    const frame = encodeCall(schema, 70000, 'chat', { text: 'hello there', at: -99n, to: 'ab'.repeat(16) });
    for (let n = 0; n < frame.length; n++) {
      const err = (() => {
        try {
          decodeClientMessage(frame.subarray(0, n), schema);
        } catch (e) {
          return e;
        }
      })();
      expect(err, `prefix of ${n} bytes`).toBeInstanceOf(TickspaceError);
      expect((err as TickspaceError).message).toMatch(/at byte \d+/);
    }
    expect(() => decodeClientMessage(new Uint8Array([...frame, 0]), schema)).toThrow(/trailing/);
  });

  it('out-of-range values, bad tags and lying counts are refused', () => {
    // A call to 'move' carrying one of its two f32 arguments (integer ranges: integer-ranges.test.ts).
    const w = new BinaryWriter().u8(2).uvar(1).uvar(0);
    w.f32(1);
    expect(() => decodeClientMessage(w.toBytes(), schema)).toThrow(
      /reducer 'move': arguments do not decode: needs 4 more byte\(s\), 0 left at byte 7/,
    );
    expect(() => decodeClientMessage(new Uint8Array([3, 1, 9, 0]), schema)).toThrow(/unknown query kind/);
    // The level-of-detail bit on a kind that does not exist, and a level of detail cut short.
    expect(() => decodeClientMessage(new Uint8Array([3, 1, 0x49, 0]), schema)).toThrow(
      /unknown query kind 73/,
    );
    // The kind's own flag (0x20) on a kind that has none, and a follow's step cut short.
    expect(() => decodeClientMessage(new Uint8Array([3, 1, 0x23, 0]), schema)).toThrow(
      /query kind 'near' has no flags \(tag byte 35\)/,
    );
    const stepped = new BinaryWriter().u8(3).uvar(1).u8(0x24).uvar(0).uvar(0).uvar(7).f64(5).f64(6);
    expect(() => decodeClientMessage(stepped.toBytes(), schema)).toThrow(/needs 8 more byte\(s\), 0 left/);
    expect(decodeClientMessage(stepped.f64(1.5).toBytes(), schema)).toMatchObject({
      query: { follow: { table: 'entity', key: 7, radius: 5, exitRadius: 6, step: 1.5 } },
    });
    const lod = new BinaryWriter().u8(3).uvar(1).u8(0x43).uvar(0).f64(0).f64(0).f64(5).f64(5).f64(2);
    expect(() => decodeClientMessage(lod.toBytes(), schema)).toThrow(
      /needs 1 more byte\(s\), 0 left at byte 44/,
    );
    expect(decodeClientMessage(lod.uvar(4).toBytes(), schema)).toMatchObject({
      query: { near: { x: 0, y: 0, radius: 5, exitRadius: 5 }, lod: { radius: 2, every: 4 } },
    });
    // A range query on index 0 whose bounds byte claims a third bound.
    expect(() => decodeClientMessage(new Uint8Array([3, 1, 5, 0, 0, 4]), schema)).toThrow(
      /range bounds byte 4 is not 0 to 3/,
    );
    expect(() => decodeClientMessage(new Uint8Array([3, 1, 0, 1]), schema)).toThrow(
      /no public table with id 1/,
    );
    expect(() => decodeClientMessage(new Uint8Array([2, 1, 1]), schema)).toThrow(/no reducer with id 1/);
    // A tick update claiming 200 tables in 3 bytes.
    expect(() =>
      decodeServerMessage(new Uint8Array([0x84, 1, 200, 1]), schema, collectingVisitor().visitor),
    ).toThrow(/count 200 exceeds/);
  });
});
