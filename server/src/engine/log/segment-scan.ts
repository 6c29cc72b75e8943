import { BinaryReader } from '../../protocol/binary-reader';
import { RECORD_FRAME_BYTES, SEGMENT_HEADER_BYTES, SEGMENT_MAGIC, decodeSegmentHeader } from './format';
import { recordChecksumOk } from './record-codec';

/** Default limit on one record's payload; a larger length prefix is treated as damage. */
const DEFAULT_MAX_RECORD_BYTES = 256 * 1024 * 1024;

/**
 * What is wrong at the end of (or inside) a segment.
 * - `torn`: the newest segment ends in an incomplete or damaged record with no intact record
 *   anywhere after it, which is what a crash or power loss in the middle of a write leaves (a
 *   partial record, garbage, zeros): safe to cut.
 * - `corrupt`: damage followed by an intact record, damage in an older segment, a bad header, or
 *   a record out of sequence: refuse.
 */
export interface SegmentProblem {
  readonly kind: 'torn' | 'corrupt';
  /** Byte offset of the first bad byte (the start of the bad record or header). */
  readonly offset: number;
  /** What was found, for the error message. */
  readonly reason: string;
  /** The tick the bad record should have held, if known. */
  readonly expectedTick: number | undefined;
  /** Bytes from `offset` to the end of the file. */
  readonly bytesAfter: number;
}

/** Result of scanning one segment's bytes. */
export interface SegmentScan {
  /** First tick according to the header (or the file name when the header is unreadable). */
  readonly firstTick: number;
  /** Ticks of the valid records, in order. */
  readonly ticks: number[];
  /** Byte offset of each valid record's frame, parallel to `ticks`. */
  readonly offsets: number[];
  /** Offset just past the last valid record (where a cut would truncate). */
  readonly validEnd: number;
  readonly size: number;
  readonly problem: SegmentProblem | undefined;
}

/** Options for {@link scanSegment}. */
export interface ScanOptions {
  /** The tick the file name promises for the first record. */
  readonly nameTick: number;
  /** Whether this is the newest segment (only it may have a torn tail). */
  readonly isLast: boolean;
  /** @default DEFAULT_MAX_RECORD_BYTES */
  readonly maxRecordBytes?: number;
  /** Called for each valid record with its payload (a view into `bytes`). */
  readonly onRecord?: (tick: number, payload: Uint8Array, offset: number) => void;
  /** Start scanning here instead of after the header (a writer continuing a known segment). */
  readonly startOffset?: number;
  /** With `startOffset`: the tick expected at it. */
  readonly startTick?: number;
}

/**
 * The offset of the first intact record frame (plausible length, matching checksum) starting
 * after `from`, or -1. Torn writes leave garbage or zeros but never a valid record behind them;
 * real corruption in the middle of a log does.
 */
function findIntactRecordAfter(bytes: Uint8Array, from: number): number {
  const size = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = from + 1; at + RECORD_FRAME_BYTES < size; at++) {
    const length = view.getUint32(at, true);
    if (length === 0 || at + RECORD_FRAME_BYTES + length > size) continue;
    if (recordChecksumOk(bytes, at, length)) return at;
  }
  return -1;
}

/** Whether the magic is a prefix of ours followed by zeros (a header cut short, then zero-filled). */
function isZeroFilledMagic(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < SEGMENT_MAGIC.length && bytes[i] === SEGMENT_MAGIC[i]) i++;
  for (; i < SEGMENT_MAGIC.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * Walks a segment's records, verifying each frame's checksum and the tick sequence, and
 * classifies the first problem as a torn tail (cut it) or corruption (refuse). Never throws for
 * bad bytes: the caller decides what a problem means (recovery cuts or refuses; a read-only
 * reader stops).
 */
export function scanSegment(bytes: Uint8Array, options: ScanOptions): SegmentScan {
  const size = bytes.length;
  const ticks: number[] = [];
  const offsets: number[] = [];
  const maxRecord = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const result = (validEnd: number, firstTick: number, problem?: SegmentProblem): SegmentScan => ({
    firstTick,
    ticks,
    offsets,
    validEnd,
    size,
    problem,
  });

  let offset = options.startOffset ?? SEGMENT_HEADER_BYTES;
  let expected = options.startTick ?? options.nameTick;
  if (options.startOffset === undefined) {
    const header = decodeSegmentHeader(bytes);
    if (!header.ok) {
      // A crash between creating the file and writing its 32 header bytes leaves a short file; a
      // power loss before the segment's first fsync can also leave the header cut short and
      // zero-filled. Either way, if no intact record survives anywhere in the file, the segment
      // never held a readable tick and cutting it loses nothing. A foreign file (other magic), a
      // newer format version, or intact records behind a damaged header are refused.
      const intact = options.isLast && size > 0 ? findIntactRecordAfter(bytes, 0) : -2;
      const tornHeader =
        header.reason === 'short' ||
        header.reason === 'checksum' ||
        (header.reason === 'magic' && isZeroFilledMagic(bytes));
      const torn = options.isLast && tornHeader && (header.reason === 'short' || intact === -1);
      const reason =
        size === 0
          ? 'the file is empty (no header)'
          : intact >= 0
            ? `${header.message}, yet an intact record follows at byte ${intact}`
            : header.message;
      return result(0, options.nameTick, {
        kind: torn ? 'torn' : 'corrupt',
        offset: 0,
        reason,
        expectedTick: options.nameTick,
        bytesAfter: size,
      });
    }
    if (header.firstTick !== options.nameTick)
      return result(0, header.firstTick, {
        kind: 'corrupt',
        offset: 0,
        reason: `the header says the first tick is ${header.firstTick} but the file name says ${options.nameTick}`,
        expectedTick: options.nameTick,
        bytesAfter: size,
      });
  }

  const bad = (reason: string): SegmentScan => {
    const intact = options.isLast ? findIntactRecordAfter(bytes, offset) : -2;
    const torn = intact === -1;
    const why = intact >= 0 ? `${reason}, yet an intact record follows at byte ${intact}` : reason;
    return result(offset, options.nameTick, {
      kind: torn ? 'torn' : 'corrupt',
      offset,
      reason: why,
      expectedTick: expected,
      bytesAfter: size - offset,
    });
  };

  while (offset < size) {
    const left = size - offset;
    if (left < RECORD_FRAME_BYTES) return bad(`${left} byte(s) left, less than a record frame`);
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, RECORD_FRAME_BYTES);
    const length = view.getUint32(0, true);
    const end = offset + RECORD_FRAME_BYTES + length;
    if (length > maxRecord && end <= size && recordChecksumOk(bytes, offset, length))
      // An intact record above the limit is a configuration problem, never a tail to cut.
      return result(offset, options.nameTick, {
        kind: 'corrupt',
        offset,
        reason: `record length ${length} exceeds maxRecordBytes ${maxRecord} (the record itself is intact: raise maxRecordBytes)`,
        expectedTick: expected,
        bytesAfter: size - offset,
      });
    if (length === 0 || length > maxRecord)
      return bad(
        length === 0 ? 'record length is 0' : `record length ${length} exceeds maxRecordBytes ${maxRecord}`,
      );
    if (end > size)
      return bad(`record of ${length} bytes runs ${end - size} byte(s) past the end of the file`);
    if (!recordChecksumOk(bytes, offset, length)) return bad('checksum mismatch');
    const payload = bytes.subarray(offset + RECORD_FRAME_BYTES, end);
    let tick: number;
    try {
      tick = new BinaryReader(payload).uvar();
    } catch {
      return bad('unreadable tick number');
    }
    if (tick !== expected)
      return result(offset, options.nameTick, {
        kind: 'corrupt',
        offset,
        reason: `record holds tick ${tick} where tick ${expected} was expected`,
        expectedTick: expected,
        bytesAfter: size - offset,
      });
    ticks.push(tick);
    offsets.push(offset);
    options.onRecord?.(tick, payload, offset);
    offset = end;
    expected++;
  }
  return result(offset, options.nameTick);
}
