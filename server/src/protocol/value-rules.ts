import {
  F32_MAX,
  I64_MAX,
  I64_MIN,
  IDENTITY_PATTERN,
  INTEGER_RANGES,
  U64_MAX,
  type ValueShape,
} from './column-kinds';

/**
 * The rules a value must follow to be stored in a column or passed as a reducer argument. They live
 * in the protocol so that the engine and the client SDK apply the very same ones: the SDK refuses
 * before encoding exactly what the engine would refuse after decoding.
 */

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
 * ("expected u8 (integer 0..255), got 300").
 */
export function checkValue(shape: ValueShape, value: unknown): string | undefined {
  const kind = shape.kind;
  const range = INTEGER_RANGES[kind];
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
      return value instanceof Uint8Array
        ? undefined
        : `expected bytes (Uint8Array), got ${describeValue(value)}`;
    case 'identity':
      return typeof value === 'string' && IDENTITY_PATTERN.test(value)
        ? undefined
        : `expected identity (32 hex characters), got ${describeValue(value)}`;
    case 'optional':
      return value === undefined ? undefined : checkValue(shape.inner!, value);
    default:
      return `unknown column kind ${String(kind)}`;
  }
}

/** The stored form of a valid value: f32 rounded to single precision and integer -0 as 0, so reads equal what a replay computes. */
export function normalizeValue(shape: ValueShape, value: unknown): unknown {
  if (shape.kind === 'f32') return Math.fround(value as number);
  // -0 fits an integer column, but the wire and the log carry it as 0.
  if (INTEGER_RANGES[shape.kind] !== undefined) return (value as number) + 0;
  if (shape.kind === 'optional' && value !== undefined) return normalizeValue(shape.inner!, value);
  return value;
}
