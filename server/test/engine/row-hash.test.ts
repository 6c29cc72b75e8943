import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { t, type AnyColumn } from '../../src/engine';
import { compileRowHasher, hashRow } from '../../src/engine/row-hash';

/** One column of every kind, the optional ones included. */
const COLUMNS: Record<string, AnyColumn> = {
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
  a_optional: t.optional(t.string()),
  a_optional_int: t.optional(t.i32()),
};
const NAMES = Object.keys(COLUMNS);
const COLS = NAMES.map((n) => COLUMNS[n]!);

const rowArb = fc.record({
  a_u8: fc.integer({ min: 0, max: 0xff }),
  a_u16: fc.integer({ min: 0, max: 0xffff }),
  a_u32: fc.integer({ min: 0, max: 0xffffffff }),
  a_i8: fc.integer({ min: -0x80, max: 0x7f }),
  a_i16: fc.integer({ min: -0x8000, max: 0x7fff }),
  a_i32: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  a_u64: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  a_i64: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  a_f32: fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround),
  a_f64: fc.double({ noNaN: true, noDefaultInfinity: true }),
  a_bool: fc.boolean(),
  a_string: fc.string(),
  a_bytes: fc.uint8Array({ maxLength: 16 }),
  a_identity: fc.stringMatching(/^[0-9a-f]{32}$/),
  a_optional: fc.option(fc.string(), { nil: undefined }),
  a_optional_int: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
});

function lanes(fn: (out: Uint32Array) => void): [number, number] {
  const out = new Uint32Array(2);
  fn(out);
  return [out[0]!, out[1]!];
}

describe('row hash', () => {
  it('the compiled hasher of a table equals the interpreted one (hashRow, the oracle) on every kind', () => {
    const tableIds = [0, 1, 7, 1000];
    const hashers = tableIds.map((id) => compileRowHasher(id, COLS, NAMES));
    fc.assert(
      fc.property(rowArb, fc.nat({ max: tableIds.length - 1 }), (row, which) => {
        const compiled = lanes((out) => hashers[which]!(row, out));
        const oracle = lanes((out) => hashRow(tableIds[which]!, COLS, NAMES, row, out));
        expect(compiled).toEqual(oracle);
      }),
      { numRuns: 500 },
    );
  });

  it('changing any one column, or the table, changes the hash', () => {
    let changed = 0;
    fc.assert(
      fc.property(rowArb, rowArb, fc.constantFrom(...NAMES), (row, other, name) => {
        const value = (other as Record<string, unknown>)[name];
        const same =
          value === (row as Record<string, unknown>)[name] ||
          (value instanceof Uint8Array &&
            Buffer.from(value).equals(Buffer.from((row as Record<string, unknown>)[name] as Uint8Array)));
        fc.pre(!same && !(Object.is(value, 0) && Object.is((row as Record<string, unknown>)[name], -0)));
        const before = lanes((out) => hashRow(3, COLS, NAMES, row, out));
        const after = lanes((out) => hashRow(3, COLS, NAMES, { ...row, [name]: value }, out));
        expect(after).not.toEqual(before);
        changed++;
      }),
      { numRuns: 500 },
    );
    // The interesting path: most runs changed a value (fc.pre skips draws of the same value).
    expect(changed).toBeGreaterThan(400);
    const row = fc.sample(rowArb, { numRuns: 1, seed: 1 })[0]!;
    expect(lanes((out) => hashRow(3, COLS, NAMES, row, out))).not.toEqual(
      lanes((out) => hashRow(4, COLS, NAMES, row, out)),
    );
  });
});
