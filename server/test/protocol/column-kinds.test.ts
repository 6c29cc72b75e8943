import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareValues, t, type AnyColumn } from '../../src/engine';
import { hashRow } from '../../src/engine/row-hash';
import { compileRowDecoder, LogCursor } from '../../src/engine/log/row-decoder';
import { compileRowHasher } from '../../src/engine/row-hash';
import {
  checkSource,
  COLUMN_KINDS,
  isColumnKind,
  kindOfWireId,
  normalizeSource,
  OPTIONAL,
  parseShapeText,
  SCALAR_KINDS,
  scalarKind,
  wireIdOf,
  type ColumnKind,
  type ColumnShape,
  type ScalarKind,
  type ScalarKindName,
} from '../../src/protocol/column-kinds';
import { compileRowNormalizer } from '../../src/protocol/row-normalizer';
import { compileUpdateCodec } from '../../src/protocol/update-codec';
import { checkValue, normalizeValue } from '../../src/protocol/value-rules';
import {
  BinaryReader,
  BinaryWriter,
  compileRowCodec,
  compileValueCodec,
  decodeSchemaDescriptor,
  encodeSchemaDescriptor,
  sameValue,
} from '../../src/protocol';
import { kindGoldens } from './kind-golden';
import { KIND_SAMPLES, sampleText } from './kind-samples';

/**
 * The column kind registry through every codec: each kind of `SCALAR_KINDS`, bare and inside
 * `optional`, with the samples of `kind-samples.ts`. A new kind is covered by adding its record,
 * its samples and its golden entry (`UPDATE_GOLDEN=1` writes the entry of a new kind).
 */

/** Today's wire ids: the schema descriptor's bytes, pinned independently of the records. */
const WIRE_IDS: Readonly<Record<ColumnKind, number>> = {
  u8: 0,
  u16: 1,
  u32: 2,
  i8: 3,
  i16: 4,
  i32: 5,
  u64: 6,
  i64: 7,
  f32: 8,
  f64: 9,
  bool: 10,
  string: 11,
  bytes: 12,
  identity: 13,
  optional: 14,
};

const KINDS = Object.keys(SCALAR_KINDS) as ScalarKindName[];
const GOLDEN = join(import.meta.dirname, 'golden-kinds.json');

const optionalOf = (kind: ScalarKindName, name = 'o'): ColumnShape => ({
  name,
  kind: 'optional',
  inner: { name, kind },
});

function roundTrip(shape: ColumnShape, value: unknown): unknown {
  const codec = compileValueCodec(shape);
  const w = new BinaryWriter(1);
  codec.encode(w, value);
  const r = new BinaryReader(w.toBytes());
  const back = codec.decode(r);
  expect(r.remaining).toBe(0);
  return back;
}

describe('the column kind registry', () => {
  it('names each record after its key and gives each kind the wire id it has always had', () => {
    for (const kind of KINDS) expect(SCALAR_KINDS[kind].name).toBe(kind);
    const ids = Object.fromEntries(COLUMN_KINDS.map((k) => [k, wireIdOf(k)]));
    expect(ids).toEqual(WIRE_IDS);
    for (const kind of COLUMN_KINDS) expect(kindOfWireId(wireIdOf(kind))).toBe(kind);
    expect(kindOfWireId(200)).toBeUndefined();
    expect([...COLUMN_KINDS].sort((a, b) => wireIdOf(a) - wireIdOf(b))).toEqual(COLUMN_KINDS);
    expect(COLUMN_KINDS).toContain(OPTIONAL.name);
    expect(isColumnKind('toString')).toBe(false);
    expect(scalarKind('optional')).toBeUndefined();
  });

  it('writes every kind into a schema descriptor and reads it back by its wire id', () => {
    const columns: ColumnShape[] = KINDS.flatMap((k) => [{ name: k, kind: k }, optionalOf(k, `o_${k}`)]);
    const descriptor = {
      tables: [
        {
          id: 0,
          name: 'all',
          columns,
          primaryKey: [0],
          spatial: undefined,
          indexes: [],
          hasVisibility: false,
        },
      ],
      reducers: [],
    };
    const w = new BinaryWriter();
    encodeSchemaDescriptor(w, descriptor);
    const bytes = w.toBytes();
    // The first column's kind byte follows: table count, id, name, flags, column count, column name.
    expect(bytes[1 + 1 + 4 + 1 + 1 + 1 + 2]).toBe(WIRE_IDS.u8);
    expect(decodeSchemaDescriptor(new BinaryReader(bytes)).tables[0]!.columns).toEqual(columns);
  });

  it('keeps the bytes, update bodies and state hashes of every kind equal to the golden file', () => {
    const actual = kindGoldens({ BinaryWriter, compileValueCodec, compileUpdateCodec, hashRow, t });
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(GOLDEN))
      writeFileSync(GOLDEN, JSON.stringify(actual, null, 2) + '\n');
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>;
    for (const kind of KINDS)
      expect({ kind, ...actual[kind] }).toEqual({ kind, ...(golden[kind] as object) });
  });

  for (const kind of KINDS) {
    const record: ScalarKind = SCALAR_KINDS[kind];
    const { valid, invalid, badText = [] } = KIND_SAMPLES[kind];
    const bare: ColumnShape = { name: 'v', kind };
    const optional = optionalOf(kind);

    describe(kind, () => {
      it('round-trips every valid value on the wire, bare and optional', () => {
        for (const v of valid) {
          expect(sameValue(roundTrip(bare, v), v)).toBe(true);
          expect(sameValue(roundTrip(optional, v), v)).toBe(true);
        }
        expect(roundTrip(optional, undefined)).toBeUndefined();
      });

      it('round-trips every change between two values through the update codec', () => {
        const columns: ColumnShape[] = [{ name: 'id', kind: 'u8' }, bare, optional];
        const codec = compileUpdateCodec(columns, [0]);
        for (const a of valid)
          for (const b of [...valid, undefined]) {
            const old = { id: 1, v: a, o: a };
            const next = { id: 1, v: b ?? a, o: b };
            const w = new BinaryWriter(1);
            const changed = codec.encode(w, old, next);
            expect(changed).toBe(!sameValue(a, b ?? a) || !sameValue(a, b));
            if (!changed) continue;
            const r = new BinaryReader(w.toBytes());
            const back = codec.decode(r, old)!;
            expect(r.remaining).toBe(0);
            expect(sameValue(back.v, next.v) && sameValue(back.o, next.o)).toBe(true);
            // Skipping an update (the client does not hold the row) consumes exactly its bytes.
            const skip = new BinaryReader(w.toBytes());
            expect(codec.decode(skip, undefined)).toBeUndefined();
            expect(skip.remaining).toBe(0);
          }
      });

      it('reads through the log decoder exactly what the row codec wrote', () => {
        const columns = [bare, optional];
        const rows = [...valid.map((v) => ({ v, o: v })), { v: valid[0], o: undefined }];
        const w = new BinaryWriter(1);
        const codec = compileRowCodec(columns);
        for (const row of rows) codec.encode(w, row);
        const bytes = w.toBytes();
        const decode = compileRowDecoder(columns);
        for (const cursor of [new LogCursor(Buffer.from(bytes)), new LogCursor(bytes)]) {
          for (const row of rows) {
            const back = decode(cursor);
            expect(sameValue(back.v, row.v) && sameValue(back.o, row.o)).toBe(true);
          }
          expect(cursor.pos).toBe(bytes.length);
        }
      });

      it('hashes the same with the compiled hasher as with hashRow, and tells every value apart', () => {
        const column: AnyColumn = t[kind]();
        const columns = [column, t.optional(column)];
        const hasher = compileRowHasher(3, columns, ['v', 'o']);
        const seen = new Set<string>();
        for (const row of [...valid.map((v) => ({ v, o: v })), { v: valid[0], o: undefined }]) {
          const compiled = new Uint32Array(2);
          const plain = new Uint32Array(2);
          hasher(row, compiled);
          hashRow(3, columns, ['v', 'o'], row, plain);
          expect([...compiled]).toEqual([...plain]);
          seen.add(`${compiled[0]}:${compiled[1]}`);
        }
        expect(seen.size).toBe(valid.length + 1);
      });

      it('lists its samples in ascending order under compareValues, an empty optional first', () => {
        for (let i = 0; i + 1 < valid.length; i++) {
          expect(compareValues(valid[i], valid[i + 1])).toBeLessThan(0);
          expect(compareValues(valid[i + 1], valid[i])).toBeGreaterThan(0);
          expect(compareValues(valid[i], valid[i])).toBe(0);
        }
        expect(compareValues(undefined, valid[0])).toBeLessThan(0);
      });

      it('parses the text of every valid value and refuses bad text, saying what it expects', () => {
        for (const v of valid) {
          const parsed = parseShapeText(bare, sampleText(v));
          expect(parsed.ok && sameValue(parsed.value, v)).toBe(true);
          const opt = parseShapeText(optional, sampleText(v));
          expect(opt.ok && sameValue(opt.value, v)).toBe(true);
        }
        expect(parseShapeText(optional, 'none')).toEqual({ ok: true, value: undefined });
        for (const text of badText)
          expect(parseShapeText(bare, text)).toEqual({ ok: false, expects: record.text.expects });
      });

      it('agrees between the value rules, the check expression and the compiled row normaliser', () => {
        const normalizer = compileRowNormalizer('t', ['v', 'o'], [bare, optional], -1);
        const source = checkSource(bare, 'v');
        const expression =
          source === undefined
            ? undefined
            : (new Function('v', `return ${source};`) as (v: unknown) => boolean);
        for (const v of valid) {
          expect(checkValue(bare, v)).toBeUndefined();
          expect(record.check(v)).toBe(true);
          expect(expression?.(v) ?? true).toBe(true);
          const row = normalizer({ v, o: v }, 0, false);
          expect(
            sameValue(row.v, normalizeValue(bare, v)) && sameValue(row.o, normalizeValue(optional, v)),
          ).toBe(true);
          // Valid values are already in stored form: normalising is the identity on them.
          expect(sameValue(normalizeValue(bare, v), v)).toBe(true);
        }
        expect(normalizer({ v: valid[0] }, 0, false)).toEqual({ v: valid[0], o: undefined });
        for (const v of [...invalid, undefined]) {
          expect(checkValue(bare, v)!.startsWith(`expected ${record.expected}, got `)).toBe(true);
          expect(record.check(v)).toBe(false);
          if (expression !== undefined) expect(expression(v)).toBe(false);
          expect(() => normalizer({ v, o: undefined }, 0, false)).toThrow(`table 't' column 'v': expected`);
          if (v !== undefined) {
            expect(checkValue(optional, v)).toBe(checkValue(bare, v));
            expect(() => normalizer({ v: valid[0], o: v }, 0, false)).toThrow(
              `table 't' column 'o': expected`,
            );
          }
        }
      });

      it('stores what a replay reads: the normalised form survives the wire unchanged', () => {
        const inputs =
          record.range !== undefined ? [-0, ...valid] : record.flags.float ? [0.1, -0, ...valid] : valid;
        for (const v of inputs) {
          const stored = normalizeValue(bare, v);
          expect(sameValue(roundTrip(bare, stored), stored)).toBe(true);
        }
        if (normalizeSource(bare, 'v') === undefined)
          for (const v of valid) expect(normalizeValue(bare, v)).toBe(v);
      });
    });
  }
});
