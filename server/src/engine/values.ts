import { isIdentity } from './identity';
import type { AnyColumn, ColumnKind } from './schema';

/**
 * Total order over column values of one type: numbers, strings, bigints, booleans, bytes;
 * `undefined` (an empty optional) sorts first. Used by btree indexes and sorted buckets.
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  if (Array.isArray(a) && Array.isArray(b)) return compareTuples(a, b);
  return typeof a < typeof b ? -1 : 1;
}

/** Lexicographic order over tuples of values; a proper prefix sorts first. */
export function compareTuples(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/**
 * A `Map` key for a value or tuple: primitives stay as they are (fast path); tuples, bytes and
 * bigints become an unambiguous string.
 */
export function mapKey(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return value;
  return encodeKeyPart(value);
}

function encodeKeyPart(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(encodeKeyPart).join(',') + ']';
  if (typeof value === 'string') return 's' + value.length + ':' + value;
  if (typeof value === 'number') return 'n' + value;
  if (typeof value === 'bigint') return 'b' + value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value === undefined) return 'u';
  if (value instanceof Uint8Array) return 'x' + Array.from(value, (v) => v.toString(16).padStart(2, '0')).join('');
  throw new TypeError(`cannot use ${typeof value} as a key`);
}

const INT_RANGES: Partial<Record<ColumnKind, readonly [number, number]>> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  i8: [-0x80, 0x7f],
  i16: [-0x8000, 0x7fff],
  i32: [-0x80000000, 0x7fffffff],
};
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const F32_MAX = 3.4028234663852886e38;

/** Short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  if (typeof value === 'object') return 'object';
  return String(value);
}

/**
 * Checks `value` against a column type. Returns `undefined` when it fits, otherwise a reason
 * ("expected u8 (0..255), got 300").
 */
export function checkValue(column: AnyColumn, value: unknown): string | undefined {
  const kind = column.kind;
  const range = INT_RANGES[kind];
  if (range !== undefined) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1])
      return `expected ${kind} (integer ${range[0]}..${range[1]}), got ${describeValue(value)}`;
    return undefined;
  }
  switch (kind) {
    case 'u64':
      if (typeof value !== 'bigint' || value < 0n || value > U64_MAX)
        return `expected u64 (bigint 0..2^64-1), got ${describeValue(value)}`;
      return undefined;
    case 'i64':
      if (typeof value !== 'bigint' || value < I64_MIN || value > I64_MAX)
        return `expected i64 (bigint -2^63..2^63-1), got ${describeValue(value)}`;
      return undefined;
    case 'f32':
      if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > F32_MAX)
        return `expected f32 (finite number), got ${describeValue(value)}`;
      return undefined;
    case 'f64':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `expected f64 (finite number), got ${describeValue(value)}`;
      return undefined;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expected bool, got ${describeValue(value)}`;
    case 'string':
      return typeof value === 'string' ? undefined : `expected string, got ${describeValue(value)}`;
    case 'bytes':
      return value instanceof Uint8Array ? undefined : `expected bytes (Uint8Array), got ${describeValue(value)}`;
    case 'identity':
      return isIdentity(value) ? undefined : `expected identity (32 hex characters), got ${describeValue(value)}`;
    case 'optional':
      return value === undefined ? undefined : checkValue(column.inner!, value);
    default:
      return `unknown column kind ${kind}`;
  }
}

/** f32 columns store the value rounded to single precision, so reads equal what a replay computes. */
export function normalizeValue(column: AnyColumn, value: unknown): unknown {
  if (column.kind === 'f32') return Math.fround(value as number);
  if (column.kind === 'optional' && value !== undefined) return normalizeValue(column.inner!, value);
  return value;
}
