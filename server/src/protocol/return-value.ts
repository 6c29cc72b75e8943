import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { shapeDecoder, shapeEncoder, type ColumnShape } from './column-kinds';
import { readShape, writeShape } from './schema-descriptor';

/**
 * A reducer's return value as the wire (RESULT, protocol 6) and the commit log carry it: the
 * value's shape (its kind's byte, and for `optional` the inner kind's) and then the value in
 * that kind's codec. The value names its own shape so a reader needs no schema to decode it:
 * the SDK decodes a result without looking the reducer up, and the log decodes a call of a
 * reducer the current code no longer declares.
 */

/** The name a return value's shape carries in messages (it is not a column). */
const RETURN_NAME = 'return value';

const encoders = new Map<string, (w: BinaryWriter, v: unknown) => void>();
const decoders = new Map<string, (r: BinaryReader) => unknown>();
const keyOf = (shape: ColumnShape): string =>
  shape.inner === undefined ? shape.kind : `${shape.kind}(${keyOf(shape.inner)})`;

/** Writes `value` (already checked against `shape`) with its shape. */
export function writeReturnValue(w: BinaryWriter, shape: ColumnShape, value: unknown): void {
  const key = keyOf(shape);
  let encode = encoders.get(key);
  if (encode === undefined) encoders.set(key, (encode = shapeEncoder(shape)));
  writeShape(w, shape, false);
  encode(w, value);
}

/**
 * Reads what {@link writeReturnValue} wrote.
 * @throws TickspaceError MALFORMED_FRAME (an unknown kind, an optional nested too deeply, a bad value).
 */
export function readReturnValue(r: BinaryReader): { readonly shape: ColumnShape; readonly value: unknown } {
  const shape = readShape(r, RETURN_NAME, 0);
  const key = keyOf(shape);
  let decode = decoders.get(key);
  if (decode === undefined) decoders.set(key, (decode = shapeDecoder(shape)));
  return { shape, value: decode(r) };
}
