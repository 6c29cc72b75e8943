import { checkShape, normalizeShape, type ValueShape } from './column-kinds';

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
  return checkShape(shape, value, describeValue);
}

/** The stored form of a valid value: f32 rounded to single precision and integer -0 as 0, so reads equal what a replay computes. */
export function normalizeValue(shape: ValueShape, value: unknown): unknown {
  return normalizeShape(shape, value);
}
