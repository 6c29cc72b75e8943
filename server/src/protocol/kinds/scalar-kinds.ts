import type { BinaryReader } from '../binary-reader';
import type { BinaryWriter } from '../binary-writer';
import type { DeltaCodec, ScalarKind } from './kind';

/**
 * The column kinds, one record each. This is the only place that knows what a kind is: the
 * schema builder, the value rules, the compiled row normaliser, the wire and update codecs, the
 * log decoder, the state hash and the CLI all read these records (see `column-kinds.ts`).
 */

declare const identityBrand: unique symbol;

/** A player or server identity: 32 lowercase hex characters (16 bytes). */
export type Identity = string & { readonly [identityBrand]: true };

/** Largest u64. */
const U64_MAX = (1n << 64n) - 1n;
/** Smallest i64. */
const I64_MIN = -(1n << 63n);
/** Largest i64. */
const I64_MAX = (1n << 63n) - 1n;
/** Largest finite single-precision float. */
const F32_MAX = 3.4028234663852886e38;
/** An identity: 32 lowercase hex characters. */
export const IDENTITY_PATTERN = /^[0-9a-f]{32}$/;

const parseNumber = (text: string): number | undefined => {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) ? undefined : n;
};

const parseBigInt = (text: string): bigint | undefined => {
  try {
    return BigInt(text.replace(/n$/, ''));
  } catch {
    return undefined;
  }
};

/** The fastest exact integer test for a range: the bit tricks V8 compiles to one compare. */
function integerCheckSource(min: number, max: number): (v: string) => string {
  const bits = Math.log2(max - min + 1);
  if (min === 0 && bits === 32) return (v) => `(typeof ${v} === 'number' && (${v} >>> 0) === ${v})`;
  if (min === 0 && Number.isInteger(bits) && bits < 32)
    return (v) => `(typeof ${v} === 'number' && (${v} & ${max}) === ${v})`;
  if (min === -(max + 1) && bits === 32) return (v) => `(typeof ${v} === 'number' && (${v} | 0) === ${v})`;
  if (min === -(max + 1) && Number.isInteger(bits) && bits < 32) {
    const s = 32 - bits;
    return (v) => `(typeof ${v} === 'number' && ((${v} << ${s}) >> ${s}) === ${v})`;
  }
  return (v) => `(typeof ${v} === 'number' && Number.isInteger(${v}) && ${v} >= ${min} && ${v} <= ${max})`;
}

/**
 * An integer kind of at most 32 bits, carried as a JavaScript number: unsigned as a varint,
 * signed as a zigzag varint, deltas as zigzag varints, range-checked on every read.
 */
function smallInteger<const N extends string>(name: N, wireId: number, min: number, max: number) {
  const unsigned = min === 0;
  return {
    name,
    wireId,
    flags: { integer: true, bigint: false, float: false },
    range: [min, max] as const,
    expected: `${name} (integer ${min}..${max})`,
    check: (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max,
    checkSource: integerCheckSource(min, max),
    // -0 passes every integer check, but the wire and the log carry it as 0: store what a replay reads.
    normalizeSource: (v: string) => `${v} + 0`,
    encode: unsigned ? (w: BinaryWriter, v: number) => w.uvar(v) : (w: BinaryWriter, v: number) => w.svar(v),
    decoder: (column: string) =>
      unsigned
        ? (r: BinaryReader) => {
            const v = r.uvar();
            if (v > max) r.fail(`${name} '${column}' out of range (${v})`);
            return v;
          }
        : (r: BinaryReader) => {
            const v = r.svar();
            if (v < min || v > max) r.fail(`${name} '${column}' out of range (${v})`);
            return v;
          },
    delta: (column: string): DeltaCodec => ({
      same: (a, b) => a === b,
      put: (w, o, n) => w.svar((n as number) - (o as number)),
      get: (r, o, skip) => {
        const d = r.svar();
        if (skip) return undefined;
        const v = (o as number) + d;
        if (v < min || v > max) r.fail(`${name} '${column}' delta leaves the range (${v})`);
        return v;
      },
    }),
    logSource: (column: string) =>
      unsigned
        ? `c.uvMax(${max}, ${JSON.stringify(column)}, ${JSON.stringify(name)})`
        : `c.svRange(${min}, ${max}, ${JSON.stringify(column)}, ${JSON.stringify(name)})`,
    hash: 'int',
    text: { expects: `a number (${name})`, parse: parseNumber },
  } as const satisfies ScalarKind<number>;
}

/** A 64-bit integer kind, carried as a bigint; deltas wrap modulo 2^64 so any change fits. */
function bigInteger<const N extends string>(name: N, wireId: number, min: bigint, max: bigint) {
  const unsigned = min === 0n;
  const wrap = unsigned ? (v: bigint) => BigInt.asUintN(64, v) : (v: bigint) => BigInt.asIntN(64, v);
  return {
    name,
    wireId,
    flags: { integer: true, bigint: true, float: false },
    expected: `${name} (bigint ${unsigned ? '0..2^64-1' : '-2^63..2^63-1'})`,
    check: (v: unknown) => typeof v === 'bigint' && v >= min && v <= max,
    checkSource: (v: string) => `(typeof ${v} === 'bigint' && ${v} >= ${min}n && ${v} <= ${max}n)`,
    encode: unsigned ? (w: BinaryWriter, v: bigint) => w.ubig(v) : (w: BinaryWriter, v: bigint) => w.sbig(v),
    decoder: (column: string) =>
      unsigned
        ? (r: BinaryReader) => r.ubig()
        : (r: BinaryReader) => {
            const v = r.sbig();
            if (v < min || v > max) r.fail(`${name} '${column}' out of range`);
            return v;
          },
    delta: (): DeltaCodec => ({
      same: (a, b) => a === b,
      put: (w, o, n) => w.sbig(BigInt.asIntN(64, (n as bigint) - (o as bigint))),
      get: (r, o, skip) => {
        const d = r.sbig();
        return skip ? undefined : wrap((o as bigint) + d);
      },
    }),
    logSource: () => (unsigned ? 'c.ubig()' : 'c.sbig()'),
    hash: 'bigint',
    text: { expects: `an integer (${name})`, parse: parseBigInt },
  } as const satisfies ScalarKind<bigint>;
}

const f32 = new Float32Array(1);
const f32Word = new Uint32Array(f32.buffer);
function f32Bits(v: number): number {
  f32[0] = v;
  return f32Word[0]!;
}
function bitsF32(b: number): number {
  f32Word[0] = b;
  return f32[0]!;
}

const F32 = {
  name: 'f32',
  wireId: 8,
  flags: { integer: false, bigint: false, float: true },
  expected: 'f32 (finite number)',
  check: (v: unknown) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= F32_MAX,
  checkSource: (v: string) => `(typeof ${v} === 'number' && ${v} <= ${F32_MAX} && ${v} >= ${-F32_MAX})`,
  normalizeSource: (v: string) => `Math.fround(${v})`,
  encode: (w: BinaryWriter, v: number) => w.f32(v),
  // Any bit pattern reads as a number; NaN and the infinities are no value of the kind.
  decoder: (column: string) => (r: BinaryReader) => {
    const v = r.f32();
    if (v - v !== 0) r.fail(`f32 '${column}' is not finite (${v})`);
    return v;
  },
  // The varint delta of the IEEE bit pattern: a small move is 1-3 bytes.
  delta: (column: string): DeltaCodec => ({
    same: (a, b) => Object.is(a, b),
    put: (w, o, n) => w.svar(f32Bits(n as number) - f32Bits(o as number)),
    get: (r, o, skip) => {
      const d = r.svar();
      if (skip) return undefined;
      const b = f32Bits(o as number) + d;
      if (b < 0 || b > 0xffffffff) r.fail(`f32 '${column}' delta leaves 32 bits`);
      return bitsF32(b);
    },
  }),
  logSource: () => 'c.f32()',
  hash: 'float',
  text: {
    expects: 'a number (f32)',
    parse: (text: string) => {
      const n = parseNumber(text);
      return n === undefined ? undefined : Math.fround(n);
    },
  },
} as const satisfies ScalarKind<number>;

const F64 = {
  name: 'f64',
  wireId: 9,
  flags: { integer: false, bigint: false, float: true },
  expected: 'f64 (finite number)',
  check: (v: unknown) => typeof v === 'number' && Number.isFinite(v),
  checkSource: (v: string) => `(typeof ${v} === 'number' && ${v} - ${v} === 0)`,
  encode: (w: BinaryWriter, v: number) => w.f64(v),
  decoder: (column: string) => (r: BinaryReader) => {
    const v = r.f64();
    if (v - v !== 0) r.fail(`f64 '${column}' is not finite (${v})`);
    return v;
  },
  logSource: () => 'c.f64()',
  hash: 'float',
  text: { expects: 'a number (f64)', parse: parseNumber },
} as const satisfies ScalarKind<number>;

const BOOL = {
  name: 'bool',
  wireId: 10,
  flags: { integer: false, bigint: false, float: false },
  expected: 'bool',
  check: (v: unknown) => typeof v === 'boolean',
  checkSource: (v: string) => `(typeof ${v} === 'boolean')`,
  encode: (w: BinaryWriter, v: boolean) => w.u8(v ? 1 : 0),
  decoder: (column: string) => (r: BinaryReader) => {
    const b = r.u8();
    if (b > 1) r.fail(`bool '${column}' must be 0 or 1, got ${b}`);
    return b === 1;
  },
  // A set mask bit says the bool flipped: no bytes at all.
  delta: (): DeltaCodec => ({ same: (a, b) => a === b, put: () => {}, get: (_r, o) => !(o as boolean) }),
  logSource: (column: string) => `c.bool(${JSON.stringify(column)})`,
  hash: 'bool',
  text: {
    expects: 'true or false',
    parse: (text: string) => (text === 'true' ? true : text === 'false' ? false : undefined),
  },
} as const satisfies ScalarKind<boolean>;

/** `String.prototype.isWellFormed` (ES2024; Node 20, every current browser). */
interface WellFormed {
  isWellFormed(): boolean;
}

const STRING = {
  name: 'string',
  wireId: 11,
  flags: { integer: false, bigint: false, float: false },
  // Well-formed only: the wire and the log carry UTF-8, which turns a lone surrogate into U+FFFD, so a
  // stored lone surrogate would be logged as another row than the one in memory (replay diverges).
  expected: 'string (well-formed: no lone surrogate)',
  check: (v: unknown) => typeof v === 'string' && (v as unknown as WellFormed).isWellFormed(),
  checkSource: (v: string) => `(typeof ${v} === 'string' && ${v}.isWellFormed())`,
  encode: (w: BinaryWriter, v: string) => w.string(v),
  decoder: () => (r: BinaryReader) => r.string(),
  logSource: () => 'c.str()',
  hash: 'string',
  text: { expects: 'a string', parse: (text: string) => text },
} as const satisfies ScalarKind<string>;

const BYTES = {
  name: 'bytes',
  wireId: 12,
  flags: { integer: false, bigint: false, float: false },
  expected: 'bytes (Uint8Array)',
  check: (v: unknown) => v instanceof Uint8Array,
  encode: (w: BinaryWriter, v: Uint8Array) => w.bytes(v),
  decoder: () => (r: BinaryReader) => r.bytes(),
  logSource: () => 'c.bytes()',
  hash: 'bytes',
  text: {
    expects: 'hex bytes',
    parse: (text: string) => {
      if (!/^(0x)?([0-9a-f]{2})*$/i.test(text)) return undefined;
      const hex = text.replace(/^0x/, '');
      const out = new Uint8Array(hex.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
      return out;
    },
  },
} as const satisfies ScalarKind<Uint8Array>;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

const IDENTITY = {
  name: 'identity',
  wireId: 13,
  flags: { integer: false, bigint: false, float: false },
  expected: 'identity (32 hex characters)',
  // No checkSource: the compiled code calls this, so the pattern is one shared RegExp.
  check: (v: unknown) => typeof v === 'string' && v.length === 32 && IDENTITY_PATTERN.test(v),
  encode: (w: BinaryWriter, s: Identity) => {
    for (let i = 0; i < 32; i += 2)
      w.u8((HEX_VALUE[s.charCodeAt(i)]! << 4) | HEX_VALUE[s.charCodeAt(i + 1)]!);
  },
  decoder: () => (r: BinaryReader) => {
    let s = '';
    for (let i = 0; i < 16; i++) s += HEX[r.u8()];
    return s as Identity;
  },
  logSource: () => 'c.ident()',
  hash: 'string',
  text: { expects: '32 hex characters', parse: (text: string) => text as Identity },
} as const satisfies ScalarKind<Identity>;

/**
 * Every kind but `optional`, by name. The wire ids are today's: changing one changes the golden
 * frames. A new kind takes the next unused id.
 */
export const SCALAR_KINDS = {
  u8: smallInteger('u8', 0, 0, 0xff),
  u16: smallInteger('u16', 1, 0, 0xffff),
  u32: smallInteger('u32', 2, 0, 0xffffffff),
  i8: smallInteger('i8', 3, -0x80, 0x7f),
  i16: smallInteger('i16', 4, -0x8000, 0x7fff),
  i32: smallInteger('i32', 5, -0x80000000, 0x7fffffff),
  u64: bigInteger('u64', 6, 0n, U64_MAX),
  i64: bigInteger('i64', 7, I64_MIN, I64_MAX),
  f32: F32,
  f64: F64,
  bool: BOOL,
  string: STRING,
  bytes: BYTES,
  identity: IDENTITY,
} as const;

/** The name of a kind other than `optional`. */
export type ScalarKindName = keyof typeof SCALAR_KINDS;

/** The TypeScript value type of a kind: what the `t` builder infers for its columns. */
export type KindValue<K extends ScalarKindName> = Parameters<(typeof SCALAR_KINDS)[K]['encode']>[1];
