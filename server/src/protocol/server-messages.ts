import { BinaryReader } from './binary-reader';
import { BinaryWriter } from './binary-writer';
import {
  PROTOCOL_VERSION,
  RESET_REASON,
  RESET_REASON_VERSION,
  RESULT_FLAG,
  RETURN_VALUE_VERSION,
  SERVER_MESSAGE,
  type ResetReason,
} from './message-types';
import type { ColumnShape } from './column-kinds';
import { readReturnValue, writeReturnValue } from './return-value';
import { readSchemaChange, type SchemaChange } from './schema-change';
import { decodeSchemaDescriptor, encodeSchemaDescriptor, type SchemaDescriptor } from './schema-descriptor';
import type { WireSchema, WireTable } from './wire-schema';

type AnyRow = Readonly<Record<string, unknown>>;

const RESET_REASONS: ReadonlySet<number> = new Set(Object.values(RESET_REASON));

/** The changes of one table inside a TICK_UPDATE, SUBSCRIBED or UNSUBSCRIBED message. */
export interface TableChanges {
  readonly tableId: number;
  /** Primary keys of rows that left the client's view. */
  readonly deletes: readonly unknown[];
  /** Rows that entered the client's view (the client replaces a row it already holds). */
  readonly inserts: readonly AnyRow[];
  /** Rows that changed in place: the client holds `old` and receives only the difference. */
  readonly updates: readonly { readonly old: AnyRow; readonly new: AnyRow }[];
}

/** A decoded server-to-client message header; table contents go to a {@link SectionVisitor}. */
export type ServerMessage =
  | {
      readonly type: 'identity';
      readonly identity: string;
      readonly token: string;
      readonly tick: number;
      readonly schema: SchemaDescriptor;
    }
  | { readonly type: 'subscribed'; readonly queryId: number; readonly tick: number }
  | { readonly type: 'unsubscribed'; readonly queryId: number; readonly tick: number }
  | { readonly type: 'tick'; readonly tick: number }
  | {
      readonly type: 'result';
      readonly requestId: number;
      readonly ok: true;
      /** The reducer's return value (version 6; undefined when it returned none). */
      readonly value?: unknown;
    }
  | {
      readonly type: 'result';
      readonly requestId: number;
      readonly ok: false;
      readonly code: string;
      readonly message: string;
    }
  | { readonly type: 'pong'; readonly nonce: number; readonly tick: number }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | {
      readonly type: 'subscribeError';
      readonly queryId: number;
      readonly code: string;
      readonly message: string;
    }
  | { readonly type: 'close'; readonly closeCode: number; readonly code: string; readonly message: string }
  | {
      readonly type: 'reset';
      readonly tick: number;
      /** Why (version 3; RESYNC from older servers). */
      readonly reason: ResetReason;
      /** The tick whose state the rows are (a rewind's target; `tick` unless history changed). */
      readonly stateOfTick: number;
    }
  | ({ readonly type: 'schema' } & SchemaChange);

/**
 * Receives table contents while a message is decoded, so the client applies updates straight
 * to its cache: an update body is a difference that only the holder of the old row can apply.
 */
export interface SectionVisitor {
  delete(table: WireTable, key: unknown): void;
  insert(table: WireTable, row: Record<string, unknown>): void;
  /** Must consume the body: `table.update.decode(reader, oldRow)` (undefined `oldRow` skips it). */
  update(table: WireTable, key: unknown, reader: BinaryReader): void;
  /** RESET: the table's complete content for this client. */
  reset(table: WireTable, rows: Record<string, unknown>[]): void;
}

/** Error messages on the wire are cut to this many characters. */
export const MAX_WIRE_MESSAGE_CHARS = 1024;
const clip = (s: string) =>
  s.length > MAX_WIRE_MESSAGE_CHARS ? s.slice(0, MAX_WIRE_MESSAGE_CHARS - 1) + '…' : s;

const writer = new BinaryWriter(1024);
const scratch = new BinaryWriter(1024);

/** Writes 32 hex characters as 16 raw bytes. */
export function writeIdentityBytes(w: BinaryWriter, identity: string): void {
  for (let i = 0; i < 32; i += 2) w.u8(parseInt(identity.slice(i, i + 2), 16));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function readIdentityBytes(r: BinaryReader): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += HEX[r.u8()];
  return s;
}

/** IDENTITY: the handshake answer. */
export function encodeIdentity(
  identity: string,
  token: string,
  tick: number,
  schema: SchemaDescriptor,
): Uint8Array {
  writer.reset().u8(SERVER_MESSAGE.IDENTITY);
  writeIdentityBytes(writer, identity);
  writer.string(token).uvar(tick);
  encodeSchemaDescriptor(writer, schema);
  return writer.toBytes();
}

/**
 * Writes table sections: per table its deletes, inserts and one run of updates (no-op updates
 * are left out). The subscription engine assembles the same layout from shared chunks; this is
 * the reference encoder.
 */
export function encodeTableSections(
  w: BinaryWriter,
  schema: WireSchema,
  tables: readonly TableChanges[],
): void {
  w.uvar(tables.length);
  for (const tc of tables) {
    const t = schema.table(tc.tableId);
    if (t === undefined) throw new RangeError(`no public table with id ${tc.tableId}`);
    w.uvar(t.id).uvar(tc.deletes.length);
    for (const k of tc.deletes) t.key.encode(w, k);
    w.uvar(tc.inserts.length);
    for (const row of tc.inserts) t.row.encode(w, row);
    scratch.reset();
    let count = 0;
    let prev = 0;
    const body = new BinaryWriter(64);
    for (const u of tc.updates) {
      body.reset();
      if (!t.update.encode(body, u.old, u.new)) continue;
      prev = t.writeEntryKey(scratch, t.key.of(u.new), prev);
      scratch.raw(body.view());
      count++;
    }
    if (count === 0) w.uvar(0);
    else w.uvar(1).uvar(count).raw(scratch.view());
  }
}

/** TICK_UPDATE. */
export function encodeTickUpdate(
  schema: WireSchema,
  tick: number,
  tables: readonly TableChanges[],
): Uint8Array {
  const w = new BinaryWriter(256).u8(SERVER_MESSAGE.TICK_UPDATE).uvar(tick);
  encodeTableSections(w, schema, tables);
  return w.toBytes();
}

/** SUBSCRIBED: the rows a new query adds to the client's cache. */
export function encodeSubscribed(
  schema: WireSchema,
  queryId: number,
  tick: number,
  tables: readonly TableChanges[],
): Uint8Array {
  const w = new BinaryWriter(256).u8(SERVER_MESSAGE.SUBSCRIBED).uvar(queryId).uvar(tick);
  encodeTableSections(w, schema, tables);
  return w.toBytes();
}

/** UNSUBSCRIBED: the rows that left the client's cache with the query. */
export function encodeUnsubscribed(
  schema: WireSchema,
  queryId: number,
  tick: number,
  tables: readonly TableChanges[],
): Uint8Array {
  const w = new BinaryWriter(256).u8(SERVER_MESSAGE.UNSUBSCRIBED).uvar(queryId).uvar(tick);
  encodeTableSections(w, schema, tables);
  return w.toBytes();
}

/** Why a RESET was sent, written for clients of version 3 and later. */
export interface ResetCause {
  readonly reason: ResetReason;
  /** The tick whose state the rows are. */
  readonly stateOfTick: number;
}

/**
 * RESET: the complete content of the listed tables for this client (after a rewind, or a resync).
 * `cause` is written for clients of {@link RESET_REASON_VERSION} and later; omit it for older ones.
 */
export function encodeReset(
  schema: WireSchema,
  tick: number,
  tables: readonly { readonly tableId: number; readonly rows: readonly AnyRow[] }[],
  cause?: ResetCause,
): Uint8Array {
  const w = new BinaryWriter(256).u8(SERVER_MESSAGE.RESET).uvar(tick);
  if (cause !== undefined) w.u8(cause.reason).uvar(cause.stateOfTick);
  w.uvar(tables.length);
  for (const tr of tables) {
    const t = schema.table(tr.tableId);
    if (t === undefined) throw new RangeError(`no public table with id ${tr.tableId}`);
    w.uvar(t.id).uvar(tr.rows.length);
    for (const row of tr.rows) t.row.encode(w, row);
  }
  return w.toBytes();
}

/** A call's outcome as {@link encodeResult} writes it. */
export type ResultFrame =
  | {
      readonly ok: true;
      /** The value the reducer returned, if it declared one. */
      readonly value?: unknown;
      /** The value's declared shape: written with it (set whenever `value` is meant to be sent). */
      readonly returns?: ColumnShape | undefined;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * RESULT of a reducer call. A success with a return value is written with it (flag 2) for clients
 * of {@link RETURN_VALUE_VERSION} and later, and as a plain success (flag 1) for older ones.
 * @example
 * encodeResult(7, { ok: true, value: 42, returns: { name: 'id', kind: 'u32' } }); // 85 07 02 02 2a (tag, request 7, flag VALUE, kind u32, 42 as a uvar)
 */
export function encodeResult(
  requestId: number,
  result: ResultFrame,
  version: number = PROTOCOL_VERSION,
): Uint8Array {
  writer.reset().u8(SERVER_MESSAGE.RESULT).uvar(requestId);
  if (!result.ok) writer.u8(RESULT_FLAG.ERROR).string(result.code).string(clip(result.message));
  else if (result.returns === undefined || version < RETURN_VALUE_VERSION) writer.u8(RESULT_FLAG.OK);
  else writeReturnValue(writer.u8(RESULT_FLAG.VALUE), result.returns, result.value);
  return writer.toBytes();
}

/**
 * The request id of a successful RESULT (`u8 tag, uvar requestId, u8 1`), read without a reader or
 * a message object: the bulk of what a call-heavy client receives. -1 for any other frame.
 */
export function okResultRequestId(frame: Uint8Array): number {
  if (frame[0] !== SERVER_MESSAGE.RESULT) return -1;
  let requestId = 0;
  let scale = 1;
  let i = 1;
  for (; i < frame.length && i < 9; i++) {
    const b = frame[i]!;
    requestId += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 0x80;
  }
  return i + 2 === frame.length && frame[i + 1] === 1 ? requestId : -1;
}

/** PONG with the server's last fanned-out tick. */
export function encodePong(nonce: number, tick: number): Uint8Array {
  return writer.reset().u8(SERVER_MESSAGE.PONG).uvar(nonce).uvar(tick).toBytes();
}

/** ERROR: a frame was refused. */
export function encodeError(code: string, message: string): Uint8Array {
  return writer.reset().u8(SERVER_MESSAGE.ERROR).string(code).string(clip(message)).toBytes();
}

/** SUBSCRIBE_ERROR: a query was refused. */
export function encodeSubscribeError(queryId: number, code: string, message: string): Uint8Array {
  return writer
    .reset()
    .u8(SERVER_MESSAGE.SUBSCRIBE_ERROR)
    .uvar(queryId)
    .string(code)
    .string(clip(message))
    .toBytes();
}

/** CLOSE: why the server is about to close the connection. */
export function encodeClose(closeCode: number, code: string, message: string): Uint8Array {
  return writer.reset().u8(SERVER_MESSAGE.CLOSE).uvar(closeCode).string(code).string(clip(message)).toBytes();
}

function count(r: BinaryReader, what: string): number {
  const n = r.uvar();
  if (n > r.remaining) r.fail(`${what} count ${n} exceeds the ${r.remaining} bytes left`);
  return n;
}

function readTable(r: BinaryReader, schema: WireSchema): WireTable {
  const id = r.uvar();
  const t = schema.table(id);
  if (t === undefined) r.fail(`unknown table id ${id}`);
  return t;
}

/** Reads table sections, handing every change to the visitor in wire order. */
export function readTableSections(r: BinaryReader, schema: WireSchema, visitor: SectionVisitor): void {
  const nTables = count(r, 'table');
  for (let i = 0; i < nTables; i++) {
    const t = readTable(r, schema);
    const nDel = count(r, 'delete');
    for (let j = 0; j < nDel; j++) visitor.delete(t, t.key.decode(r));
    const nIns = count(r, 'insert');
    for (let j = 0; j < nIns; j++) visitor.insert(t, t.row.decode(r));
    const nRuns = count(r, 'run');
    for (let j = 0; j < nRuns; j++) {
      const n = count(r, 'update');
      let prev = 0;
      for (let k = 0; k < n; k++) {
        const key = t.readEntryKey(r, prev);
        if (t.intKey) prev = key as number;
        visitor.update(t, key, r);
      }
    }
  }
}

const NO_SCHEMA = 'table contents before IDENTITY';

/**
 * Decodes one server frame. `schema` is needed for everything after IDENTITY; table contents go
 * to `visitor`. `version` is the protocol version the connection speaks (a RESET's layout depends on it).
 * @throws TickspaceError MALFORMED_FRAME
 */
export function decodeServerMessage(
  frame: Uint8Array,
  schema: WireSchema | undefined,
  visitor: SectionVisitor | undefined,
  version: number = PROTOCOL_VERSION,
): ServerMessage {
  const r = new BinaryReader(frame);
  const tag = r.u8();
  let msg: ServerMessage;
  switch (tag) {
    case SERVER_MESSAGE.IDENTITY: {
      const identity = readIdentityBytes(r);
      const token = r.string();
      const tick = r.uvar();
      msg = { type: 'identity', identity, token, tick, schema: decodeSchemaDescriptor(r) };
      break;
    }
    case SERVER_MESSAGE.SUBSCRIBED:
    case SERVER_MESSAGE.UNSUBSCRIBED: {
      const queryId = r.uvar();
      const tick = r.uvar();
      if (schema === undefined || visitor === undefined) return r.fail(NO_SCHEMA);
      readTableSections(r, schema, visitor);
      msg = { type: tag === SERVER_MESSAGE.SUBSCRIBED ? 'subscribed' : 'unsubscribed', queryId, tick };
      break;
    }
    case SERVER_MESSAGE.TICK_UPDATE: {
      const tick = r.uvar();
      if (schema === undefined || visitor === undefined) return r.fail(NO_SCHEMA);
      readTableSections(r, schema, visitor);
      msg = { type: 'tick', tick };
      break;
    }
    case SERVER_MESSAGE.RESULT: {
      const requestId = r.uvar();
      const flag = r.u8();
      if (flag === RESULT_FLAG.OK) msg = { type: 'result', requestId, ok: true };
      else if (flag === RESULT_FLAG.VALUE)
        msg = { type: 'result', requestId, ok: true, value: readReturnValue(r).value };
      else if (flag === RESULT_FLAG.ERROR)
        msg = { type: 'result', requestId, ok: false, code: r.string(), message: r.string() };
      else return r.fail(`result flag must be 0, 1 or 2, got ${flag}`);
      break;
    }
    case SERVER_MESSAGE.PONG:
      msg = { type: 'pong', nonce: r.uvar(), tick: r.uvar() };
      break;
    case SERVER_MESSAGE.ERROR:
      msg = { type: 'error', code: r.string(), message: r.string() };
      break;
    case SERVER_MESSAGE.SUBSCRIBE_ERROR:
      msg = { type: 'subscribeError', queryId: r.uvar(), code: r.string(), message: r.string() };
      break;
    case SERVER_MESSAGE.CLOSE:
      msg = { type: 'close', closeCode: r.uvar(), code: r.string(), message: r.string() };
      break;
    case SERVER_MESSAGE.RESET: {
      const tick = r.uvar();
      let reason: ResetReason = RESET_REASON.RESYNC;
      let stateOfTick = tick;
      if (version >= RESET_REASON_VERSION) {
        const code = r.u8();
        if (!RESET_REASONS.has(code)) return r.fail(`unknown RESET reason ${code}`);
        reason = code as ResetReason;
        stateOfTick = r.uvar();
      }
      if (schema === undefined || visitor === undefined) return r.fail(NO_SCHEMA);
      const n = count(r, 'table');
      for (let i = 0; i < n; i++) {
        const t = readTable(r, schema);
        const rows: Record<string, unknown>[] = [];
        const nRows = count(r, 'row');
        for (let j = 0; j < nRows; j++) rows.push(t.row.decode(r));
        visitor.reset(t, rows);
      }
      msg = { type: 'reset', tick, reason, stateOfTick };
      break;
    }
    case SERVER_MESSAGE.SCHEMA:
      msg = { type: 'schema', ...readSchemaChange(r) };
      break;
    case SERVER_MESSAGE.BATCH:
      return r.fail('BATCH is a container, not a message: split it with decodeBatch');
    default:
      return r.fail(`unknown server message tag 0x${tag.toString(16)}`);
  }
  if (r.remaining !== 0) r.fail(`${r.remaining} trailing byte(s)`);
  return msg;
}
