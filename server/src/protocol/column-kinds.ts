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
