import { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { shapeDecoder, shapeEncoder, type ColumnShape } from './column-kinds';

/** Encodes and decodes rows of one table (or one reducer's arguments) with no field names. */
export interface RowCodec {
  readonly columns: readonly ColumnShape[];
  encode(writer: BinaryWriter, row: Readonly<Record<string, unknown>>): void;
  decode(reader: BinaryReader): Record<string, unknown>;
}

type Enc = (w: BinaryWriter, v: unknown) => void;
type Dec = (r: BinaryReader) => unknown;

/**
 * Compiles a codec for a list of columns once (per table, per reducer). Values are written in
 * column order: unsigned integers as varints, signed as zigzag varints, floats as declared,
 * strings and bytes length-prefixed, identities as 16 raw bytes, optionals behind a 0/1 tag.
 * Decoding checks ranges and finiteness, so a hostile frame cannot produce an out-of-type value:
 * a decoded object is exactly what the argument validator would return for it.
 */
export function compileRowCodec(columns: readonly ColumnShape[]): RowCodec {
  const names = columns.map((c) => c.name);
  const encs = columns.map(shapeEncoder);
  const decs = columns.map(shapeDecoder);
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
  return { encode: shapeEncoder(shape), decode: shapeDecoder(shape) };
}

export { BinaryReader };
