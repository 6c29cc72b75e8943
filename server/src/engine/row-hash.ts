import type { AnyColumn } from './schema';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x5bd1e995);
  return h ^ (h >>> 15);
}

function mixString(h: number, s: string): number {
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

function mixValue(h: number, column: AnyColumn, value: unknown): number {
  switch (column.kind) {
    case 'string':
    case 'identity':
      return mixString(h, value as string);
    case 'u64':
    case 'i64':
      return mixString(h, (value as bigint).toString(36));
    case 'bool':
      return mix(h, value ? 1 : 2);
    case 'bytes': {
      const b = value as Uint8Array;
      h = mix(h, b.length);
      for (let i = 0; i < b.length; i++) h = mix(h, b[i]!);
      return h;
    }
    case 'optional':
      return value === undefined ? mix(h, 0x9e3779b9) : mixValue(mix(h, 1), column.inner!, value);
    case 'f32':
    case 'f64':
      f64[0] = value as number;
      return mix(mix(h, u32[0]!), u32[1]!);
    default:
      return mix(h, value as number);
  }
}

function finish(h: number): number {
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Two independent 32-bit hashes of one row (its table id and every column value in declaration
 * order). The state hash is the lane-wise sum of these over all rows, mod 2^32.
 */
export function hashRow(
  tableId: number,
  columns: readonly AnyColumn[],
  names: readonly string[],
  row: Record<string, unknown>,
  out: Uint32Array,
): void {
  let a = 0x811c9dc5 ^ tableId;
  let b = 0x01000193 + tableId * 0x9e3779b1;
  for (let i = 0; i < columns.length; i++) {
    const value = row[names[i]!];
    a = mixValue(a, columns[i]!, value);
    b = mixValue(b ^ 0x27d4eb2f, columns[i]!, value);
  }
  out[0] = finish(a);
  out[1] = finish(b ^ a);
}
