import { describe, expect, it } from 'vitest';
import {
  BinaryReader,
  BinaryWriter,
  CLIENT_MESSAGE,
  compileValueCodec,
  compileWireSchema,
  decodeClientMessage,
  encodeCall,
  TickspaceError,
  type ColumnKind,
} from '../../src/protocol';

/**
 * The decoder is the only check between a hostile frame and a typed value: the engine's own argument check
 * runs later and would hide a decoder that accepted too wide a range, so these cases call the codec alone.
 */
const NUMBER_RANGES = [
  { kind: 'u8', min: 0, max: 0xff },
  { kind: 'u16', min: 0, max: 0xffff },
  { kind: 'u32', min: 0, max: 0xffffffff },
  { kind: 'i8', min: -0x80, max: 0x7f },
  { kind: 'i16', min: -0x8000, max: 0x7fff },
  { kind: 'i32', min: -0x80000000, max: 0x7fffffff },
] as const satisfies readonly { kind: ColumnKind; min: number; max: number }[];

const BIGINT_RANGES = [
  { kind: 'u64', min: 0n, max: (1n << 64n) - 1n },
  { kind: 'i64', min: -(1n << 63n), max: (1n << 63n) - 1n },
] as const satisfies readonly { kind: ColumnKind; min: bigint; max: bigint }[];

const signed = (kind: ColumnKind) => kind.startsWith('i');

/** The error a decode threw, so its code and message can both be checked. */
function decodeError(decode: () => unknown): TickspaceError {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(TickspaceError);
    return error as TickspaceError;
  }
  throw new Error('decode accepted an out-of-range value');
}

describe('integer decode ranges', () => {
  for (const { kind, min, max } of NUMBER_RANGES) {
    const codec = compileValueCodec({ name: 'n', kind });
    /** The bytes of `value` as this kind's wire form (varint or zigzag varint), range unchecked. */
    const wire = (value: number) => {
      const w = new BinaryWriter(1);
      if (signed(kind)) w.svar(value);
      else w.uvar(value);
      return w.toBytes();
    };

    it(`${kind} decodes ${min} and ${max} and refuses one past either end, naming kind, column, value and offset`, () => {
      for (const v of [min, min + 1, max - 1, max]) {
        const w = new BinaryWriter(1);
        codec.encode(w, v);
        const r = new BinaryReader(w.toBytes());
        expect(codec.decode(r)).toBe(v);
        expect(r.remaining).toBe(0);
      }
      // Below an unsigned kind's zero there is no varint to send; a signed kind's min - 1 is one.
      const outside = signed(kind)
        ? [min - 1, max + 1, 2 * max + 1, -(2 ** 52)]
        : [max + 1, 2 * max + 1, Number.MAX_SAFE_INTEGER];
      for (const v of outside) {
        const bytes = wire(v);
        const error = decodeError(() => codec.decode(new BinaryReader(bytes)));
        expect(error.code).toBe('MALFORMED_FRAME');
        expect(error.message).toBe(`${kind} 'n' out of range (${v}) at byte ${bytes.length}`);
      }
    });
  }

  for (const { kind, min, max } of BIGINT_RANGES) {
    const codec = compileValueCodec({ name: 'n', kind });
    it(`${kind} decodes ${min} and ${max}; a varint past 64 bits is refused`, () => {
      for (const v of [min, min + 1n, max - 1n, max]) {
        const w = new BinaryWriter(1);
        codec.encode(w, v);
        expect(codec.decode(new BinaryReader(w.toBytes()))).toBe(v);
      }
      // u64 max + 1, and i64 min - 1 / max + 1 (zigzag 2^64 + 1 and 2^64), need a 65-bit varint.
      const outside = kind === 'u64' ? [max + 1n] : [min - 1n, max + 1n];
      for (const v of outside) {
        const w = new BinaryWriter(1);
        if (kind === 'u64') w.ubig(v);
        else w.sbig(v);
        const error = decodeError(() => codec.decode(new BinaryReader(w.toBytes())));
        expect(error.code).toBe('MALFORMED_FRAME');
        expect(error.message).toMatch(/varint exceeds 2\^64 at byte \d+/);
      }
    });
  }

  it('a call frame whose integer argument is one past its range is refused before any reducer sees it', () => {
    const schema = compileWireSchema({
      tables: [],
      reducers: [{ id: 0, name: 'set', args: NUMBER_RANGES.map(({ kind }) => ({ name: kind, kind })) }],
    });
    const inRange = Object.fromEntries(NUMBER_RANGES.map(({ kind, max }) => [kind, max]));
    expect(decodeClientMessage(encodeCall(schema, 7, 'set', inRange), schema)).toEqual({
      type: 'call',
      requestId: 7,
      reducerId: 0,
      args: inRange,
    });
    for (const { kind, min, max } of NUMBER_RANGES) {
      for (const v of signed(kind) ? [min - 1, max + 1] : [max + 1]) {
        // A hostile client's frame: the SDK's encodeCall would refuse the value before encoding it.
        const w = new BinaryWriter().u8(CLIENT_MESSAGE.CALL).uvar(7).uvar(0);
        schema.reducer(0)!.args.encode(w, { ...inRange, [kind]: v });
        const frame = w.toBytes();
        const error = decodeError(() => decodeClientMessage(frame, schema));
        expect(error.code).toBe('INVALID_ARGUMENT');
        expect(error.message).toMatch(
          new RegExp(
            `^reducer 'set': arguments do not decode: ${kind} '${kind}' out of range \\(${v}\\) at byte \\d+$`,
          ),
        );
        expect((error.cause as TickspaceError).code).toBe('MALFORMED_FRAME');
      }
    }
  });
});
