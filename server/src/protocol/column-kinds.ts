/** Column type names shared by the schema DSL, the wire codec and the commit log. */
export const COLUMN_KINDS = [
  'u8',
  'u16',
  'u32',
  'i8',
  'i16',
  'i32',
  'u64',
  'i64',
  'f32',
  'f64',
  'bool',
  'string',
  'bytes',
  'identity',
  'optional',
] as const;

/** One of {@link COLUMN_KINDS}. */
export type ColumnKind = (typeof COLUMN_KINDS)[number];

/** The shape of one column as the codec needs it: a name, a kind, and for `optional` the inner shape. */
export interface ColumnShape {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly inner?: ColumnShape | undefined;
}

/** The kind and, for `optional`, the inner kind of a value: all a value check needs. */
export interface ValueShape {
  readonly kind: ColumnKind;
  readonly inner?: ValueShape | undefined;
}

/** Inclusive ranges of the integer kinds that travel as JavaScript numbers: the one copy every codec and check reads. */
export const INTEGER_RANGES: Readonly<Partial<Record<ColumnKind, readonly [min: number, max: number]>>> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  i8: [-0x80, 0x7f],
  i16: [-0x8000, 0x7fff],
  i32: [-0x80000000, 0x7fffffff],
};

/** Largest u64. */
export const U64_MAX = (1n << 64n) - 1n;
/** Smallest i64. */
export const I64_MIN = -(1n << 63n);
/** Largest i64. */
export const I64_MAX = (1n << 63n) - 1n;
/** Largest finite single-precision float. */
export const F32_MAX = 3.4028234663852886e38;
/** An identity: 32 lowercase hex characters. */
export const IDENTITY_PATTERN = /^[0-9a-f]{32}$/;
