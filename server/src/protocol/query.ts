import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { TickspaceError } from './errors';
import { QUERY_KIND } from './message-types';
import { compileValueCodec } from './row-codec';
import type { WireSchema, WireTable } from './wire-schema';

/** An axis-aligned rectangle, bounds inclusive. */
export interface RectArea {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/**
 * A circle with hysteresis: a row enters when its distance is at most `radius` and leaves only
 * when it exceeds `exitRadius`, so a row jittering on the border does not flap.
 */
export interface CircleArea {
  readonly radius: number;
  /** @default radius (no hysteresis) */
  readonly exitRadius?: number;
}

/** Every row of a table the client may see. */
export interface TableQuery {
  readonly table: string;
}
/** Rows whose index columns equal `value` (a tuple for a composite index). */
export interface IndexQuery extends TableQuery {
  readonly where: { readonly index: string; readonly value: unknown };
}
/** Rows inside a fixed rectangle (spatial tables). */
export interface RectQuery extends TableQuery {
  readonly rect: RectArea;
}
/** Rows within a fixed circle (spatial tables). */
export interface NearQuery extends TableQuery {
  readonly near: CircleArea & { readonly x: number; readonly y: number };
}
/**
 * Rows within a circle that follows a row (usually the player's own entity): the server moves the
 * area as that row moves, without round trips. The followed table needs a spatial index (its x/y
 * columns give the centre). While the followed row does not exist, the query holds no rows.
 */
export interface FollowQuery extends TableQuery {
  readonly follow: CircleArea & { readonly table: string; readonly key: unknown };
}

/** A subscription query, by table and index names. */
export type Query = TableQuery | IndexQuery | RectQuery | NearQuery | FollowQuery;

/** A short human description of a query, for error messages. */
export function describeQuery(q: Query): string {
  if ('where' in q) return `${q.table} where ${q.where.index} = ${String(q.where.value)}`;
  if ('rect' in q)
    return `${q.table} in rect [${q.rect.minX}, ${q.rect.minY}, ${q.rect.maxX}, ${q.rect.maxY}]`;
  if ('near' in q) return `${q.table} near (${q.near.x}, ${q.near.y}) r=${q.near.radius}`;
  if ('follow' in q)
    return `${q.table} following ${q.follow.table} ${String(q.follow.key)} r=${q.follow.radius}`;
  return `${q.table} (whole table)`;
}

function tableOf(schema: WireSchema, name: string): WireTable {
  const t = schema.tableByName(name);
  if (t === undefined)
    throw new TickspaceError('UNKNOWN_TABLE', `no public table named '${name}'`, {
      details: { table: name },
    });
  return t;
}

function indexOf(t: WireTable, name: string): number {
  const i = t.descriptor.indexes.findIndex((ix) => ix.name === name);
  if (i < 0)
    throw new TickspaceError('UNKNOWN_INDEX', `table '${t.name}' has no index '${name}'`, {
      details: { table: t.name, index: name },
    });
  return i;
}

/**
 * Writes a query, names resolved to ids.
 * @throws TickspaceError UNKNOWN_TABLE, UNKNOWN_INDEX
 */
export function encodeQuery(w: BinaryWriter, schema: WireSchema, q: Query): void {
  const t = tableOf(schema, q.table);
  if ('where' in q) {
    const ix = indexOf(t, q.where.index);
    const cols = t.descriptor.indexes[ix]!.columns;
    w.u8(QUERY_KIND.INDEX_EQ).uvar(t.id).uvar(ix);
    const values = cols.length === 1 ? [q.where.value] : (q.where.value as readonly unknown[]);
    for (let i = 0; i < cols.length; i++)
      compileValueCodec(t.descriptor.columns[cols[i]!]!).encode(w, values[i]);
  } else if ('rect' in q) {
    w.u8(QUERY_KIND.RECT).uvar(t.id).f64(q.rect.minX).f64(q.rect.minY).f64(q.rect.maxX).f64(q.rect.maxY);
  } else if ('near' in q) {
    w.u8(QUERY_KIND.RADIUS)
      .uvar(t.id)
      .f64(q.near.x)
      .f64(q.near.y)
      .f64(q.near.radius)
      .f64(q.near.exitRadius ?? q.near.radius);
  } else if ('follow' in q) {
    const f = tableOf(schema, q.follow.table);
    w.u8(QUERY_KIND.FOLLOW).uvar(t.id).uvar(f.id);
    f.key.encode(w, q.follow.key);
    w.f64(q.follow.radius).f64(q.follow.exitRadius ?? q.follow.radius);
  } else w.u8(QUERY_KIND.TABLE).uvar(t.id);
}

function readTable(r: BinaryReader, schema: WireSchema): WireTable {
  const id = r.uvar();
  const t = schema.table(id);
  if (t === undefined)
    throw new TickspaceError('UNKNOWN_TABLE', `no public table with id ${id}`, { details: { tableId: id } });
  return t;
}

/**
 * Reads a query written by {@link encodeQuery}. Values are type-checked by their column codecs;
 * geometry (finite numbers, ordered bounds) is the subscription engine's to validate.
 * @throws TickspaceError MALFORMED_FRAME, UNKNOWN_TABLE, UNKNOWN_INDEX
 */
export function decodeQuery(r: BinaryReader, schema: WireSchema): Query {
  const kind = r.u8();
  switch (kind) {
    case QUERY_KIND.TABLE:
      return { table: readTable(r, schema).name };
    case QUERY_KIND.INDEX_EQ: {
      const t = readTable(r, schema);
      const ixNo = r.uvar();
      const ix = t.descriptor.indexes[ixNo];
      if (ix === undefined)
        throw new TickspaceError('UNKNOWN_INDEX', `table '${t.name}' has no index number ${ixNo}`, {
          details: { table: t.name, index: ixNo },
        });
      const values = ix.columns.map((c) => compileValueCodec(t.descriptor.columns[c]!).decode(r));
      return { table: t.name, where: { index: ix.name, value: values.length === 1 ? values[0] : values } };
    }
    case QUERY_KIND.RECT: {
      const t = readTable(r, schema);
      return { table: t.name, rect: { minX: r.f64(), minY: r.f64(), maxX: r.f64(), maxY: r.f64() } };
    }
    case QUERY_KIND.RADIUS: {
      const t = readTable(r, schema);
      return { table: t.name, near: { x: r.f64(), y: r.f64(), radius: r.f64(), exitRadius: r.f64() } };
    }
    case QUERY_KIND.FOLLOW: {
      const t = readTable(r, schema);
      const f = readTable(r, schema);
      const key = f.key.decode(r);
      return { table: t.name, follow: { table: f.name, key, radius: r.f64(), exitRadius: r.f64() } };
    }
    default:
      return r.fail(`unknown query kind ${kind}`);
  }
}
