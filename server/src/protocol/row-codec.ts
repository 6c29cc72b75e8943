import { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { INTEGER_RANGES, type ColumnShape } from './column-kinds';

/** Encodes and decodes rows of one table (or one reducer's arguments) with no field names. */
export interface RowCodec {
  readonly columns: readonly ColumnShape[];
  encode(writer: BinaryWriter, row: Readonly<Record<string, unknown>>): void;
  decode(reader: BinaryReader): Record<string, unknown>;
}

type Enc = (w: BinaryWriter, v: unknown) => void;
type Dec = (r: BinaryReader) => unknown;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

function writeIdentity(w: BinaryWriter, v: unknown): void {
  const s = v as string;
  for (let i = 0; i < 32; i += 2) w.u8((HEX_VALUE[s.charCodeAt(i)]! << 4) | HEX_VALUE[s.charCodeAt(i + 1)]!);
}

function readIdentity(r: BinaryReader): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += HEX[r.u8()];
  return s;
}

function encoderFor(shape: ColumnShape): Enc {
  switch (shape.kind) {
    case 'u8':
    case 'u16':
    case 'u32':
      return (w, v) => w.uvar(v as number);
    case 'i8':
    case 'i16':
    case 'i32':
      return (w, v) => w.svar(v as number);
    case 'u64':
      return (w, v) => w.ubig(v as bigint);
    case 'i64':
      return (w, v) => w.sbig(v as bigint);
    case 'f32':
      return (w, v) => w.f32(v as number);
    case 'f64':
      return (w, v) => w.f64(v as number);
    case 'bool':
      return (w, v) => w.u8(v ? 1 : 0);
    case 'string':
      return (w, v) => w.string(v as string);
    case 'bytes':
      return (w, v) => w.bytes(v as Uint8Array);
    case 'identity':
      return writeIdentity;
    case 'optional': {
      const inner = encoderFor(shape.inner!);
      return (w, v) => {
        if (v === undefined) w.u8(0);
        else {
          w.u8(1);
          inner(w, v);
        }
      };
    }
  }
}

const INT_LIMITS = INTEGER_RANGES;

function decoderFor(shape: ColumnShape): Dec {
  const limits = INT_LIMITS[shape.kind];
  switch (shape.kind) {
    case 'u8':
    case 'u16':
    case 'u32':
      return (r) => {
        const v = r.uvar();
        if (v > limits![1]) r.fail(`${shape.kind} '${shape.name}' out of range (${v})`);
        return v;
      };
    case 'i8':
    case 'i16':
    case 'i32':
      return (r) => {
        const v = r.svar();
        if (v < limits![0] || v > limits![1]) r.fail(`${shape.kind} '${shape.name}' out of range (${v})`);
        return v;
      };
    case 'u64':
      return (r) => r.ubig();
    case 'i64':
      return (r) => {
        const v = r.sbig();
        if (v < -(1n << 63n) || v >= 1n << 63n) r.fail(`i64 '${shape.name}' out of range`);
        return v;
      };
    // Any bit pattern reads as a number; NaN and the infinities are no value of either kind.
    case 'f32':
      return (r) => {
        const v = r.f32();
        if (v - v !== 0) r.fail(`f32 '${shape.name}' is not finite (${v})`);
        return v;
      };
    case 'f64':
      return (r) => {
        const v = r.f64();
        if (v - v !== 0) r.fail(`f64 '${shape.name}' is not finite (${v})`);
        return v;
      };
    case 'bool':
      return (r) => {
        const b = r.u8();
        if (b > 1) r.fail(`bool '${shape.name}' must be 0 or 1, got ${b}`);
        return b === 1;
      };
    case 'string':
      return (r) => r.string();
    case 'bytes':
      return (r) => r.bytes();
    case 'identity':
      return readIdentity;
    case 'optional': {
      const inner = decoderFor(shape.inner!);
      return (r) => {
        const tag = r.u8();
        if (tag === 0) return undefined;
        if (tag !== 1) r.fail(`optional '${shape.name}' tag must be 0 or 1, got ${tag}`);
        return inner(r);
      };
    }
  }
}

/**
 * Compiles a codec for a list of columns once (per table, per reducer). Values are written in
 * column order: unsigned integers as varints, signed as zigzag varints, floats as declared,
 * strings and bytes length-prefixed, identities as 16 raw bytes, optionals behind a 0/1 tag.
 * Decoding checks ranges and finiteness, so a hostile frame cannot produce an out-of-type value:
 * a decoded object is exactly what the argument validator would return for it.
 */
export function compileRowCodec(columns: readonly ColumnShape[]): RowCodec {
  const names = columns.map((c) => c.name);
  const encs = columns.map(encoderFor);
  const decs = columns.map(decoderFor);
  const n = columns.length;
  return {
    columns,
    encode(writer, row) {
      for (let i = 0; i < n; i++) encs[i]!(writer, row[names[i]!]);
    },
    decode(reader) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) out[names[i]!] = decs[i]!(reader);
      return out;
    },
  };
}

/** Encodes one value of a column kind (used for keys on the wire and in the log). */
export function compileValueCodec(shape: ColumnShape): { encode: Enc; decode: Dec } {
  return { encode: encoderFor(shape), decode: decoderFor(shape) };
}

export { BinaryReader };
