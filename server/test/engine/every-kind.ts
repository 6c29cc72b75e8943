import fc from 'fast-check';
import { t } from '../../src/engine';

/**
 * One column of every bare kind, named `a_<kind>`, for the tests that run every kind through one
 * path (argument validation, row hashing, the server schema). Each test adds the optional columns
 * it needs; a new kind added here reaches all of them.
 */
export const EVERY_KIND = {
  a_u8: t.u8(),
  a_u16: t.u16(),
  a_u32: t.u32(),
  a_i8: t.i8(),
  a_i16: t.i16(),
  a_i32: t.i32(),
  a_u64: t.u64(),
  a_i64: t.i64(),
  a_f32: t.f32(),
  a_f64: t.f64(),
  a_bool: t.bool(),
  a_string: t.string(),
  a_bytes: t.bytes(),
  a_identity: t.identity(),
} as const;

/** The names of {@link EVERY_KIND}'s columns. */
export type EveryKindName = keyof typeof EVERY_KIND;

/** Values that fit each column of {@link EVERY_KIND}, drawn over the kind's whole range. */
export const FITTING: { readonly [N in EveryKindName]: fc.Arbitrary<unknown> } = {
  a_u8: fc.integer({ min: 0, max: 0xff }),
  a_u16: fc.integer({ min: 0, max: 0xffff }),
  a_u32: fc.integer({ min: 0, max: 0xffffffff }),
  a_i8: fc.integer({ min: -0x80, max: 0x7f }),
  a_i16: fc.integer({ min: -0x8000, max: 0x7fff }),
  a_i32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  a_u64: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  a_i64: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  // fc.float draws single-precision values only: every one is an f32 as stored.
  a_f32: fc.float({ noNaN: true, noDefaultInfinity: true }),
  a_f64: fc.double({ noNaN: true, noDefaultInfinity: true }),
  a_bool: fc.boolean(),
  a_string: fc.string(),
  a_bytes: fc.uint8Array({ maxLength: 16 }),
  a_identity: fc.stringMatching(/^[0-9a-f]{32}$/),
};
