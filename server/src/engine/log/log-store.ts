import fs from 'node:fs';
import path from 'node:path';
import { TickspaceError } from '../../protocol/errors';
import type { Engine } from '../engine';
import type { ModuleDef } from '../module';
import type { DataDirPaths } from './data-dir';
import {
  RECORD_FRAME_BYTES,
  SEGMENT_EXT,
  SEGMENT_HEADER_BYTES,
  SNAPSHOT_EXT,
  parseTickFileName,
} from './format';
import type { AppendListener } from './log-writer';
import { recordChecksumOk, type LogSchema, type LoggedTick, type RecordCodec } from './record-codec';
import { scanSegment, type SegmentProblem } from './segment-scan';
import { readSnapshot, type SnapshotState } from './snapshot-file';
import { StateBuilder } from './state-builder';
import type { SchemaHistory } from './schema-versions';
import { rowHistory } from './row-history';

/** One segment file and, once scanned, where each of its records starts. */
export interface SegmentEntry {
  readonly file: string;
  readonly firstTick: number;
  /** Frame offsets of records firstTick, firstTick+1, ...; undefined until scanned. */
  offsets: number[] | undefined;
  /** End of the last valid record. */
  validEnd: number;
  /** Size of the file on disk (kept current by the writer), for disk-use figures and retention by bytes. */
  bytes: number;
}

/** A snapshot file on disk. */
export interface SnapshotEntry {
  readonly file: string;
  readonly tick: number;
  /** Size of the file on disk. */
  readonly bytes: number;
}

/** Disk use and extent of a data directory's history, as {@link LogStore.storage} reports it. */
export interface LogStorage {
  /** Segment and snapshot bytes together. */
  readonly diskBytes: number;
  readonly segmentBytes: number;
  readonly snapshotBytes: number;
  readonly segments: number;
  readonly snapshots: number;
  /** The oldest tick whose state can still be rebuilt (asOf, rewind, replay from the tick after). */
  readonly oldestTick: number;
  readonly lastTick: number;
}

/** One version of a row, as {@link LogStore.history} reports it. */
export interface RowVersion {
  readonly tick: number;
  /** Logical time of the tick, ms. */
  readonly now: number;
  /** `snapshot`: the row as the oldest retained snapshot holds it (history before is gone). */
  readonly kind: 'insert' | 'update' | 'delete' | 'snapshot';
  /** The row after the change; undefined for a delete. */
  readonly row: Readonly<Record<string, unknown>> | undefined;
  /** The call that made the change (undefined for `snapshot`). */
  readonly call:
    | { readonly index: number; readonly reducer: string; readonly origin: number; readonly sender: string }
    | undefined;
}

/**
 * Builds the CORRUPT_LOG error for damage that recovery must not cut, with the way out.
 */
export function corruptionError(dir: string, file: string, problem: SegmentProblem): TickspaceError {
  const keep = problem.expectedTick === undefined ? '' : ` and keeps ticks up to ${problem.expectedTick - 1}`;
  return new TickspaceError(
    'CORRUPT_LOG',
    `commit log is corrupt in ${path.relative(dir, file) || file} at byte ${problem.offset}` +
      (problem.expectedTick === undefined ? '' : ` (the record for tick ${problem.expectedTick})`) +
      `: ${problem.reason} (${problem.bytesAfter} byte(s) from there to the end of the file), so this is not a torn tail. ` +
      `Refusing to start. Way out: 'tickspace repair --data ${dir}' moves the damaged tail and every later segment into ${path.join(dir, 'quarantine')}${keep}` +
      ` (or restore the file from a backup). See server/src/engine/log/FORMAT.md, "Recovering from corruption".`,
    {
      details: {
        dir,
        file,
        offset: problem.offset,
        expectedTick: problem.expectedTick,
        reason: problem.reason,
      },
    },
  );
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads a data directory's segments and snapshots: a tick-to-offset index per segment (built
 * lazily, kept current by the writer), records by tick range, snapshots (a small cache of decoded
 * ones), and the state at any retained tick (`materialize`: snapshot + replay of changes).
 */
export class LogStore implements AppendListener {
  readonly paths: DataDirPaths;
  /** Every schema version of the directory, when it was opened with one (else one version: `codec`). */
  readonly versions: SchemaHistory | undefined;
  readonly #codec: RecordCodec | undefined;
  readonly maxRecordBytes: number | undefined;
  segments: SegmentEntry[] = [];
  snapshots: SnapshotEntry[] = [];
  #lastTick = 0;
  #snapshotCache = new Map<number, SnapshotState>();
  /** Snapshots that failed their checks, with the reason: skipped from then on. */
  #damaged = new Map<string, string>();
  #segmentBytes = 0;
  #snapshotBytes = 0;
  /** Said after a HISTORY_PRUNED message: the policy that removed the history, when known. */
  retentionNote = 'older history was removed by a retention policy';

  constructor(paths: DataDirPaths, codec: RecordCodec | SchemaHistory, maxRecordBytes?: number) {
    this.paths = paths;
    this.versions = 'versions' in codec ? codec : undefined;
    this.#codec = 'versions' in codec ? undefined : codec;
    this.maxRecordBytes = maxRecordBytes;
    this.refresh();
  }

  /** Re-lists segment and snapshot files (temporary files are ignored) and measures them. */
  refresh(): void {
    const list = (dir: string, ext: string) => {
      if (!fs.existsSync(dir)) return [];
      return fs
        .readdirSync(dir)
        .flatMap((name) => {
          const tick = parseTickFileName(name, ext);
          return tick === undefined ? [] : [{ file: path.join(dir, name), tick }];
        })
        .sort((a, b) => a.tick - b.tick);
    };
    const size = (file: string) => {
      try {
        return fs.statSync(file).size;
      } catch {
        return 0; // removed between the listing and the stat (retention next to a reader)
      }
    };
    const known = new Map(this.segments.map((s) => [s.file, s]));
    this.segments = list(this.paths.log, SEGMENT_EXT).map(({ file, tick }) => {
      const seg = known.get(file) ?? { file, firstTick: tick, offsets: undefined, validEnd: 0, bytes: 0 };
      seg.bytes = size(file);
      return seg;
    });
    this.snapshots = list(this.paths.snapshots, SNAPSHOT_EXT).map(({ file, tick }) => ({
      file,
      tick,
      bytes: size(file),
    }));
    this.#segmentBytes = this.segments.reduce((sum, s) => sum + s.bytes, 0);
    this.#snapshotBytes = this.snapshots.reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Disk use and the retained range, from sizes tracked as files change (no directory scan). */
  get storage(): LogStorage {
    return {
      diskBytes: this.#segmentBytes + this.#snapshotBytes,
      segmentBytes: this.#segmentBytes,
      snapshotBytes: this.#snapshotBytes,
      segments: this.segments.length,
      snapshots: this.snapshots.length,
      oldestTick: this.firstTick,
      lastTick: this.#lastTick,
    };
  }

  /** Whether the log no longer starts at tick 1: older history was removed. */
  get pruned(): boolean {
    return this.segments.length > 0 && this.segments[0]!.firstTick > 1;
  }

  /** The HISTORY_PRUNED error for a tick older than the retained history. */
  prunedError(tick: number, what = 'tick'): TickspaceError {
    return new TickspaceError(
      'HISTORY_PRUNED',
      `${what} ${tick} is older than the oldest retained tick ${this.firstTick} (${this.retentionNote})`,
      {
        details: { tick, oldestTick: this.firstTick, lastTick: this.#lastTick },
      },
    );
  }

  /** The last tick in the log (as scanned or appended). */
  get lastTick(): number {
    return this.#lastTick;
  }

  set lastTick(tick: number) {
    this.#lastTick = tick;
  }

  /** The earliest tick whose state can be rebuilt: 0 if the log starts at tick 1, else the oldest snapshot. */
  get firstTick(): number {
    if (this.segments.length === 0 || this.segments[0]!.firstTick === 1) return 0;
    return this.snapshots[0]?.tick ?? this.segments[0]!.firstTick - 1;
  }

  /** Last tick of a scanned segment. */
  static lastTickOf(seg: SegmentEntry): number {
    return seg.firstTick + (seg.offsets?.length ?? 0) - 1;
  }

  // ---- AppendListener: the writer keeps the index current --------------------------------------

  onSegment(file: string, firstTick: number): void {
    this.segments.push({ file, firstTick, offsets: [], validEnd: 0, bytes: SEGMENT_HEADER_BYTES });
    this.#segmentBytes += SEGMENT_HEADER_BYTES;
  }

  onRecord(tick: number, offset: number, end: number): void {
    const seg = this.segments[this.segments.length - 1]!;
    seg.offsets!.push(offset);
    seg.validEnd = end;
    this.#segmentBytes += end - seg.bytes;
    seg.bytes = end;
    this.#lastTick = tick;
  }

  /** Records a finished snapshot. */
  addSnapshot(entry: SnapshotEntry): void {
    const replaced = this.snapshots.find((s) => s.tick === entry.tick);
    if (replaced !== undefined) this.#snapshotBytes -= replaced.bytes;
    this.#snapshotBytes += entry.bytes;
    this.snapshots = [...this.snapshots.filter((s) => s.tick !== entry.tick), entry].sort(
      (a, b) => a.tick - b.tick,
    );
  }

  /** Forgets a snapshot file that was removed from disk. */
  dropSnapshot(entry: SnapshotEntry): void {
    if (!this.snapshots.includes(entry)) return;
    this.snapshots = this.snapshots.filter((s) => s !== entry);
    this.#snapshotBytes -= entry.bytes;
    this.#snapshotCache.delete(entry.tick);
    this.#damaged.delete(entry.file);
  }

  /** Forgets a segment file that was removed from disk (never the one being written). */
  dropSegment(entry: SegmentEntry): void {
    if (!this.segments.includes(entry)) return;
    this.segments = this.segments.filter((s) => s !== entry);
    this.#segmentBytes -= entry.bytes;
  }

  /** Marks a snapshot as failing its checks (it is skipped from then on). */
  markDamaged(file: string, reason: string): void {
    this.#damaged.set(file, reason);
  }

  /** Whether a snapshot is known to fail its checks. */
  isDamaged(file: string): boolean {
    return this.#damaged.has(file);
  }

  // ---- scanning -------------------------------------------------------------------------------

  /**
   * Builds a segment's index. A torn tail of the newest segment is tolerated here (a writer may be
   * mid-append, or recovery will cut it); anything else throws.
   * @throws TickspaceError CORRUPT_LOG with the segment, offset and way out.
   */
  scan(seg: SegmentEntry): SegmentEntry {
    if (seg.offsets !== undefined) return seg;
    const bytes = this.#read(seg.file, () => fs.readFileSync(seg.file));
    const isLast = seg === this.segments[this.segments.length - 1];
    const result = scanSegment(bytes, {
      nameTick: seg.firstTick,
      isLast,
      maxRecordBytes: this.maxRecordBytes,
    });
    if (result.problem !== undefined && result.problem.kind === 'corrupt')
      throw corruptionError(this.paths.dir, seg.file, result.problem);
    seg.offsets = result.offsets;
    seg.validEnd = result.validEnd;
    if (isLast || LogStore.lastTickOf(seg) > this.#lastTick)
      this.#lastTick = Math.max(this.#lastTick, LogStore.lastTickOf(seg));
    return seg;
  }

  /** Runs a file read; a segment that retention removed meanwhile (a reader next to a writer) is HISTORY_PRUNED. */
  #read<T>(file: string, read: () => T): T {
    try {
      return read();
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
      throw new TickspaceError(
        'HISTORY_PRUNED',
        `segment ${path.basename(file)} was removed (${this.retentionNote}) while it was being read: list the data directory again`,
        {
          cause,
          details: { file },
        },
      );
    }
  }

  /** The segment holding `tick`, scanned. @throws TickspaceError CORRUPT_LOG / TICK_OUT_OF_RANGE */
  segmentOf(tick: number): { seg: SegmentEntry; index: number } {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.segments[mid]!.firstTick <= tick) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0 && this.pruned && tick >= 0) throw this.prunedError(tick);
    if (found < 0)
      throw new TickspaceError(
        'TICK_OUT_OF_RANGE',
        `tick ${tick} is older than the oldest retained segment (which starts at tick ${this.segments[0]?.firstTick ?? 'none'})`,
        {
          details: { tick },
        },
      );
    const seg = this.scan(this.segments[found]!);
    const last = LogStore.lastTickOf(seg);
    if (tick > last) {
      const next = this.segments[found + 1];
      if (next !== undefined)
        throw new TickspaceError(
          'CORRUPT_LOG',
          `ticks ${last + 1}..${next.firstTick - 1} are missing from the log: ${path.basename(seg.file)} ends at tick ${last} and the next segment ${path.basename(next.file)} starts at tick ${next.firstTick} (a segment file was deleted or lost)`,
          { details: { tick, file: seg.file, next: next.file } },
        );
      throw new TickspaceError(
        'TICK_OUT_OF_RANGE',
        `tick ${tick} is newer than the log's last tick ${last}`,
        { details: { tick, lastTick: last } },
      );
    }
    return { seg, index: found };
  }

  /**
   * Yields the payloads of ticks `from..to` in order, reading each segment's span with one read
   * and re-checking every record's checksum.
   * @throws TickspaceError CORRUPT_LOG, TICK_OUT_OF_RANGE
   */
  *payloads(from: number, to: number): Generator<{ tick: number; payload: Uint8Array }> {
    let tick = from;
    while (tick <= to) {
      const { seg, index } = this.segmentOf(tick);
      const offsets = seg.offsets!;
      const first = tick - seg.firstTick;
      const lastInSeg = Math.min(to, LogStore.lastTickOf(seg));
      const last = lastInSeg - seg.firstTick;
      const start = offsets[first]!;
      const end = last + 1 < offsets.length ? offsets[last + 1]! : seg.validEnd;
      const buf = Buffer.allocUnsafe(end - start);
      const fd = this.#read(seg.file, () => fs.openSync(seg.file, 'r'));
      try {
        let done = 0;
        while (done < buf.length) {
          const n = fs.readSync(fd, buf, done, buf.length - done, start + done);
          if (n === 0)
            throw new TickspaceError(
              'CORRUPT_LOG',
              `${seg.file} is shorter than its index says (ends before byte ${end})`,
              { details: { file: seg.file } },
            );
          done += n;
        }
      } finally {
        fs.closeSync(fd);
      }
      for (let i = first; i <= last; i++) {
        const at = offsets[i]! - start;
        const length = new DataView(buf.buffer, buf.byteOffset + at, 4).getUint32(0, true);
        if (!recordChecksumOk(buf, at, length))
          throw new TickspaceError(
            'CORRUPT_LOG',
            `record for tick ${seg.firstTick + i} in ${path.basename(seg.file)} at byte ${offsets[i]} no longer matches its checksum (the file changed after it was written)`,
            {
              details: { file: seg.file, offset: offsets[i], tick: seg.firstTick + i },
            },
          );
        yield {
          tick: seg.firstTick + i,
          payload: buf.subarray(at + RECORD_FRAME_BYTES, at + RECORD_FRAME_BYTES + length),
        };
      }
      tick = lastInSeg + 1;
      if (index === this.segments.length - 1 && tick <= to)
        throw new TickspaceError(
          'TICK_OUT_OF_RANGE',
          `tick ${tick} is newer than the log's last tick ${lastInSeg}`,
          { details: { tick } },
        );
    }
  }

  /**
   * Decoded ticks `from..to`.
   * @throws TickspaceError CORRUPT_LOG, TICK_OUT_OF_RANGE
   */
  *ticks(
    from: number,
    to: number,
    options: { calls?: boolean; changes?: boolean } = {},
  ): Generator<LoggedTick> {
    for (const { tick, payload } of this.payloads(from, to)) yield this.decode(tick, payload, options);
  }

  /** Decodes one payload, wrapping parse errors as CORRUPT_LOG. */
  decode(
    tick: number,
    payload: Uint8Array,
    options: { calls?: boolean; changes?: boolean } = {},
  ): LoggedTick {
    try {
      return this.codecAt(tick).decode(payload, options);
    } catch (cause) {
      throw new TickspaceError(
        'CORRUPT_LOG',
        `the record for tick ${tick} passes its checksum but does not decode: ${(cause as Error).message}`,
        { cause, details: { tick } },
      );
    }
  }

  /** The newest schema version's codec (what new records are written with; a migration changes it). */
  get codec(): RecordCodec {
    return this.#codec ?? this.versions!.latest.codec;
  }

  /** The newest schema version's shapes. */
  get schema(): LogSchema {
    return this.codec.schema;
  }

  /** The codec of tick `tick`'s record (its schema version's). */
  codecAt(tick: number): RecordCodec {
    return this.versions === undefined ? this.codec : this.versions.at(tick).codec;
  }

  /** The table shapes of the state after tick `tick` (its schema version's). */
  schemaAt(tick: number): LogSchema {
    return this.versions === undefined ? this.schema : this.versions.at(tick).logSchema;
  }

  /** The schema version number of tick `tick` (1 without a history). */
  versionAt(tick: number): number {
    return this.versions === undefined ? 1 : this.versions.at(tick).version;
  }

  // ---- snapshots and state --------------------------------------------------------------------

  /** A decoded snapshot (cached: rows are immutable, so engines may share them). */
  loadSnapshot(entry: SnapshotEntry): SnapshotState {
    const cached = this.#snapshotCache.get(entry.tick);
    if (cached !== undefined) return cached;
    const state = readSnapshot(entry.file, this.schemaAt(entry.tick));
    const expectedVersion = this.versionAt(entry.tick);
    if (state.schemaVersion !== undefined && state.schemaVersion !== expectedVersion)
      throw new TickspaceError(
        'CORRUPT_LOG',
        `snapshot ${entry.file} holds schema version ${state.schemaVersion}, but the manifest says tick ${entry.tick} is version ${expectedVersion}`,
        { details: { file: entry.file } },
      );
    if (state.tick !== entry.tick)
      throw new TickspaceError(
        'CORRUPT_LOG',
        `snapshot ${entry.file} holds tick ${state.tick}, its name says ${entry.tick}`,
        { details: { file: entry.file } },
      );
    if (this.#snapshotCache.size >= 2) this.#snapshotCache.delete(this.#snapshotCache.keys().next().value!);
    this.#snapshotCache.set(entry.tick, state);
    return state;
  }

  /**
   * The newest usable starting point at or before `tick`: a snapshot that reads back intact, or
   * the empty state at tick 0 when the log starts at tick 1. Damaged snapshots are skipped (and
   * remembered) and reported through `skipped`.
   * @throws TickspaceError TICK_OUT_OF_RANGE when no starting point exists.
   */
  baseFor(tick: number, skipped?: { file: string; reason: string }[]): SnapshotState {
    for (let i = this.snapshots.length - 1; i >= 0; i--) {
      const s = this.snapshots[i]!;
      if (s.tick > tick) continue;
      const known = this.#damaged.get(s.file);
      if (known !== undefined) {
        skipped?.push({ file: s.file, reason: known });
        continue;
      }
      try {
        return this.loadSnapshot(s);
      } catch (error) {
        if (!(error instanceof TickspaceError) || error.code !== 'CORRUPT_LOG') throw error;
        this.#damaged.set(s.file, error.message);
        skipped?.push({ file: s.file, reason: error.message });
      }
    }
    if (this.segments.length === 0 || this.segments[0]!.firstTick === 1)
      return { tick: 0, stateHash: EMPTY_HASH, tables: [] };
    throw new TickspaceError(
      'TICK_OUT_OF_RANGE',
      `no state is retained at or before tick ${tick}: the oldest segment starts at tick ${this.segments[0]!.firstTick} and no usable snapshot precedes it`,
      {
        details: { tick },
      },
    );
  }

  /**
   * Rebuilds the state as of `tick` into `engine` (which it restores first): the newest snapshot
   * at or before the tick, then every later record's changes. Yields to the event loop every few
   * ms so a live tick loop keeps running. Verifies the resulting state hash against the log.
   * @throws TickspaceError TICK_OUT_OF_RANGE, CORRUPT_LOG
   */
  async materialize(
    tick: number,
    engine: Engine<ModuleDef>,
    options: { sliceMs?: number } = {},
  ): Promise<void> {
    if (Number.isSafeInteger(tick) && tick >= 0 && tick < this.firstTick && this.pruned)
      throw this.prunedError(tick);
    if (!Number.isSafeInteger(tick) || tick < this.firstTick || tick > this.#lastTick)
      throw new TickspaceError(
        'TICK_OUT_OF_RANGE',
        `tick ${tick} is outside the retained history ${this.firstTick}..${this.#lastTick}`,
        {
          details: { tick, firstTick: this.firstTick, lastTick: this.#lastTick },
        },
      );
    const base = this.baseFor(tick);
    const builder = new StateBuilder(this.versions ?? this.schema, base);
    const sliceMs = options.sliceMs ?? 8;
    let sliceStart = performance.now();
    let expected = base.stateHash;
    for (const { tick: t, payload } of this.payloads(base.tick + 1, tick)) {
      const rec = this.decode(t, payload, { calls: false });
      builder.apply(rec);
      expected = rec.stateHash;
      if (performance.now() - sliceStart > sliceMs) {
        await yieldToLoop();
        sliceStart = performance.now();
      }
    }
    restoreState(engine, builder.state(expected));
    if (tick > 0 && engine.stateHash !== expected)
      throw new TickspaceError(
        'CORRUPT_LOG',
        `rebuilding tick ${tick} from ${base.tick > 0 ? `the snapshot at tick ${base.tick}` : 'tick 0'} gave state hash ${engine.stateHash}, the log says ${expected}`,
        {
          details: { tick, base: base.tick },
        },
      );
  }

  /**
   * Every version of one row across the retained history, oldest first, with the tick, call and
   * sender that produced it. With `from`, only the changes made after tick `from` (a `from` at the
   * oldest retained tick also gives the row as the oldest snapshot holds it).
   * @throws TickspaceError UNKNOWN_TABLE, HISTORY_PRUNED (`from` is older than the retained history), TICK_OUT_OF_RANGE, CORRUPT_LOG
   */
  history(tableName: string, key: unknown, options: { from?: number } = {}): RowVersion[] {
    return rowHistory(this, tableName, key, options);
  }
}

/** State hash of an empty world. */
export const EMPTY_HASH = '0000000000000000';

/** Restores a snapshot state into an engine (tables by name, rows in stored order). */
export function restoreState(engine: Engine<ModuleDef>, state: SnapshotState): void {
  const tables: Record<string, { rows: readonly Readonly<Record<string, unknown>>[]; autoInc: number }> = {};
  for (const t of state.tables) tables[t.name] = { rows: t.rows, autoInc: t.autoInc };
  engine.restore({ tick: state.tick, tables });
}

/**
 * Applies one logged tick's changes to an engine, never half: a change that does not fit the
 * state (a row to update or delete that is missing) throws CORRUPT_LOG before the caller can use
 * the engine.
 */
export function applyLogged(engine: Engine<ModuleDef>, rec: LoggedTick): void {
  try {
    engine.applyChanges(rec.tick, rec.changes);
  } catch (cause) {
    throw new TickspaceError(
      'CORRUPT_LOG',
      `the changes of tick ${rec.tick} do not apply to the state before it: ${(cause as Error).message}`,
      { cause, details: { tick: rec.tick } },
    );
  }
}
