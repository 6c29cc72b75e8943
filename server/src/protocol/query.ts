import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import {
  KIND_FLAGS,
  KIND_TAG_MASK,
  readWireTable,
  wireTableByName,
  type TableQuery,
  type WireQueryKind,
} from './query-kind';
import { FOLLOW_QUERY, FOLLOW_STEP_VERSION } from './query-follow';
import { INDEX_QUERY } from './query-index';
import { decodeLod, encodeLod, LOD_FLAG, LOD_VERSION, type LodSpec } from './query-lod';
import { NEAR_QUERY } from './query-near';
import { RANGE_QUERY } from './query-range';
import { RECT_QUERY } from './query-rect';
import { TABLE_QUERY } from './query-table';
import type { WireSchema } from './wire-schema';

export type { TableQuery, WireQueryKind } from './query-kind';
export type { IndexQuery } from './query-index';
export type { RectArea, RectQuery } from './query-rect';
export type { CircleArea, NearQuery } from './query-near';
export type { FollowArea, FollowQuery, FollowStep } from './query-follow';
export type { RangeQuery } from './query-range';
export type { LodSpec } from './query-lod';

/**
 * Every query kind's wire half, the one list the codec (and the engine, for its half) iterates.
 * A new kind is a `query-<kind>.ts` file listed here, its tag in {@link QUERY_KIND} and its
 * engine half; the {@link Query} union follows from this list.
 */
export const WIRE_QUERY_KINDS = [
  TABLE_QUERY,
  INDEX_QUERY,
  RECT_QUERY,
  NEAR_QUERY,
  FOLLOW_QUERY,
  RANGE_QUERY,
] as const;

type QueryOf<K> = K extends WireQueryKind<infer Q, string> ? Q : never;

/** A subscription query, by table and index names: one of the {@link WIRE_QUERY_KINDS}' queries. */
export type Query = QueryOf<(typeof WIRE_QUERY_KINDS)[number]>;

/** The name of a registered query kind. */
export type QueryKindName = (typeof WIRE_QUERY_KINDS)[number]['name'];

/** The query of the kind named `N`. */
export type QueryOfKind<N extends QueryKindName> = QueryOf<
  Extract<(typeof WIRE_QUERY_KINDS)[number], { name: N }>
>;

type AnyWireKind = WireQueryKind<Query, QueryKindName>;
const byTag: (AnyWireKind | undefined)[] = [];
const byProperty = new Map<string, AnyWireKind>();
let wholeTable: AnyWireKind | undefined;
for (const k of WIRE_QUERY_KINDS as readonly AnyWireKind[]) {
  byTag[k.tag] = k;
  if (k.property === undefined) wholeTable = k;
  else byProperty.set(k.property, k);
}

/**
 * The kind of a query: the registered kind whose property the query carries, or the whole-table
 * kind when it carries none.
 */
export function queryKindOf(q: TableQuery): WireQueryKind<Query, QueryKindName> {
  // In registry order, so a query carrying two kinds' properties always reads as the same kind.
  for (const [p, k] of byProperty) if (p in q) return k;
  return wholeTable!;
}

/** A query's level-of-detail declaration, if it carries one (only circle kinds may; the engine checks). */
export function queryLod(q: TableQuery): LodSpec | undefined {
  return (q as { readonly lod?: LodSpec }).lod;
}

/**
 * The newest wire feature a query uses and the protocol version that brought it, or undefined
 * when every version can carry it: a server refuses the query from a client of an older version.
 */
export function queryFeature(q: Query): { readonly feature: string; readonly version: number } | undefined {
  if ('follow' in q && typeof q.follow === 'object' && q.follow !== null && q.follow.step !== undefined)
    return { feature: 'follow step', version: FOLLOW_STEP_VERSION };
  if (queryLod(q) !== undefined) return { feature: 'level of detail', version: LOD_VERSION };
  return undefined;
}

/** A short human description of a query, for error messages. */
export function describeQuery(q: Query): string {
  const lod = queryLod(q);
  const base = queryKindOf(q).describe(q);
  if (lod === undefined) return base;
  // Described before it is checked: a malformed declaration must still make a message.
  const l = (typeof lod === 'object' && lod !== null ? lod : {}) as Partial<LodSpec>;
  return `${base} lod r=${String(l.radius)} every ${String(l.every)}`;
}

/**
 * Writes a query, names resolved to ids: its kind's tag (with the kind's own flags, and
 * {@link LOD_FLAG} for a level of detail), the table id, then the kind's own part. A query with a
 * level-of-detail declaration ends with it (protocol version 5); one without is written exactly
 * as in version 4.
 * @throws TickspaceError UNKNOWN_TABLE, UNKNOWN_INDEX
 */
export function encodeQuery(w: BinaryWriter, schema: WireSchema, q: Query): void {
  const t = wireTableByName(schema, q.table);
  const kind = queryKindOf(q);
  const lod = queryLod(q);
  const flags = (kind.flags?.(q) ?? 0) & KIND_FLAGS;
  w.u8(kind.tag | flags | (lod === undefined ? 0 : LOD_FLAG)).uvar(t.id);
  kind.encode(w, schema, t, q);
  if (lod !== undefined) encodeLod(w, lod);
}

/**
 * Reads a query written by {@link encodeQuery}. Values are type-checked by their column codecs;
 * geometry (finite numbers, ordered bounds) is the subscription engine's to validate.
 * @throws TickspaceError MALFORMED_FRAME, UNKNOWN_TABLE, UNKNOWN_INDEX
 */
export function decodeQuery(r: BinaryReader, schema: WireSchema): Query {
  const byte = r.u8();
  const kind = (byte & 0x80) === 0 ? byTag[byte & KIND_TAG_MASK] : undefined;
  if (kind === undefined) return r.fail(`unknown query kind ${byte}`);
  const flags = byte & KIND_FLAGS;
  if (flags !== 0 && kind.flags === undefined)
    return r.fail(`query kind '${kind.name}' has no flags (tag byte ${byte})`);
  const q = kind.decode(r, schema, readWireTable(r, schema), flags);
  return (byte & LOD_FLAG) === 0 ? q : { ...q, lod: decodeLod(r) };
}
