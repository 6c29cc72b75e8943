import fs from 'node:fs';
import path from 'node:path';
import { BinaryReader } from '../../protocol/binary-reader';
import { BinaryWriter } from '../../protocol/binary-writer';
import { TickspaceError } from '../../protocol/errors';
import { compileRowCodec, type RowCodec } from '../../protocol/row-codec';
import type { AnyRow } from '../change-set';
import type { Engine } from '../engine';
import type { ModuleDef } from '../module';
import { crc32c } from './crc32c';
import {
  SNAPSHOT_END,
  SNAPSHOT_FORMAT_VERSION,
  SNAPSHOT_EXT,
  SNAPSHOT_HEADER_BYTES,
  SNAPSHOT_MAGIC,
  SNAPSHOT_TRAILER_BYTES,
  hex,
  readU64,
  tickFileName,
  writeU64,
} from './format';
import { syncDir } from './log-writer';
import type { LogSchema } from './record-codec';

/** The full table state at one tick, rows in storage order (so a restore iterates identically). */
export interface SnapshotState {
  readonly tick: number;
  readonly stateHash: string;
  /**
   * The data directory's schema version the rows are in (read from a version 2 file; undefined for
   * a version 1 file, whose version follows from the manifest). Written as 1 when absent.
   */
  readonly schemaVersion?: number | undefined;
  readonly tables: readonly {
    readonly name: string;
    readonly autoInc: number;
    readonly rows: readonly AnyRow[];
  }[];
}

/** What writing one snapshot cost. */
export interface SnapshotWriteResult {
  readonly file: string;
  readonly tick: number;
  readonly bytes: number;
  readonly rows: number;
  /** Wall time from start to the rename, ms. */
  readonly totalMs: number;
  /** Longest synchronous slice (the longest the tick loop could have been held up), ms. */
  readonly maxSliceMs: number;
  readonly slices: number;
}

/** Options for {@link writeSnapshot}. */
export interface SnapshotWriteOptions {
  /** Encoding yields to the event loop after this long, so ticks keep running. @default 4 */
  readonly sliceMs?: number;
  /** Called after the file is complete and synced, before it is renamed into place. */
  readonly beforeRename?: () => Promise<void>;
}

/**
 * Copies every table's row array (pointer copies: rows are immutable) and auto-increment counter.
 * Synchronous and O(rows); the expensive part, encoding, happens later in {@link writeSnapshot}.
 */
export function captureSnapshot(engine: Engine<ModuleDef>): SnapshotState {
  return {
    tick: engine.tick,
    stateHash: engine.stateHash,
    tables: engine.tableList.map((s) => ({ name: s.name, autoInc: s.autoInc, rows: s.rowsView().slice() })),
  };
}

function codecsByName(schema: LogSchema): Map<string, RowCodec> {
  return new Map(schema.tables.map((t) => [t.name, compileRowCodec(t.columns)]));
}

let tmpCounter = 0;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Writes a snapshot file incrementally: encodes in slices of at most `sliceMs`, yielding to the
 * event loop between them, writes to a `.tmp` file beside the target, fsyncs it, then renames it into place
 * and fsyncs the directory, so a snapshot file either is complete and checksummed or does not exist.
 * @throws TickspaceError LOG_FAILED if the file cannot be written.
 */
export async function writeSnapshot(
  snapshotDir: string,
  state: SnapshotState,
  schema: LogSchema,
  options: SnapshotWriteOptions = {},
): Promise<SnapshotWriteResult> {
  const started = performance.now();
  const sliceMs = options.sliceMs ?? 4;
  const codecs = codecsByName(schema);
  const file = path.join(snapshotDir, tickFileName(state.tick, SNAPSHOT_EXT));
  const tmp = `${file}.${process.pid}-${++tmpCounter}.tmp`;
  let maxSlice = 0;
  let slices = 0;
  let bytes = 0;
  let rowCount = 0;
  let crc = 0;
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(tmp, 'w');
    const header = new Uint8Array(SNAPSHOT_HEADER_BYTES);
    const hv = new DataView(header.buffer);
    header.set(SNAPSHOT_MAGIC, 0);
    hv.setUint32(8, SNAPSHOT_FORMAT_VERSION, true);
    hv.setUint32(12, state.schemaVersion ?? 1, true);
    writeU64(hv, 16, state.tick);
    for (let i = 0; i < 8; i++) header[24 + i] = parseInt(state.stateHash.slice(i * 2, i * 2 + 2), 16);
    hv.setUint32(32, state.tables.length, true);
    hv.setUint32(36, crc32c(header, 0, 0, 36), true);
    const out = async (chunk: Uint8Array) => {
      crc = crc32c(chunk, crc);
      bytes += chunk.length;
      await handle!.write(chunk);
    };
    await out(header);
    const w = new BinaryWriter(1 << 20);
    let sliceStart = performance.now();
    const endSlice = async () => {
      const ms = performance.now() - sliceStart;
      if (ms > maxSlice) maxSlice = ms;
      slices++;
      if (w.length > 0) await out(w.toBytes());
      w.reset();
      await yieldToLoop();
      sliceStart = performance.now();
    };
    for (const table of state.tables) {
      const codec = codecs.get(table.name);
      if (codec === undefined)
        throw new TickspaceError('UNKNOWN_TABLE', `snapshot: table '${table.name}' is not in the schema`, {
          details: { table: table.name },
        });
      w.string(table.name).uvar(table.autoInc).uvar(table.rows.length);
      const rows = table.rows;
      for (let i = 0; i < rows.length; i++) {
        codec.encode(w, rows[i]!);
        if ((i & 255) === 255 && (w.length > 1 << 20 || performance.now() - sliceStart > sliceMs))
          await endSlice();
      }
      rowCount += rows.length;
    }
    await endSlice();
    const trailer = new Uint8Array(SNAPSHOT_TRAILER_BYTES);
    new DataView(trailer.buffer).setUint32(0, crc, true);
    trailer.set(SNAPSHOT_END, 4);
    await handle.write(trailer);
    bytes += trailer.length;
    await handle.datasync();
    await handle.close();
    handle = undefined;
    await options.beforeRename?.();
    await fs.promises.rename(tmp, file);
    await syncDir(snapshotDir);
  } catch (cause) {
    await handle?.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true }).catch(() => {});
    if (cause instanceof TickspaceError) throw cause;
    throw new TickspaceError('LOG_FAILED', `writing snapshot ${file} failed`, {
      cause,
      details: { file, tick: state.tick },
    });
  }
  return {
    file,
    tick: state.tick,
    bytes,
    rows: rowCount,
    totalMs: performance.now() - started,
    maxSliceMs: maxSlice,
    slices,
  };
}

/** The header of a snapshot file, readable without decoding its rows. */
export interface SnapshotHeader {
  /** The file layout's version (1 or 2). */
  readonly formatVersion: number;
  /** The schema version of its rows (undefined in a version 1 file). */
  readonly schemaVersion: number | undefined;
  readonly tick: number;
  readonly stateHash: string;
  readonly tableCount: number;
}

function corrupt(
  file: string,
  why: string,
  extra: Record<string, unknown> = {},
  cause?: unknown,
): TickspaceError {
  return new TickspaceError('CORRUPT_LOG', `snapshot ${file} is unusable: ${why}`, {
    details: { file, ...extra },
    cause,
  });
}

/**
 * Checks a snapshot's magic, header checksum and version.
 * @throws TickspaceError CORRUPT_LOG naming the file and the problem.
 */
export function decodeSnapshotHeader(file: string, bytes: Uint8Array): SnapshotHeader {
  if (bytes.length < SNAPSHOT_HEADER_BYTES + SNAPSHOT_TRAILER_BYTES)
    throw corrupt(
      file,
      `${bytes.length} bytes is shorter than an empty snapshot (${SNAPSHOT_HEADER_BYTES + SNAPSHOT_TRAILER_BYTES})`,
    );
  for (let i = 0; i < 8; i++)
    if (bytes[i] !== SNAPSHOT_MAGIC[i])
      throw corrupt(
        file,
        `wrong magic ${hex(bytes.subarray(0, 8))} (expected ${hex(SNAPSHOT_MAGIC)}): not a Tickspace snapshot`,
      );
  const view = new DataView(bytes.buffer, bytes.byteOffset, SNAPSHOT_HEADER_BYTES);
  if (view.getUint32(36, true) !== crc32c(bytes, 0, 0, 36)) throw corrupt(file, 'header checksum mismatch');
  const version = view.getUint32(8, true);
  if (version !== 1 && version !== SNAPSHOT_FORMAT_VERSION)
    throw corrupt(
      file,
      `format version ${version} is not supported (this build reads 1 and ${SNAPSHOT_FORMAT_VERSION})`,
    );
  const flags = view.getUint32(12, true);
  if (version === SNAPSHOT_FORMAT_VERSION && flags < 1)
    throw corrupt(file, `schema version ${flags} in the header (versions start at 1)`);
  let stateHash = '';
  for (let i = 24; i < 32; i++) stateHash += bytes[i]!.toString(16).padStart(2, '0');
  return {
    formatVersion: version,
    schemaVersion: version === 1 ? undefined : flags,
    tick: readU64(view, 16),
    stateHash,
    tableCount: view.getUint32(32, true),
  };
}

/**
 * Reads and fully verifies a snapshot file (magic, checksums, end marker, table names, exact
 * length) and decodes its rows.
 * @throws TickspaceError CORRUPT_LOG naming the file and the problem.
 */
export function readSnapshot(file: string, schema: LogSchema): SnapshotState {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (cause) {
    throw corrupt(file, 'cannot be read', {}, cause);
  }
  const header = decodeSnapshotHeader(file, bytes);
  const end = bytes.length - SNAPSHOT_TRAILER_BYTES;
  for (let i = 0; i < 8; i++)
    if (bytes[end + 4 + i] !== SNAPSHOT_END[i])
      throw corrupt(file, 'the end marker is missing (incomplete file)');
  const stored = new DataView(bytes.buffer, bytes.byteOffset + end, 4).getUint32(0, true);
  const actual = crc32c(bytes, 0, 0, end);
  if (stored !== actual)
    throw corrupt(file, `checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)})`);
  const codecs = codecsByName(schema);
  const r = new BinaryReader(bytes, SNAPSHOT_HEADER_BYTES, end);
  const tables: { name: string; autoInc: number; rows: AnyRow[] }[] = [];
  try {
    for (let t = 0; t < header.tableCount; t++) {
      const name = r.string();
      const codec = codecs.get(name);
      if (codec === undefined) throw corrupt(file, `table '${name}' is not in the schema`, { table: name });
      const autoInc = r.uvar();
      const n = r.uvar();
      const rows: AnyRow[] = new Array(n);
      for (let i = 0; i < n; i++) rows[i] = codec.decode(r);
      tables.push({ name, autoInc, rows });
    }
    if (r.remaining !== 0) r.fail(`${r.remaining} trailing byte(s) after the last table`);
  } catch (cause) {
    if (cause instanceof TickspaceError && cause.code === 'CORRUPT_LOG') throw cause;
    throw corrupt(file, cause instanceof Error ? cause.message : String(cause), {}, cause);
  }
  return { tick: header.tick, stateHash: header.stateHash, schemaVersion: header.schemaVersion, tables };
}

/**
 * Checks a snapshot file's header, end marker and whole-file checksum without decoding its rows,
 * reading it asynchronously and checksumming in slices of at most `sliceMs` between yields, so a
 * large snapshot can be verified next to a running tick loop (retention does this before it
 * removes anything the snapshot replaces).
 * @throws TickspaceError CORRUPT_LOG naming the file and the problem.
 */
export async function verifySnapshotFile(
  file: string,
  options: { sliceMs?: number } = {},
): Promise<SnapshotHeader> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (cause) {
    throw corrupt(file, 'cannot be read', {}, cause);
  }
  const header = decodeSnapshotHeader(file, bytes);
  const end = bytes.length - SNAPSHOT_TRAILER_BYTES;
  for (let i = 0; i < 8; i++)
    if (bytes[end + 4 + i] !== SNAPSHOT_END[i])
      throw corrupt(file, 'the end marker is missing (incomplete file)');
  const sliceMs = options.sliceMs ?? 4;
  let crc = 0;
  let sliceStart = performance.now();
  for (let at = 0; at < end; at += 1 << 20) {
    crc = crc32c(bytes, crc, at, Math.min(end, at + (1 << 20)));
    if (performance.now() - sliceStart > sliceMs) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
  const stored = new DataView(bytes.buffer, bytes.byteOffset + end, 4).getUint32(0, true);
  if (stored !== crc)
    throw corrupt(file, `checksum mismatch (stored ${stored.toString(16)}, computed ${crc.toString(16)})`);
  return header;
}
