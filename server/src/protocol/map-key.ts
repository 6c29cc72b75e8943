/**
 * A `Map` key for a primary key or index value: numbers, strings and booleans stay as they are
 * (the fast path); tuples, bytes and bigints become an unambiguous string. The client cache uses
 * it; the rules match the engine's `mapKey`, so both sides agree on what "the same key" means.
 *
 * @throws TypeError for values no column can hold (objects, functions).
 * @example
 * wireMapKey(7); // -> 7
 * wireMapKey([1, 'a']); // -> '[n1,s1:a]'
 */
export function wireMapKey(value: unknown): unknown {
  if (
    typeof value === 'number' ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    value === undefined
  )
    return value;
  return keyPart(value);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function keyPart(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(keyPart).join(',') + ']';
  if (typeof value === 'string') return 's' + value.length + ':' + value;
  if (typeof value === 'number') return 'n' + value;
  if (typeof value === 'bigint') return 'b' + value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value === undefined) return 'u';
  if (value instanceof Uint8Array) {
    let s = 'x';
    for (let i = 0; i < value.length; i++) s += HEX[value[i]!];
    return s;
  }
  throw new TypeError(`cannot use ${typeof value} as a key`);
}

/** Structural equality of two column values (numbers by bits, bytes by content, tuples element-wise). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  return false;
}
