import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import type { ScalarKind } from './kinds/kind';
import { SCALAR_KINDS, type ScalarKindName } from './kinds/scalar-kinds';

/**
 * The column kind registry: the records of `kinds/scalar-kinds.ts` plus `optional`, the one
 * composite kind (a value of its inner kind, or undefined). Every codec, check and compiler asks
 * this file what a shape does; none of them switches over kind names, and only this file knows
 * how `optional` wraps its inner kind.
 */

export type { ScalarKind, HashMix, DeltaCodec } from './kinds/kind';
export { SCALAR_KINDS, IDENTITY_PATTERN } from './kinds/scalar-kinds';
export type { ScalarKindName, KindValue, Identity } from './kinds/scalar-kinds';

/** The composite kind: its name and its stable wire id. */
export const OPTIONAL = { name: 'optional', wireId: 14 } as const;

/** A column type name: a scalar kind or `optional`. */
export type ColumnKind = ScalarKindName | typeof OPTIONAL.name;

const SCALARS: Readonly<Record<string, ScalarKind<any>>> = SCALAR_KINDS;
const ALL = [...Object.values(SCALARS), OPTIONAL].sort((a, b) => a.wireId - b.wireId);

const BY_WIRE_ID: (ColumnKind | undefined)[] = [];
for (const k of ALL) {
  if (!Number.isInteger(k.wireId) || k.wireId < 0 || k.wireId > 0xff)
    throw new Error(`column kind '${k.name}' has wire id ${k.wireId}, not a byte`);
  if (BY_WIRE_ID[k.wireId] !== undefined)
    throw new Error(`column kinds '${BY_WIRE_ID[k.wireId]}' and '${k.name}' share wire id ${k.wireId}`);
  BY_WIRE_ID[k.wireId] = k.name as ColumnKind;
}

/** Every column type name, in wire id order: a listing, never the source of the ids. */
export const COLUMN_KINDS: readonly ColumnKind[] = ALL.map((k) => k.name as ColumnKind);

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

/** The record of a kind; undefined for `optional` (and for a name that is no kind). */
export function scalarKind(kind: string): ScalarKind | undefined {
  return Object.hasOwn(SCALARS, kind) ? SCALARS[kind] : undefined;
}

/** True when `kind` names a column kind. */
export function isColumnKind(kind: string): kind is ColumnKind {
  return kind === OPTIONAL.name || scalarKind(kind) !== undefined;
}

/** The schema descriptor's byte for a kind. */
export function wireIdOf(kind: ColumnKind): number {
  return kind === OPTIONAL.name ? OPTIONAL.wireId : SCALARS[kind]!.wireId;
}

/** The kind a schema descriptor's byte names, or undefined. */
export function kindOfWireId(id: number): ColumnKind | undefined {
  return BY_WIRE_ID[id];
}

/** True for integer kinds carried as numbers (at most 32 bits): auto-increment and key-run columns. */
export function isSmallInteger(kind: ColumnKind): boolean {
  return scalarKind(kind)?.range !== undefined;
}

/** True for kinds a spatial index may use: numbers that are not bigints. */
export function isSpatialKind(kind: ColumnKind): boolean {
  const k = scalarKind(kind);
  return k !== undefined && (k.range !== undefined || k.flags.float);
}

function innerOf<S extends ValueShape>(shape: S): S {
  if (shape.inner === undefined) throw new TypeError(`an optional column needs an inner kind`);
  return shape.inner as S;
}

function scalarOf(shape: ValueShape): ScalarKind {
  const k = scalarKind(shape.kind);
  if (k === undefined) throw new TypeError(`unknown column kind ${String(shape.kind)}`);
  return k;
}

/** Why `value` does not fit `shape`, or undefined when it fits. */
export function checkShape(
  shape: ValueShape,
  value: unknown,
  describe: (v: unknown) => string,
): string | undefined {
  if (shape.kind === OPTIONAL.name)
    return value === undefined ? undefined : checkShape(innerOf(shape), value, describe);
  const k = scalarKind(shape.kind);
  if (k === undefined) return `unknown column kind ${String(shape.kind)}`;
  return k.check(value) ? undefined : `expected ${k.expected}, got ${describe(value)}`;
}

/** A predicate for values of `shape`, built once. */
export function shapePredicate(shape: ValueShape): (value: unknown) => boolean {
  if (shape.kind === OPTIONAL.name) {
    const inner = shapePredicate(innerOf(shape));
    return (v) => v === undefined || inner(v);
  }
  return scalarOf(shape).check;
}

/** The check of `shape` as an expression over `v`, or undefined when it must call {@link shapePredicate}. */
export function checkSource(shape: ValueShape, v: string): string | undefined {
  if (shape.kind === OPTIONAL.name) {
    const inner = checkSource(innerOf(shape), v);
    return inner === undefined ? undefined : `(${v} === undefined || ${inner})`;
  }
  return scalarOf(shape).checkSource?.(v);
}

/** The stored form of a valid value of `shape` as an expression over `v`, or undefined when it is `v`. */
export function normalizeSource(shape: ValueShape, v: string): string | undefined {
  if (shape.kind === OPTIONAL.name) {
    const inner = normalizeSource(innerOf(shape), v);
    return inner === undefined ? undefined : `(${v} === undefined ? ${v} : ${inner})`;
  }
  return scalarOf(shape).normalizeSource?.(v);
}

const NORMALIZERS = new Map<string, (v: unknown) => unknown>();

/** The stored form of a valid value of `shape` (see {@link normalizeSource}). */
export function normalizeShape(shape: ValueShape, value: unknown): unknown {
  if (shape.kind === OPTIONAL.name)
    return value === undefined ? value : normalizeShape(innerOf(shape), value);
  let f = NORMALIZERS.get(shape.kind);
  if (f === undefined) {
    const source = scalarKind(shape.kind)?.normalizeSource?.('v');
    f = source === undefined ? (v) => v : (new Function('v', `return ${source};`) as (v: unknown) => unknown);
    NORMALIZERS.set(shape.kind, f);
  }
  return f(value);
}

/** Writes one value of `shape`: the wire's and the log's byte format. */
export function shapeEncoder(shape: ColumnShape): (w: BinaryWriter, v: unknown) => void {
  if (shape.kind === OPTIONAL.name) {
    const inner = shapeEncoder(innerOf(shape));
    return (w, v) => {
      if (v === undefined) w.u8(0);
      else {
        w.u8(1);
        inner(w, v);
      }
    };
  }
  return scalarOf(shape).encode as (w: BinaryWriter, v: unknown) => void;
}

/** Reads one value of `shape`, range-checked. */
export function shapeDecoder(shape: ColumnShape): (r: BinaryReader) => unknown {
  if (shape.kind === OPTIONAL.name) {
    const inner = shapeDecoder(innerOf(shape));
    return (r) => {
      const tag = r.u8();
      if (tag === 0) return undefined;
      if (tag !== 1) r.fail(`optional '${shape.name}' tag must be 0 or 1, got ${tag}`);
      return inner(r);
    };
  }
  return scalarOf(shape).decoder(shape.name);
}

/** The log decoder's expression reading one value of `shape` from the `LogCursor` named `c`. */
export function logSource(shape: ColumnShape): string {
  if (shape.kind === OPTIONAL.name)
    return `(c.opt(${JSON.stringify(shape.name)}) ? ${logSource(innerOf(shape))} : undefined)`;
  return scalarOf(shape).logSource(shape.name);
}

/** A value of `shape` parsed from command-line text, or what the text should have been. */
export function parseShapeText(
  shape: ValueShape,
  text: string,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly expects: string } {
  if (shape.kind === OPTIONAL.name)
    return text === 'none' ? { ok: true, value: undefined } : parseShapeText(innerOf(shape), text);
  const k = scalarOf(shape);
  const value = k.text.parse(text);
  return value === undefined ? { ok: false, expects: k.text.expects } : { ok: true, value };
}
