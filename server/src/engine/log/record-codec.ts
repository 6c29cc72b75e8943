import { BinaryReader } from '../../protocol/binary-reader';
import { BinaryWriter } from '../../protocol/binary-writer';
import type { ColumnShape } from '../../protocol/column-kinds';
import { decodeSystemPayload, encodedAhead, encodeSystemPayload } from './system-payload';
import { TickspaceError } from '../../protocol/errors';
import { readReturnValue, writeReturnValue } from '../../protocol/return-value';
import { compileRowCodec, compileValueCodec, type RowCodec } from '../../protocol/row-codec';
import { OP, type AnyRow, type OpKind } from '../change-set';
import { CALL_ORIGIN, type CallOrigin, type CallResult, type Engine, type TickRecord } from '../engine';
import type { Identity } from '../identity';
import type { ModuleDef } from '../module';
import { columnShapes } from '../schema';
import { crc32c, crc32cCombine } from './crc32c';
import { LogCursor, compileRowDecoder } from './row-decoder';
import { RECORD_FRAME_BYTES } from './format';

/** What the log needs to know about one table: its columns in order and its primary key. */
export interface LogTableShape {
  readonly name: string;
  readonly columns: readonly ColumnShape[];
  /** Primary key column names, in key order. */
  readonly primaryKey: readonly string[];
  /** The auto-increment column, if any (replaying an insert advances its counter). */
  readonly autoIncColumn?: string | undefined;
}

/** The shapes a record codec is compiled from: tables in table-id order, reducer argument columns by name. */
export interface LogSchema {
  readonly tables: readonly LogTableShape[];
  readonly reducers: ReadonlyMap<string, readonly ColumnShape[]>;
}

/** One reducer call as logged. */
export interface LoggedCall {
  readonly origin: CallOrigin;
  readonly reducer: string;
  readonly sender: Identity;
  /** Schedule row id for scheduled calls, else 0. */
  readonly scheduleId: number;
  /** Decoded arguments; undefined when the schema no longer knows the reducer (see `argsBytes`). */
  readonly args: Record<string, unknown> | undefined;
  /** The arguments as encoded with the reducer's argument codec. */
  readonly argsBytes: Uint8Array;
  readonly result: CallResult;
}

/**
 * One row change as logged. Inserts and updates carry the full new row; deletes carry only the
 * primary key columns in `oldRow` (the full old row is implied by the state before the tick).
 */
export interface LoggedChange {
  readonly tableId: number;
  readonly kind: OpKind;
  readonly callIndex: number;
  readonly oldRow: AnyRow | undefined;
  readonly newRow: AnyRow | undefined;
}

/** A row change as the engine produces it or the log decodes it. */
export interface ChangeLike {
  readonly tableId: number;
  readonly kind: number;
  readonly callIndex: number;
  readonly oldRow: AnyRow | undefined;
  readonly newRow: AnyRow | undefined;
}

/** One tick as the log holds it. */
export interface LoggedTick {
  readonly tick: number;
  /** Logical time, ms. */
  readonly now: number;
  /** State hash after the tick, 16 hex characters. */
  readonly stateHash: string;
  /** Wall-clock time the tick took when it ran live, ms (informational, not replayed). */
  readonly durationMs: number;
  /** Empty when decoded with `{ calls: false }`. */
  readonly calls: readonly LoggedCall[];
  /** Number of calls in the tick (known even when calls were skipped). */
  readonly callCount: number;
  readonly changes: readonly LoggedChange[];
}

/** Options for {@link RecordCodec.decode}. */
export interface DecodeOptions {
  /** Decode the calls section; recovery skips it. @default true */
  readonly calls?: boolean;
  /** Decode the changes section. @default true */
  readonly changes?: boolean;
}

/** Encodes tick records into framed log records and decodes them back. */
export interface RecordCodec {
  readonly schema: LogSchema;
  /**
   * Encodes one tick as a framed record (length, checksum, payload). The returned view is valid
   * until the next call; copy it to keep it.
   */
  encodeFramed(record: TickRecord): Uint8Array;
  /** Encodes one tick's payload (no frame) into `writer`. */
  encodePayload(record: TickRecord, writer: BinaryWriter): void;
  /** Encodes just a list of changes, as they appear in a payload (replay compares these bytes). */
  encodeChanges(changes: readonly ChangeLike[], writer: BinaryWriter): void;
  /**
   * Decodes a payload.
   * @throws TickspaceError MALFORMED_FRAME naming the byte offset when the payload does not parse.
   */
  decode(payload: Uint8Array, options?: DecodeOptions): LoggedTick;
  /** The byte range of the changes section inside a payload (for byte-exact comparison). */
  changesRange(payload: Uint8Array): { start: number; end: number };
}

/** A lifecycle or system call's payload; a malformed one fails the record like any other damage. */
function systemPayload(
  r: BinaryReader,
  bytes: Uint8Array,
  reducer: string,
  i: number,
): Record<string, unknown> {
  try {
    return decodeSystemPayload(bytes, reducer);
  } catch (error) {
    return r.fail(`call ${i}: ${(error as Error).message}`);
  }
}

const identityCodec = compileValueCodec({ name: 'sender', kind: 'identity' });

/** The log shapes of an engine's tables (module tables then system tables) and reducers. */
export function logSchemaOf(engine: Engine<ModuleDef>): LogSchema {
  return {
    tables: engine.tableList.map((s) => ({
      name: s.name,
      columns: columnShapes(s.def.columns),
      primaryKey: s.pkColumns.map((i) => s.columnNames[i]!),
      autoIncColumn: s.autoIncColumn >= 0 ? s.columnNames[s.autoIncColumn] : undefined,
    })),
    reducers: new Map(engine.module.reducers.map((r) => [r.name, columnShapes(r.args)])),
  };
}

function hashToBytes(w: BinaryWriter, hash: string): void {
  for (let i = 0; i < 16; i += 2) w.u8(parseInt(hash.slice(i, i + 2), 16));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

interface TableCodec {
  readonly row: RowCodec;
  readonly key: RowCodec;
  readonly readRow: (c: LogCursor) => AnyRow;
  readonly readKey: (c: LogCursor) => AnyRow;
}

/**
 * Compiles the record codec for a schema once (row and key codecs per table, argument codecs
 * per reducer). One writer is reused for every record.
 *
 * @example
 * const codec = createRecordCodec(logSchemaOf(engine));
 * const framed = codec.encodeFramed(engine.runTick());
 */
export function createRecordCodec(schema: LogSchema): RecordCodec {
  const tables: TableCodec[] = schema.tables.map((t) => {
    const keyColumns = t.primaryKey.map((k) => t.columns.find((c) => c.name === k)!);
    return {
      row: compileRowCodec(t.columns),
      key: compileRowCodec(keyColumns),
      readRow: compileRowDecoder(t.columns),
      readKey: compileRowDecoder(keyColumns),
    };
  });
  const args = new Map<string, RowCodec>();
  for (const [name, shapes] of schema.reducers) args.set(name, compileRowCodec(shapes));
  const writer = new BinaryWriter(1 << 16);
  const argsWriter = new BinaryWriter(256);
  const EMPTY = new Uint8Array(0);

  const encodeChanges = (changes: readonly ChangeLike[], w: BinaryWriter) => {
    w.uvar(changes.length);
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      const t = tables[c.tableId];
      if (t === undefined)
        throw new TickspaceError(
          'UNKNOWN_TABLE',
          `log: change names table id ${c.tableId}, the schema has ${tables.length} tables`,
        );
      w.uvar(c.tableId).u8(c.kind).uvar(c.callIndex);
      if (c.kind === OP.DELETE) t.key.encode(w, c.oldRow!);
      else t.row.encode(w, c.newRow!);
    }
  };

  // Payload parts encoded ahead (see encodeSystemPayloadAhead) in the record being framed, as
  // (offset, length, crc) triples: the frame's checksum combines their CRCs instead of reading them.
  const ahead: number[] = [];
  const encodePayload = (record: TickRecord, w: BinaryWriter) => {
    w.uvar(record.tick).f64(record.now);
    hashToBytes(w, record.stateHash);
    w.f32(record.durationMs);
    const lenAt = w.length;
    w.u32le(0);
    const callsStart = w.length;
    w.uvar(record.calls.length);
    for (let i = 0; i < record.calls.length; i++) {
      const call = record.calls[i]!;
      w.u8(call.origin).string(call.reducer);
      identityCodec.encode(w, call.sender);
      w.uvar(call.scheduleId);
      const codec = call.origin === CALL_ORIGIN.LIFECYCLE ? undefined : args.get(call.reducer);
      const pre = call.origin === CALL_ORIGIN.LIFECYCLE ? encodedAhead(call.args) : undefined;
      if (pre !== undefined) {
        w.uvar(pre.bytes.length);
        if (w === writer) ahead.push(w.length, pre.bytes.length, pre.crc);
        w.raw(pre.bytes);
      } else if (call.origin === CALL_ORIGIN.LIFECYCLE) w.bytes(encodeSystemPayload(call.args));
      else if (codec === undefined) w.bytes(EMPTY);
      else {
        argsWriter.reset();
        codec.encode(argsWriter, call.args);
        w.bytes(argsWriter.view());
      }
      const result = call.result;
      if (!result.ok) w.u8(1).string(result.code).string(result.message);
      else if (result.returns === undefined) w.u8(0);
      else writeReturnValue(w.u8(2), result.returns, result.value);
    }
    w.patchU32le(lenAt, w.length - callsStart);
    encodeChanges(record.changes, w);
  };

  const decodeChanges = (c: LogCursor, callCount: number | undefined): LoggedChange[] => {
    const n = c.uv();
    const out: LoggedChange[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const tableId = c.uv();
      const t = tables[tableId];
      if (t === undefined)
        c.fail(`change ${i} names table id ${tableId}, the schema has ${tables.length} tables`);
      const kind = c.u8();
      const callIndex = c.uv();
      if (callCount !== undefined && callIndex >= callCount)
        c.fail(`change ${i} names call ${callIndex} of ${callCount}`);
      if (kind === OP.INSERT || kind === OP.UPDATE)
        out[i] = { tableId, kind, callIndex, oldRow: undefined, newRow: t.readRow(c) };
      else if (kind === OP.DELETE)
        out[i] = { tableId, kind, callIndex, oldRow: t.readKey(c), newRow: undefined };
      else c.fail(`change ${i} has unknown kind ${kind}`);
    }
    return out;
  };

  const decodeCalls = (r: BinaryReader): LoggedCall[] => {
    const n = r.uvar();
    const out: LoggedCall[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const origin = r.u8();
      if (origin > 2) r.fail(`call ${i} has unknown origin ${origin}`);
      const reducer = r.string();
      const sender = identityCodec.decode(r) as Identity;
      const scheduleId = r.uvar();
      const argsBytes = new Uint8Array(r.view(r.uvar()));
      const codec = origin === CALL_ORIGIN.LIFECYCLE ? undefined : args.get(reducer);
      let decoded: Record<string, unknown> | undefined =
        origin === CALL_ORIGIN.LIFECYCLE ? systemPayload(r, argsBytes, reducer, i) : undefined;
      if (codec !== undefined) {
        const ar = new BinaryReader(argsBytes);
        decoded = codec.decode(ar);
        if (ar.remaining !== 0)
          r.fail(`call ${i} ('${reducer}') has ${ar.remaining} trailing argument byte(s)`);
      }
      const tag = r.u8();
      let result: CallResult;
      if (tag === 0) result = OK;
      else if (tag === 1) result = { ok: false, code: r.string(), message: r.string() };
      else if (tag === 2) {
        const { shape, value } = readReturnValue(r);
        result = { ok: true, value, returns: shape };
      } else r.fail(`call ${i} has unknown result tag ${tag}`);
      out[i] = {
        origin: origin as CallOrigin,
        reducer,
        sender,
        scheduleId,
        args: decoded,
        argsBytes,
        result: result!,
      };
    }
    return out;
  };

  const readHeader = (r: LogCursor) => {
    const tick = r.uv();
    const now = r.f64();
    let stateHash = '';
    for (let i = 0; i < 8; i++) stateHash += HEX[r.u8()];
    const durationMs = r.f32();
    const callsBytes = r.u32le();
    return { tick, now, stateHash, durationMs, callsBytes };
  };

  return {
    schema,
    encodePayload,
    encodeChanges,
    encodeFramed(record) {
      const w = writer.reset();
      ahead.length = 0;
      w.u32le(0).u32le(0);
      encodePayload(record, w);
      const bytes = w.view();
      w.patchU32le(0, bytes.length - RECORD_FRAME_BYTES);
      let crc = crc32c(bytes, 0, 0, 4);
      let pos = RECORD_FRAME_BYTES;
      for (let i = 0; i < ahead.length; i += 3) {
        const at = ahead[i]!;
        const length = ahead[i + 1]!;
        crc = crc32cCombine(crc32c(bytes, crc, pos, at), ahead[i + 2]!, length);
        pos = at + length;
      }
      w.patchU32le(4, crc32c(bytes, crc, pos, bytes.length));
      return w.view();
    },
    decode(payload, options = {}) {
      const r = new LogCursor(payload);
      const h = readHeader(r);
      const callsEnd = r.pos + h.callsBytes;
      if (callsEnd > payload.length)
        r.fail(`calls section of ${h.callsBytes} bytes runs past the payload (${payload.length} bytes)`);
      let calls: LoggedCall[] = [];
      let callCount: number;
      if (options.calls === false) {
        callCount = new LogCursor(payload, r.pos, callsEnd).uv();
      } else {
        const cr = new BinaryReader(payload, r.pos, callsEnd);
        calls = decodeCalls(cr);
        if (cr.remaining !== 0) cr.fail(`calls section has ${cr.remaining} trailing byte(s)`);
        callCount = calls.length;
      }
      r.pos = callsEnd;
      const changes = options.changes === false ? [] : decodeChanges(r, callCount);
      if (options.changes !== false && r.pos !== payload.length)
        r.fail(`payload has ${payload.length - r.pos} trailing byte(s)`);
      return {
        tick: h.tick,
        now: h.now,
        stateHash: h.stateHash,
        durationMs: h.durationMs,
        calls,
        callCount,
        changes,
      };
    },
    changesRange(payload) {
      const r = new LogCursor(payload);
      const h = readHeader(r);
      return { start: r.pos + h.callsBytes, end: payload.length };
    },
  };
}

const OK: CallResult = { ok: true };

/** Frame check of one record: whether the stored checksum matches length + payload. */
export function recordChecksumOk(buf: Uint8Array, offset: number, payloadBytes: number): boolean {
  const view = new DataView(buf.buffer, buf.byteOffset + offset, 8);
  const stored = view.getUint32(4, true);
  const c = crc32c(
    buf,
    crc32c(buf, 0, offset, offset + 4),
    offset + RECORD_FRAME_BYTES,
    offset + RECORD_FRAME_BYTES + payloadBytes,
  );
  return stored === c;
}
