import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BinaryWriter,
  CLIENT_MESSAGE,
  compileRowCodec,
  compileWireSchema,
  decodeClientMessage,
  TickspaceError,
  type ColumnShape,
} from '../../src/protocol';

/**
 * The session queues a decoded call without validating it again, so the argument decoder has to
 * be the validator: whatever it returns is exactly what the validator would return for that
 * object (f32 already single precision, integer -0 as 0, bigints in range, identities in lowercase
 * hex, an absent optional as an own `undefined`), and every valid value survives the wire as the
 * validator's canonical form.
 */
const ARGS: readonly ColumnShape[] = [
  { name: 'a_u8', kind: 'u8' },
  { name: 'a_u16', kind: 'u16' },
  { name: 'a_u32', kind: 'u32' },
  { name: 'a_i8', kind: 'i8' },
  { name: 'a_i16', kind: 'i16' },
  { name: 'a_i32', kind: 'i32' },
  { name: 'a_u64', kind: 'u64' },
  { name: 'a_i64', kind: 'i64' },
  { name: 'a_f32', kind: 'f32' },
  { name: 'a_f64', kind: 'f64' },
  { name: 'a_bool', kind: 'bool' },
  { name: 'a_string', kind: 'string' },
  { name: 'a_bytes', kind: 'bytes' },
  { name: 'a_identity', kind: 'identity' },
  { name: 'o_f32', kind: 'optional', inner: { name: 'o_f32', kind: 'f32' } },
  { name: 'o_i32', kind: 'optional', inner: { name: 'o_i32', kind: 'i32' } },
  { name: 'o_i64', kind: 'optional', inner: { name: 'o_i64', kind: 'i64' } },
  { name: 'o_identity', kind: 'optional', inner: { name: 'o_identity', kind: 'identity' } },
];
const wire = compileWireSchema({ tables: [], reducers: [{ id: 0, name: 'everything', args: ARGS }] });
const reducer = wire.reducer(0)!;

/**
 * Values that fit each kind, edges and -0 included. Strings are well-formed UTF-16: the validator
 * accepts a lone surrogate, which UTF-8 cannot carry (the wire and the log turn it into U+FFFD), so
 * for those the round trip does not hold; the decoder never produces one.
 */
function fitting(shape: ColumnShape): fc.Arbitrary<unknown> {
  const edges = (min: number, max: number) =>
    fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max, 0, -0));
  switch (shape.kind) {
    case 'u8':
      return edges(0, 0xff);
    case 'u16':
      return edges(0, 0xffff);
    case 'u32':
      return edges(0, 0xffffffff);
    case 'i8':
      return edges(-0x80, 0x7f);
    case 'i16':
      return edges(-0x8000, 0x7fff);
    case 'i32':
      return edges(-0x80000000, 0x7fffffff);
    case 'u64':
      return fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(0n, (1n << 64n) - 1n));
    case 'i64':
      return fc.oneof(
        fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
        fc.constantFrom(-(1n << 63n), (1n << 63n) - 1n, 0n),
      );
    case 'f32':
      // Doubles that are not single precision: the validator rounds them, so must the wire.
      return fc.oneof(
        fc.double({ noNaN: true, min: -3.4028234663852886e38, max: 3.4028234663852886e38 }),
        fc.constantFrom(-0, 3.4028234663852886e38, -3.4028234663852886e38, 1e-46, 0.1),
      );
    case 'f64':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 5e-324));
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 });
    case 'bytes':
      return fc.uint8Array({ maxLength: 8 });
    case 'identity':
      return fc.stringMatching(/^[0-9a-f]{32}$/);
    case 'optional':
      return fc.option(fitting(shape.inner!), { nil: undefined, freq: 3 });
  }
}

const validArgs = fc.record(Object.fromEntries(ARGS.map((a) => [a.name, fitting(a)])), {
  // An optional may be left out altogether: the validator still returns it as an own undefined.
  requiredKeys: ARGS.filter((a) => a.kind !== 'optional').map((a) => a.name),
});

function callFrame(writeArgs: (w: BinaryWriter) => void): Uint8Array {
  const w = new BinaryWriter(64).u8(CLIENT_MESSAGE.CALL).uvar(1).uvar(0);
  writeArgs(w);
  return w.toBytes();
}

/** The decoded arguments of a CALL frame, or undefined if the decoder refused it. */
function decodedArgs(frame: Uint8Array): Record<string, unknown> | undefined {
  try {
    const msg = decodeClientMessage(frame, wire);
    if (msg.type !== 'call') throw new Error(`decoded a ${msg.type}`);
    return msg.args;
  } catch (error) {
    expect(error).toBeInstanceOf(TickspaceError);
    expect((error as TickspaceError).code).toBe('INVALID_ARGUMENT');
    return undefined;
  }
}

/** toStrictEqual plus Object.is per argument: -0 and 0 must not pass for each other. */
function expectSame(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
  expect(actual).toStrictEqual(expected);
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const key of Object.keys(expected))
    if (typeof expected[key] === 'number') expect(Object.is(actual[key], expected[key]), key).toBe(true);
}

/**
 * Wire bytes for one argument: mostly a valid value's encoding (so that whole frames still decode
 * often), otherwise raw bytes: arbitrary float bit patterns (NaN, infinities, denormals), varints
 * beyond the kind's range, bool and optional tags past 1, invalid UTF-8.
 */
function hostile(shape: ColumnShape): fc.Arbitrary<(w: BinaryWriter) => void> {
  const codec = compileRowCodec([shape]);
  const valid = fitting(shape).map((v) => (w: BinaryWriter) => codec.encode(w, { [shape.name]: v }));
  return fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: rawBytes(shape), weight: 1 });
}

function rawBytes(shape: ColumnShape): fc.Arbitrary<(w: BinaryWriter) => void> {
  const bytes = (n: number) =>
    fc.uint8Array({ minLength: n, maxLength: n }).map((b) => (w: BinaryWriter) => {
      for (const x of b) w.u8(x);
    });
  const f32Specials = fc
    .constantFrom(NaN, Infinity, -Infinity, -0, 3.4028234663852886e38)
    .map((v) => (w: BinaryWriter) => void w.f32(v));
  const f64Specials = fc
    .constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_VALUE)
    .map((v) => (w: BinaryWriter) => void w.f64(v));
  switch (shape.kind) {
    case 'u8':
    case 'u16':
    case 'u32':
      return fc
        .oneof(fc.integer({ min: 0, max: 0x1_0000_0001 }), fc.constantFrom(0x100, 0x10000, 2 ** 32))
        .map((v) => (w) => void w.uvar(v));
    case 'i8':
    case 'i16':
    case 'i32':
      return fc
        .oneof(fc.integer({ min: -(2 ** 32), max: 2 ** 32 }), fc.constantFrom(-0x81, 0x80, 2 ** 31))
        .map((v) => (w) => void w.svar(v));
    case 'u64':
      return fc.bigInt({ min: 0n, max: (1n << 66n) - 1n }).map((v) => (w) => void w.ubig(v));
    case 'i64':
      return fc.bigInt({ min: -(1n << 65n), max: 1n << 65n }).map((v) => (w) => void w.sbig(v));
    case 'f32':
      return fc.oneof(bytes(4), f32Specials);
    case 'f64':
      return fc.oneof(bytes(8), f64Specials);
    case 'bool':
      return fc.integer({ min: 0, max: 2 }).map((v) => (w) => void w.u8(v));
    case 'string':
    case 'bytes':
      return fc.uint8Array({ maxLength: 6 }).map((b) => (w) => {
        w.uvar(b.length);
        for (const x of b) w.u8(x);
      });
    case 'identity':
      return bytes(16);
    case 'optional':
      return fc.oneof(
        fc.constant((w: BinaryWriter) => void w.u8(0)),
        hostile(shape.inner!).map((inner) => (w: BinaryWriter) => {
          w.u8(1);
          inner(w);
        }),
        fc.constant((w: BinaryWriter) => void w.u8(2)),
      );
  }
}

describe('call arguments: the decoder returns exactly what the validator would', () => {
  it('decode(encode(x)) is validate(x) for every valid x: same keys, same values, -0 as 0, f32 rounded', () => {
    fc.assert(
      fc.property(validArgs, (args) => {
        const expected = reducer.validate(args);
        const decoded = decodedArgs(callFrame((w) => reducer.args.encode(w, args)));
        expect(decoded).toBeDefined();
        expectSame(decoded!, expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('whatever the decoder accepts from hostile bytes, the validator accepts unchanged (so no second validation is needed)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.tuple(...ARGS.map(hostile)), (writers) => {
        const decoded = decodedArgs(callFrame((w) => writers.forEach((write) => write(w))));
        if (decoded === undefined) {
          refused++;
          return;
        }
        accepted++;
        expectSame(reducer.validate(decoded), decoded);
      }),
      { numRuns: 4000 },
    );
    // Both sides ran: a property over refusals only would say nothing.
    expect(accepted).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(50);
  });

  it('refuses a non-finite float on the wire, naming the argument, as the validator refuses it in memory', () => {
    const valid = {
      ...Object.fromEntries(ARGS.map((a) => [a.name, undefined])),
      a_u8: 0,
      a_u16: 0,
      a_u32: 0,
      a_i8: 0,
      a_i16: 0,
      a_i32: 0,
      a_u64: 0n,
      a_i64: 0n,
      a_f32: 0,
      a_f64: 0,
      a_bool: false,
      a_string: '',
      a_bytes: new Uint8Array(0),
      a_identity: '0'.repeat(32),
    };
    for (const [name, value] of [
      ['a_f32', NaN],
      ['a_f32', Infinity],
      ['a_f64', -Infinity],
      ['a_f64', NaN],
      ['o_f32', NaN],
    ] as const) {
      expect(() => reducer.validate({ ...valid, [name]: value })).toThrow(`argument '${name}'`);
      const frame = callFrame((w) => reducer.args.encode(w, { ...valid, [name]: value }));
      expect(() => decodeClientMessage(frame, wire)).toThrow(
        new RegExp(`^reducer 'everything': arguments do not decode: f(32|64) '${name}' is not finite`),
      );
    }
  });
});
