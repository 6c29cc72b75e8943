import { OPTIONAL, scalarKind, type HashMix } from '../protocol/column-kinds';
import type { AnyColumn } from './schema';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const SAFE = 2n ** 53n;
const NEG_SAFE = -SAFE;

function mix(h: number, v: number): number {
  h = Math.imul(h ^ v, 0x5bd1e995);
  return h ^ (h >>> 15);
}

function mixString(h: number, s: string): number {
  h = mix(h, s.length);
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return h;
}

function mixFloat(h: number, v: number): number {
  f64[0] = v;
  return mix(mix(h, u32[0]!), u32[1]!);
}

function mixBig(h: number, v: bigint): number {
  // Within ±2^53 the Number conversion is exact and allocates nothing.
  return v > NEG_SAFE && v < SAFE ? mixFloat(h, Number(v)) : mixString(h, v.toString(36));
}

function mixBytes(h: number, b: Uint8Array): number {
  h = mix(h, b.length);
  for (let i = 0; i < b.length; i++) h = mix(h, b[i]!);
  return h;
}

interface Mix {
  readonly fn: (h: number, v: never) => number;
  /** The same mix in compiled code, over the value `v` (as `prepare` left it). */
  readonly source: (lane: string) => string;
  /**
   * Compiled code run once per value before both lanes mix it: work the two lanes share, so it is
   * not done twice (a bigint's range test and conversion).
   */
  readonly prepare?: string;
}

/** The mix of each kind's record `hash`. */
const MIXES: Readonly<Record<HashMix, Mix>> = {
  int: { fn: mix, source: (h) => `mix(${h}, v)` },
  float: { fn: mixFloat, source: (h) => `mixFloat(${h}, v)` },
  // mixBig split in two: the conversion once per value, the mix per lane.
  bigint: {
    fn: mixBig,
    source: (h) => `(typeof v === 'number' ? mixFloat(${h}, v) : mixString(${h}, v))`,
    prepare: `if (typeof v === 'bigint') v = v > NEG_SAFE && v < SAFE ? Number(v) : v.toString(36);`,
  },
  bool: { fn: (h: number, v: boolean) => mix(h, v ? 1 : 2), source: (h) => `mix(${h}, v ? 1 : 2)` },
  string: { fn: mixString, source: (h) => `mixString(${h}, v)` },
  bytes: { fn: mixBytes, source: (h) => `mixBytes(${h}, v)` },
};

function mixValue(h: number, column: AnyColumn, value: unknown): number {
  if (column.kind === OPTIONAL.name)
    return value === undefined ? mix(h, 0x9e3779b9) : mixValue(mix(h, 1), column.inner!, value);
  // The kind is known only at run time, so no type ties `value` to the mix's parameter: the row
  // was validated against the column's kind before it was hashed, which is what makes this sound.
  return MIXES[scalarKind(column.kind)!.hash].fn(h, value as never);
}

function finish(h: number): number {
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hashes one row into two independent 32-bit lanes written to `out`. */
export type RowHasher = (row: Readonly<Record<string, unknown>>, out: Uint32Array) => void;

/** The mix of one column's value `v` into `lane`, as an expression: straight-line, no lookups per row. */
function mixSource(column: AnyColumn, lane: string): string {
  if (column.kind === OPTIONAL.name)
    return `(v === undefined ? mix(${lane}, 0x9e3779b9) : ${mixSource(column.inner!, `mix(${lane}, 1)`)})`;
  return MIXES[scalarKind(column.kind)!.hash].source(lane);
}

/** The column's shared per-value work (see Mix.prepare), or '' when it has none. */
function prepareSource(column: AnyColumn): string {
  const scalar = column.kind === OPTIONAL.name ? column.inner! : column;
  return MIXES[scalarKind(scalar.kind)!.hash].prepare ?? '';
}

function mixExpr(column: AnyColumn, lane: string): string {
  return `${lane} = ${mixSource(column, lane)};`;
}

/**
 * Compiles the hasher of one table once: straight-line code, one mix per column per lane.
 * The state hash is the lane-wise sum of every row's hash, mod 2^32, so it is independent of
 * row order and can be maintained incrementally (add on insert, subtract on delete).
 */
export function compileRowHasher(
  tableId: number,
  columns: readonly AnyColumn[],
  names: readonly string[],
): RowHasher {
  const body: string[] = [
    `let a = ${(0x811c9dc5 ^ tableId) | 0}; let b = ${(0x01000193 + Math.imul(tableId, 0x9e3779b1)) | 0}; let v;`,
  ];
  for (let i = 0; i < columns.length; i++) {
    body.push(`v = row[${JSON.stringify(names[i])}]; ${prepareSource(columns[i]!)}`);
    body.push(mixExpr(columns[i]!, 'a'));
    body.push(`b ^= 0x27d4eb2f; ${mixExpr(columns[i]!, 'b')}`);
  }
  body.push(`out[0] = finish(a); out[1] = finish(b ^ a);`);
  const factory = new Function(
    'mix',
    'mixString',
    'mixFloat',
    'mixBig',
    'mixBytes',
    'finish',
    'SAFE',
    'NEG_SAFE',
    `return function hashRow(row, out) {\n${body.join('\n')}\n};`,
  );
  return factory(mix, mixString, mixFloat, mixBig, mixBytes, finish, SAFE, NEG_SAFE) as RowHasher;
}

/** Hashes one row without a compiled hasher (tests, tools). Same result as the compiled one. */
export function hashRow(
  tableId: number,
  columns: readonly AnyColumn[],
  names: readonly string[],
  row: Record<string, unknown>,
  out: Uint32Array,
): void {
  let a = (0x811c9dc5 ^ tableId) | 0;
  let b = (0x01000193 + Math.imul(tableId, 0x9e3779b1)) | 0;
  for (let i = 0; i < columns.length; i++) {
    const value = row[names[i]!];
    a = mixValue(a, columns[i]!, value);
    b ^= 0x27d4eb2f;
    b = mixValue(b, columns[i]!, value);
  }
  out[0] = finish(a);
  out[1] = finish(b ^ a);
}
