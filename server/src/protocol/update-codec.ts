import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { scalarKind, type ColumnShape, type DeltaCodec } from './column-kinds';
import { sameValue } from './map-key';
import { compileValueCodec } from './row-codec';

/**
 * Encodes a row update as the difference from the row the client already holds: a bitmask of the
 * changed non-key columns, then one value per changed column. Integers travel as zigzag varint
 * deltas, f32 as the varint delta of its IEEE bit pattern (a small move is 1-3 bytes), a bool as
 * nothing at all (a set bit means it flipped); other kinds travel whole.
 */
export interface UpdateCodec {
  /** Non-key column positions, in mask bit order. */
  readonly maskColumns: readonly number[];
  /**
   * Writes the update body from `old` to `next` (same primary key). Writes nothing and returns
   * false when no column changed.
   */
  encode(
    writer: BinaryWriter,
    old: Readonly<Record<string, unknown>>,
    next: Readonly<Record<string, unknown>>,
  ): boolean;
  /**
   * Reads an update body and returns a new row: `old` with the changes applied. With `old`
   * undefined it only skips the body and returns undefined.
   * @throws TickspaceError MALFORMED_FRAME if a delta leaves its column's range.
   */
  decode(
    reader: BinaryReader,
    old: Readonly<Record<string, unknown>> | undefined,
  ): Record<string, unknown> | undefined;
}

/** The delta a kind declares, or the whole new value for kinds that declare none (and optionals). */
function deltaFor(shape: ColumnShape): DeltaCodec {
  const delta = scalarKind(shape.kind)?.delta;
  if (delta !== undefined) return delta(shape.name);
  const codec = compileValueCodec(shape);
  return { same: sameValue, put: (w, _o, n) => codec.encode(w, n), get: (r) => codec.decode(r) };
}

/**
 * Compiles the update codec of a table once.
 * @param keyColumns primary key positions: they never change in an update, so they are not in the mask.
 * @example
 * const codec = compileUpdateCodec([{ name: 'id', kind: 'u32' }, { name: 'x', kind: 'f32' }], [0]);
 * codec.encode(writer, { id: 1, x: 1 }, { id: 1, x: 1.5 }); // -> true: mask 0x01 + f32 bit delta
 */
export function compileUpdateCodec(
  columns: readonly ColumnShape[],
  keyColumns: readonly number[],
): UpdateCodec {
  const maskColumns = columns.map((_, i) => i).filter((i) => !keyColumns.includes(i));
  const n = maskColumns.length;
  const names = maskColumns.map((i) => columns[i]!.name);
  const deltas = maskColumns.map((i) => deltaFor(columns[i]!));
  const maskBytes = Math.ceil(n / 8);
  const changed = new Uint8Array(Math.max(1, n));
  const masks = new Uint8Array(Math.max(1, maskBytes));
  return {
    maskColumns,
    encode(w, old, next) {
      let any = false;
      for (let i = 0; i < n; i++) {
        const c = deltas[i]!.same(old[names[i]!], next[names[i]!]) ? 0 : 1;
        changed[i] = c;
        if (c === 1) any = true;
      }
      if (!any) return false;
      for (let b = 0; b < maskBytes; b++) {
        let m = 0;
        for (let k = 0; k < 8; k++) if (changed[b * 8 + k] === 1 && b * 8 + k < n) m |= 1 << k;
        w.u8(m);
      }
      for (let i = 0; i < n; i++) if (changed[i] === 1) deltas[i]!.put(w, old[names[i]!], next[names[i]!]);
      return true;
    },
    decode(r, old) {
      const skip = old === undefined;
      const out: Record<string, unknown> | undefined = skip ? undefined : { ...old };
      // The mask precedes the values: read it whole into the codec's own buffer (decode never nests).
      let mask0 = 0;
      for (let b = 0; b < maskBytes; b++) masks[b] = r.u8();
      if (n % 8 !== 0 && masks[maskBytes - 1]! >> (n % 8) !== 0)
        r.fail('update mask names a column the table does not have');
      for (let i = 0; i < n; i++) {
        if (i % 8 === 0) mask0 = masks[i >> 3]!;
        if ((mask0 & (1 << (i % 8))) === 0) continue;
        const v = deltas[i]!.get(r, skip ? undefined : old![names[i]!], skip);
        if (out !== undefined) out[names[i]!] = v;
      }
      return out;
    },
  };
}
