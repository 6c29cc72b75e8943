import type { BinaryReader } from './binary-reader';
import { BinaryWriter } from './binary-writer';
import { CLIENT_MESSAGE, SERVER_MESSAGE } from './message-types';
import { decodeSchemaDescriptor, encodeSchemaDescriptor, type SchemaDescriptor } from './schema-descriptor';

/** A query a runtime migration ended: its table, or a column, index or followed table it uses, is gone. */
export interface EndedQuery {
  readonly queryId: number;
  readonly code: string;
  readonly message: string;
}

/** A decoded SCHEMA message: what a runtime migration changed for one client. */
export interface SchemaChange {
  /** The new schema's version (a SCHEMA_ACK names it). */
  readonly version: number;
  readonly schema: SchemaDescriptor;
  /** Ids, in the new schema, of the client's tables a RESET follows for (reshaped, or re-sent whole). */
  readonly resetTableIds: readonly number[];
  /** Queries that ended with the migration; every other query goes on. */
  readonly ended: readonly EndedQuery[];
}

/** Error messages in SCHEMA are cut like every other message on the wire. */
const MAX_MESSAGE_CHARS = 1024;
const clip = (s: string) => (s.length > MAX_MESSAGE_CHARS ? s.slice(0, MAX_MESSAGE_CHARS - 1) + '…' : s);

/**
 * The shared part of a migration's SCHEMA frames, encoded once per migration: the header and the
 * descriptor. Each client's frame adds its own reset tables and ended queries.
 */
export function encodeSchemaHead(version: number, schema: SchemaDescriptor): Uint8Array {
  const w = new BinaryWriter(1024).u8(SERVER_MESSAGE.SCHEMA).uvar(version);
  encodeSchemaDescriptor(w, schema);
  return w.toBytes();
}

/** One client's SCHEMA frame: the shared head from {@link encodeSchemaHead}, then its own part. */
export function encodeSchemaChange(
  head: Uint8Array,
  resetTableIds: readonly number[],
  ended: readonly EndedQuery[],
): Uint8Array {
  const w = new BinaryWriter(head.length + 16).raw(head).uvar(resetTableIds.length);
  for (const id of resetTableIds) w.uvar(id);
  w.uvar(ended.length);
  for (const e of ended) w.uvar(e.queryId).string(e.code).string(clip(e.message));
  return w.toBytes();
}

/** Reads a SCHEMA message after its tag. */
export function readSchemaChange(r: BinaryReader): SchemaChange {
  const version = r.uvar();
  const schema = decodeSchemaDescriptor(r);
  const nReset = r.uvar();
  if (nReset > r.remaining) r.fail(`reset table count ${nReset} exceeds the ${r.remaining} bytes left`);
  const resetTableIds: number[] = [];
  for (let i = 0; i < nReset; i++) {
    const id = r.uvar();
    if (!schema.tables.some((t) => t.id === id))
      r.fail(`reset table id ${id} is no public table of schema version ${version}`);
    resetTableIds.push(id);
  }
  const nEnded = r.uvar();
  if (nEnded > r.remaining) r.fail(`ended query count ${nEnded} exceeds the ${r.remaining} bytes left`);
  const ended: EndedQuery[] = [];
  for (let i = 0; i < nEnded; i++) ended.push({ queryId: r.uvar(), code: r.string(), message: r.string() });
  return { version, schema, resetTableIds, ended };
}

/** SCHEMA_ACK: the client swapped to schema `version`; its later frames are encoded with it. */
export function encodeSchemaAck(version: number): Uint8Array {
  return new BinaryWriter(8).u8(CLIENT_MESSAGE.SCHEMA_ACK).uvar(version).toBytes();
}
