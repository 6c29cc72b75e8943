import { crc32c } from './crc32c';

/**
 * On-disk constants of the commit log and snapshots (see FORMAT.md beside this file).
 * A change to any byte layout bumps {@link LOG_FORMAT_VERSION} and the golden fixtures.
 */
export const LOG_FORMAT_VERSION = 1;

/**
 * Version of the snapshot file layout. 2 stores the snapshot's schema version in the header's
 * flags field (1 wrote 0 there and had a single schema); both are read.
 */
export const SNAPSHOT_FORMAT_VERSION = 2;

/** First 8 bytes of a segment: "TSLOG" then CR LF SUB, which text-mode transfers would mangle. */
export const SEGMENT_MAGIC = Uint8Array.from([0x54, 0x53, 0x4c, 0x4f, 0x47, 0x0d, 0x0a, 0x1a]);
/** First 8 bytes of a snapshot: "TSSNAP" then CR LF. */
export const SNAPSHOT_MAGIC = Uint8Array.from([0x54, 0x53, 0x53, 0x4e, 0x41, 0x50, 0x0d, 0x0a]);
/** Last 8 bytes of a complete snapshot: "TSSNAPOK". */
export const SNAPSHOT_END = Uint8Array.from([0x54, 0x53, 0x53, 0x4e, 0x41, 0x50, 0x4f, 0x4b]);

/** Segment header: magic(8) version(4) flags(4) firstTick(8) reserved(4) crc32c(4). */
export const SEGMENT_HEADER_BYTES = 32;
/** Record frame: payload length u32le, then crc32c u32le of (length bytes + payload). */
export const RECORD_FRAME_BYTES = 8;
/** Snapshot header: magic(8) version(4) flags(4) tick(8) stateHash(8) tableCount(4) crc32c(4). */
export const SNAPSHOT_HEADER_BYTES = 40;
/** Snapshot trailer: crc32c(4) of everything before it, then {@link SNAPSHOT_END}. */
export const SNAPSHOT_TRAILER_BYTES = 12;

/** File name extensions inside a data directory. */
export const SEGMENT_EXT = '.tslog';
export const SNAPSHOT_EXT = '.tssnap';

/** Zero-padded tick, so that lexical order of file names is tick order. */
export function tickFileName(tick: number, ext: string): string {
  return String(tick).padStart(20, '0') + ext;
}

/** The tick a file name encodes, or undefined for a name that is not ours. */
export function parseTickFileName(name: string, ext: string): number | undefined {
  if (!name.endsWith(ext)) return undefined;
  const stem = name.slice(0, -ext.length);
  if (!/^\d{20}$/.test(stem)) return undefined;
  const tick = Number(stem);
  return Number.isSafeInteger(tick) ? tick : undefined;
}

function writeU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % 0x1_0000_0000, true);
  view.setUint32(at + 4, Math.floor(value / 0x1_0000_0000), true);
}

function readU64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x1_0000_0000;
}

/** Encodes a segment header for a segment whose first record is `firstTick`. */
export function encodeSegmentHeader(firstTick: number): Uint8Array {
  const out = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(SEGMENT_MAGIC, 0);
  view.setUint32(8, LOG_FORMAT_VERSION, true);
  view.setUint32(12, 0, true);
  writeU64(view, 16, firstTick);
  view.setUint32(24, 0, true);
  view.setUint32(28, crc32c(out, 0, 0, 28), true);
  return out;
}

/** A decoded segment header, or the reason it is not one. */
export type SegmentHeaderResult =
  | { readonly ok: true; readonly version: number; readonly firstTick: number }
  | {
      readonly ok: false;
      readonly reason: 'short' | 'magic' | 'checksum' | 'version';
      readonly message: string;
    };

/** Decodes and checks a segment header. */
export function decodeSegmentHeader(bytes: Uint8Array): SegmentHeaderResult {
  if (bytes.length < SEGMENT_HEADER_BYTES)
    return {
      ok: false,
      reason: 'short',
      message: `header needs ${SEGMENT_HEADER_BYTES} bytes, file has ${bytes.length}`,
    };
  for (let i = 0; i < 8; i++)
    if (bytes[i] !== SEGMENT_MAGIC[i])
      return {
        ok: false,
        reason: 'magic',
        message: `wrong magic ${hex(bytes.subarray(0, 8))} (expected ${hex(SEGMENT_MAGIC)}): not a Tickspace log segment`,
      };
  const view = new DataView(bytes.buffer, bytes.byteOffset, SEGMENT_HEADER_BYTES);
  const stored = view.getUint32(28, true);
  const actual = crc32c(bytes, 0, 0, 28);
  if (stored !== actual)
    return {
      ok: false,
      reason: 'checksum',
      message: `header checksum ${stored.toString(16)} does not match its bytes (${actual.toString(16)})`,
    };
  const version = view.getUint32(8, true);
  if (version !== LOG_FORMAT_VERSION)
    return {
      ok: false,
      reason: 'version',
      message: `format version ${version} is not supported (this build reads version ${LOG_FORMAT_VERSION})`,
    };
  return { ok: true, version, firstTick: readU64(view, 16) };
}

/** Hex of bytes, for messages and fixtures. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export { readU64, writeU64 };
