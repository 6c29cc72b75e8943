import type { BinaryReader } from '../binary-reader';
import type { BinaryWriter } from '../binary-writer';

/**
 * How a kind's values enter the state hash. The engine's row hasher owns the mixing functions
 * (the protocol knows no hashing); a kind only says which one its values take.
 */
export const HASH_MIXES = ['int', 'float', 'bigint', 'bool', 'string', 'bytes'] as const;
/** One of {@link HASH_MIXES}. */
export type HashMix = (typeof HASH_MIXES)[number];

/** What a kind is, for the checks that depend on it (auto-increment, spatial, integer key runs). */
export interface KindFlags {
  /** Whole numbers (u8 ... i64). */
  readonly integer: boolean;
  /** Values are JavaScript bigints (u64, i64). */
  readonly bigint: boolean;
  /** Values are floating point numbers (f32, f64). */
  readonly float: boolean;
}

/**
 * The change of one column in a row update (see `update-codec.ts`): whether two values differ,
 * how the new value is written relative to the old one, and how it is read back.
 */
export interface DeltaCodec {
  same(a: unknown, b: unknown): boolean;
  put(w: BinaryWriter, old: unknown, next: unknown): void;
  /** Reads one change; with `skip` it only consumes the bytes and returns undefined. */
  get(r: BinaryReader, old: unknown, skip: boolean): unknown;
}

/**
 * Everything the engine, the wire, the log, the CLI and the SDK need to know about one column
 * kind. Every per-kind decision reads one of these records: adding a kind is writing one record
 * in `scalar-kinds.ts` (plus its test samples and golden bytes).
 *
 * Source-returning members (`checkSource`, `normalizeSource`, `logSource`) feed the compiled row
 * normaliser and log decoder: they return a JavaScript expression over the given variable name
 * with literal constants only, so the generated code stays straight-line.
 */
export interface ScalarKind<V = unknown> {
  /** The kind's name in schemas, the log's schema manifest and error messages. */
  readonly name: string;
  /**
   * The kind's byte in the wire's schema descriptor. Stable forever: never the kind's position in
   * any list, never reused, pinned by the golden frames.
   */
  readonly wireId: number;
  readonly flags: KindFlags;
  /** Inclusive range of an integer kind whose values are JavaScript numbers. */
  readonly range?: readonly [min: number, max: number] | undefined;
  /** What a valid value is, for messages: `u8 (integer 0..255)`. */
  readonly expected: string;
  /** True when `value` may be stored in a column of this kind. */
  check(value: unknown): boolean;
  /** {@link check} as an expression over `v`; absent: the compiled code calls `check`. */
  readonly checkSource?: ((v: string) => string) | undefined;
  /** The stored form of a valid value as an expression over `v` (f32 rounding); absent: unchanged. */
  readonly normalizeSource?: ((v: string) => string) | undefined;
  /** Writes a valid value in the wire and log format. */
  encode(w: BinaryWriter, value: V): void;
  /** Builds the reader of one column's values; `column` names the column in range errors. */
  decoder(column: string): (r: BinaryReader) => V;
  /** Builds the update delta of one column; absent: a changed value travels whole. */
  readonly delta?: ((column: string) => DeltaCodec) | undefined;
  /** The log decoder's expression reading one value from the `LogCursor` named `c`. */
  logSource(column: string): string;
  readonly hash: HashMix;
  /** Command-line text of a value (`tickspace history --key`, `inspect`). */
  readonly text: {
    /** What the text should be, for the error: `a number (u8)`. */
    readonly expects: string;
    /** The value the text denotes, or undefined when it denotes none. */
    parse(text: string): V | undefined;
  };
}
