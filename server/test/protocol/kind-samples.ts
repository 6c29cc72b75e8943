import type { ScalarKindName } from '../../src/protocol/column-kinds';

/** Test values of one column kind: what the registry test runs through every codec. */
export interface KindSamples {
  /** Valid values in strictly ascending order (the btree order), including both ends of the range. */
  readonly valid: readonly unknown[];
  /** Values the kind must refuse. */
  readonly invalid: readonly unknown[];
  /** Command-line text the kind must refuse (absent when every text is a value, as for `string`). */
  readonly badText?: readonly string[];
}

const F32_MAX = 3.4028234663852886e38;
const id = (c: string) => c.repeat(32);

/**
 * One entry per kind: the type makes a new kind without samples a compile error, and the golden
 * file (`golden-kinds.json`) pins the bytes and hashes of these values.
 */
export const KIND_SAMPLES: Readonly<Record<ScalarKindName, KindSamples>> = {
  u8: { valid: [0, 1, 127, 128, 255], invalid: [-1, 256, 1.5, NaN, '1', 1n, null], badText: ['x', ''] },
  u16: { valid: [0, 1, 300, 0xffff], invalid: [-1, 0x10000, 0.5, '7'], badText: ['1e'] },
  u32: { valid: [0, 1, 2 ** 31, 0xffffffff], invalid: [-1, 2 ** 32, 1.5, Infinity], badText: ['?'] },
  i8: { valid: [-128, -1, 0, 1, 127], invalid: [-129, 128, 0.5, true], badText: ['one'] },
  i16: { valid: [-0x8000, -1, 0, 0x7fff], invalid: [-0x8001, 0x8000, 0.25], badText: ['--1'] },
  i32: {
    valid: [-(2 ** 31), -1, 0, 2 ** 31 - 1],
    invalid: [-(2 ** 31) - 1, 2 ** 31, -Infinity, 2n],
    badText: ['0x'],
  },
  u64: {
    valid: [0n, 1n, 2n ** 53n, 2n ** 64n - 1n],
    invalid: [-1n, 2n ** 64n, 1, '1'],
    badText: ['1.5', 'x'],
  },
  i64: {
    valid: [-(2n ** 63n), -1n, 0n, 7n, 2n ** 63n - 1n],
    invalid: [2n ** 63n, -(2n ** 63n) - 1n, 0],
    badText: ['1e3'],
  },
  f32: {
    valid: [-F32_MAX, -1.5, 0, Math.fround(0.1), 1, F32_MAX],
    invalid: [Infinity, NaN, 3.5e38, -3.5e38, '1', 1n],
    badText: ['abc', ' '],
  },
  f64: {
    valid: [-Number.MAX_VALUE, -0.5, 0, 0.1, 1e300],
    invalid: [NaN, Infinity, -Infinity, 1n, '0'],
    badText: ['NaN', 'Infinity'],
  },
  bool: { valid: [false, true], invalid: [0, 1, 'true', null], badText: ['yes', '1'] },
  string: { valid: ['', 'a', 'b', 'é', '日本'], invalid: [1, null, new Uint8Array(1), 'a\ud800b', '\udfff'] },
  bytes: {
    valid: [
      new Uint8Array([]),
      new Uint8Array([0]),
      new Uint8Array([0, 1]),
      new Uint8Array([1]),
      new Uint8Array([255]),
    ],
    invalid: ['00', [0], new Uint16Array(1)],
    badText: ['zz', '0x1'],
  },
  identity: {
    valid: [id('0'), '0'.repeat(31) + '1', id('a'), id('f')],
    invalid: [id('A'), '0'.repeat(31), id('g'), '0'.repeat(33), 1],
  },
};

/** The command-line text of a valid value (what `parseValue` reads back). */
export function sampleText(value: unknown): string {
  if (value instanceof Uint8Array) return '0x' + Buffer.from(value).toString('hex');
  return String(value);
}
