import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { t, type AnyColumn } from '../../src/engine';
import { compileRowHasher, hashRow } from '../../src/engine/row-hash';
import { EVERY_KIND, FITTING } from './every-kind';

/** One column of every kind, and two optional ones. */
const COLUMNS: Record<string, AnyColumn> = {
  ...EVERY_KIND,
  a_optional: t.optional(t.string()),
  a_optional_int: t.optional(t.i32()),
};
const NAMES = Object.keys(COLUMNS);
const COLS = NAMES.map((n) => COLUMNS[n]!);

const rowArb = fc.record({
  ...FITTING,
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
