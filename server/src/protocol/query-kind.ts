import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { TickspaceError } from './errors';
import type { WireSchema, WireTable } from './wire-schema';

/** Every row of a table the client may see: the part every query kind shares. */
export interface TableQuery {
  readonly table: string;
}

/**
 * The wire half of one query kind: its tag, how its query is written and read after the tag and
 * the table id, and how it reads in an error message. Each kind lives in its own file
 * (`query-<kind>.ts`) and is listed in {@link WIRE_QUERY_KINDS}; the engine's half
 * (`engine/subscriptions/kind-<kind>.ts`) builds and maintains the query on the server.
 */
export interface WireQueryKind<Q extends TableQuery, N extends string = string> {
  /** The kind's name, the key the engine's half is registered under. */
  readonly name: N;
  /**
   * The property a query of this kind carries besides `table` (`rect`, `near`...), which tells the
   * kinds apart; undefined for the whole-table kind, the one a query without any of them is.
   */
  readonly property: string | undefined;
  /** Its {@link QUERY_KIND} tag, the first byte of the query on the wire (its low 5 bits). */
  readonly tag: number;
  /**
   * The kind's own flags for this query, bits of {@link KIND_FLAGS} set in the tag byte (say,
   * that an optional field follows). A kind without this method sets none and refuses any.
   */
  flags?(q: Q): number;
  /**
   * Writes the query's own part (the tag and the table id are written already).
   * @throws TickspaceError UNKNOWN_TABLE, UNKNOWN_INDEX
   */
  encode(w: BinaryWriter, schema: WireSchema, table: WireTable, q: Q): void;
  /**
   * Reads what {@link encode} wrote, given the {@link flags} the tag byte carried. Values are
   * type-checked by their column codecs; geometry and bounds are the subscription engine's to validate.
   * @throws TickspaceError MALFORMED_FRAME, UNKNOWN_TABLE, UNKNOWN_INDEX
   */
  decode(r: BinaryReader, schema: WireSchema, table: WireTable, flags: number): Q;
  /** A short human description, for error messages. */
  describe(q: Q): string;
}

/** The tag byte's bits that belong to the query's kind (see {@link WireQueryKind.flags}). */
export const KIND_FLAGS = 0x20;

/** The tag byte's bits that name the kind. */
export const KIND_TAG_MASK = 0x1f;

/**
 * The public table named `name`.
 * @throws TickspaceError UNKNOWN_TABLE
 */
export function wireTableByName(schema: WireSchema, name: string): WireTable {
  const t = schema.tableByName(name);
  if (t === undefined)
    throw new TickspaceError('UNKNOWN_TABLE', `no public table named '${name}'`, {
      details: { table: name },
    });
  return t;
}

/**
 * Reads a table id and returns its public table.
 * @throws TickspaceError MALFORMED_FRAME, UNKNOWN_TABLE
 */
export function readWireTable(r: BinaryReader, schema: WireSchema): WireTable {
  const id = r.uvar();
  const t = schema.table(id);
  if (t === undefined)
    throw new TickspaceError('UNKNOWN_TABLE', `no public table with id ${id}`, { details: { tableId: id } });
  return t;
}

/**
 * The number of the index named `name`.
 * @throws TickspaceError UNKNOWN_INDEX
 */
export function wireIndexNumber(t: WireTable, name: string): number {
  const i = t.descriptor.indexes.findIndex((ix) => ix.name === name);
  if (i < 0)
    throw new TickspaceError('UNKNOWN_INDEX', `table '${t.name}' has no index '${name}'`, {
      details: { table: t.name, index: name },
    });
  return i;
}

/**
 * Reads an index number and returns that index.
 * @throws TickspaceError MALFORMED_FRAME, UNKNOWN_INDEX
 */
export function readWireIndex(r: BinaryReader, t: WireTable): WireTable['descriptor']['indexes'][number] {
  const ixNo = r.uvar();
  const ix = t.descriptor.indexes[ixNo];
  if (ix === undefined)
    throw new TickspaceError('UNKNOWN_INDEX', `table '${t.name}' has no index number ${ixNo}`, {
      details: { table: t.name, index: ixNo },
    });
  return ix;
}
