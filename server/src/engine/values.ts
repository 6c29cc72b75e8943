export { checkValue, describeValue, normalizeValue } from '../protocol/value-rules';

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
  if (value instanceof Uint8Array)
    return 'x' + Array.from(value, (v) => v.toString(16).padStart(2, '0')).join('');
  throw new TypeError(`cannot use ${typeof value} as a key`);
}
