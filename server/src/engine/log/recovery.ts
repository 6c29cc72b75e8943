import fs from 'node:fs';
import path from 'node:path';
import { TickspaceError } from '../../protocol/errors';
import type { Engine } from '../engine';
import type { ModuleDef } from '../module';
import { LogStore, applyLogged, corruptionError, restoreState, type SegmentEntry } from './log-store';
import { StateBuilder } from './state-builder';
import { scanSegment } from './segment-scan';
import type { SnapshotState } from './snapshot-file';
import type { SchemaVersion } from './schema-versions';

/** What recovery found and did. */
export interface RecoveryReport {
  /** The snapshot recovery started from, or undefined when it replayed from tick 0. */
  readonly snapshot: { readonly tick: number; readonly file: string } | undefined;
  /** Snapshots that failed their checks and were passed over for an older one. */
  readonly skippedSnapshots: readonly { readonly file: string; readonly reason: string }[];
  /** Ticks re-applied from the log after the snapshot. */
  readonly replayedTicks: number;
  readonly replayedChanges: number;
  /** The tick the engine now stands at. */
  readonly lastTick: number;
  readonly stateHash: string;
  /** The torn tail that was cut (or, read-only, that was ignored). */
  readonly cut:
    | {
        readonly file: string;
        readonly offset: number;
        readonly bytes: number;
        readonly reason: string;
        readonly removedFile: boolean;
      }
    | undefined;
  readonly ms: number;
}

/** Options for {@link recover}. */
export interface RecoverOptions {
  /** Do not cut torn tails (a reader next to a live writer). @default false */
  readonly readOnly?: boolean;
  /**
   * For a directory with several schema versions: the engine to restore a state of a given
   * version into (the snapshot check may use an older version than the final state). Without it,
   * `engine` is used for every state.
   */
  readonly engineFor?: (version: SchemaVersion) => Engine<ModuleDef>;
}

function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Brings `engine` to the last durable tick of a data directory: the newest snapshot that reads
 * back intact and is not newer than the log, then every later record's changes (each record is
 * checksummed and fully decoded before it is applied, into a private model; the engine is
 * restored once at the end and its state hash must equal the last record's, so a tick is applied
 * whole or recovery stops). A torn last record is cut and reported; damage anywhere else throws
 * with the way out.
 * @throws TickspaceError CORRUPT_LOG naming the file, byte offset and tick; TICK_OUT_OF_RANGE
 */
export function recover(
  store: LogStore,
  engine: Engine<ModuleDef>,
  options: RecoverOptions = {},
): RecoveryReport {
  const started = performance.now();
  const dir = store.paths.dir;
  store.refresh();
  let cut: RecoveryReport['cut'];

  // 1. The newest segment: the only place a torn tail is expected.
  let tailBytes: Buffer | undefined;
  let tail: ReturnType<typeof scanSegment> | undefined;
  while (store.segments.length > 0) {
    const seg = store.segments[store.segments.length - 1]!;
    tailBytes = fs.readFileSync(seg.file);
    tail = scanSegment(tailBytes, {
      nameTick: seg.firstTick,
      isLast: true,
      maxRecordBytes: store.maxRecordBytes,
    });
    const problem = tail.problem;
    if (problem === undefined) break;
    if (problem.kind === 'corrupt') throw corruptionError(dir, seg.file, problem);
    const removedFile = tail.validEnd === 0;
    cut = {
      file: seg.file,
      offset: problem.offset,
      bytes: problem.bytesAfter,
      reason: problem.reason,
      removedFile,
    };
    if (options.readOnly) break;
    if (removedFile) {
      // Not even a header survived: the segment never held a record.
      fs.rmSync(seg.file);
      syncDirSync(store.paths.log);
      store.segments.pop();
      tail = undefined;
      continue;
    }
    fs.truncateSync(seg.file, tail.validEnd);
    syncFile(seg.file);
    break;
  }
  if (tail !== undefined) {
    const seg = store.segments[store.segments.length - 1]!;
    seg.offsets = tail.offsets;
    seg.validEnd = tail.validEnd;
  }
  const lastSeg = store.segments[store.segments.length - 1];
  const lastTick = lastSeg === undefined ? 0 : LogStore.lastTickOf(lastSeg);
  store.lastTick = lastTick;

  // 2. A snapshot newer than the log means the log lost ticks the snapshot depends on.
  const newer = store.snapshots.filter((s) => s.tick > lastTick);
  if (newer.length > 0)
    throw new TickspaceError(
      'CORRUPT_LOG',
      `snapshot ${path.relative(dir, newer[newer.length - 1]!.file)} (tick ${newer[newer.length - 1]!.tick}) is newer than the log, which ends at tick ${lastTick}: ` +
        `log records ${lastTick + 1}..${newer[newer.length - 1]!.tick} are missing. Refusing to start. Way out: 'tickspace repair --data ${dir}' moves the ` +
        `${newer.length} newer snapshot(s) into ${path.join(dir, 'quarantine')} and recovers to tick ${lastTick} from the log (or restore the missing segments from a backup). ` +
        `See server/src/engine/log/FORMAT.md, "Recovering from corruption".`,
      {
        details: {
          dir,
          snapshotTick: newer[newer.length - 1]!.tick,
          lastTick,
          snapshots: newer.map((s) => s.file),
        },
      },
    );

  // 3. The newest usable snapshot.
  const skipped: { file: string; reason: string }[] = [];
  let base: SnapshotState;
  try {
    base = store.baseFor(lastTick, skipped);
  } catch (error) {
    if (error instanceof TickspaceError && error.code === 'TICK_OUT_OF_RANGE')
      throw new TickspaceError(
        'CORRUPT_LOG',
        `cannot recover ${dir}: ${error.message}${skipped.length > 0 ? ` (damaged snapshots: ${skipped.map((s) => s.reason).join('; ')})` : ''}`,
        {
          cause: error,
          details: { dir, skipped },
        },
      );
    throw error;
  }
  const engineAt = (tick: number) =>
    options.engineFor !== undefined && store.versions !== undefined
      ? options.engineFor(store.versions.at(tick))
      : engine;
  const baseEngine = engineAt(base.tick);
  restoreState(baseEngine, base);
  if (base.tick > 0 && baseEngine.stateHash !== base.stateHash)
    throw new TickspaceError(
      'CORRUPT_LOG',
      `snapshot at tick ${base.tick} restores to state hash ${baseEngine.stateHash}, its header says ${base.stateHash}`,
      { details: { tick: base.tick } },
    );

  // 4. Fast-forward through every later record, segment by segment, checking that no tick is
  // missing; each record is checksummed and decoded whole before it is applied.
  let replayedTicks = 0;
  let replayedChanges = 0;
  let expected = base.tick + 1;
  const builder = new StateBuilder(store.versions ?? store.schema, base);
  let lastHash = base.stateHash;
  if (expected <= lastTick) {
    let i = store.segments.length - 1;
    while (i > 0 && store.segments[i]!.firstTick > expected) i--;
    for (; i < store.segments.length; i++) {
      const seg: SegmentEntry = store.segments[i]!;
      const isLast = i === store.segments.length - 1;
      if (seg.firstTick > expected)
        throw new TickspaceError(
          'CORRUPT_LOG',
          `ticks ${expected}..${seg.firstTick - 1} are missing from the log: no segment holds them (the next is ${path.basename(seg.file)}; a segment file was deleted or lost). ` +
            `Refusing to start. Way out: restore the missing segment from a backup, or move the data directory aside and start a new one.`,
          { details: { dir, from: expected, to: seg.firstTick - 1, next: seg.file } },
        );
      const bytes = isLast ? tailBytes! : fs.readFileSync(seg.file);
      const scan = isLast
        ? tail!
        : scanSegment(bytes, {
            nameTick: seg.firstTick,
            isLast: false,
            maxRecordBytes: store.maxRecordBytes,
          });
      if (scan.problem !== undefined && !isLast) throw corruptionError(dir, seg.file, scan.problem);
      seg.offsets = scan.offsets;
      seg.validEnd = scan.validEnd;
      for (let k = 0; k < scan.ticks.length; k++) {
        const tick = scan.ticks[k]!;
        if (tick < expected) continue;
        if (tick !== expected)
          throw new TickspaceError('CORRUPT_LOG', `expected tick ${expected}, found ${tick} in ${seg.file}`, {
            details: { file: seg.file },
          });
        const at = scan.offsets[k]!;
        const length = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, true);
        const rec = store.decode(tick, bytes.subarray(at + 8, at + 8 + length), { calls: false });
        builder.apply(rec);
        lastHash = rec.stateHash;
        replayedTicks++;
        replayedChanges += rec.changes.length;
        expected++;
      }
    }
  }
  const finalEngine = engineAt(lastTick);
  restoreState(finalEngine, builder.state(lastHash));
  if (finalEngine.stateHash !== lastHash) {
    // Find the first tick whose logged hash the state does not reach, for a precise refusal (one
    // engine holds one schema version, so only from the newest migration on).
    if (store.versionAt(base.tick) === store.versionAt(lastTick))
      pinpointDivergence(store, finalEngine, base);
    throw new TickspaceError(
      'CORRUPT_LOG',
      `recovery reached state hash ${finalEngine.stateHash} at tick ${lastTick}, but the log recorded ${lastHash}`,
      { details: { tick: lastTick } },
    );
  }
  return {
    snapshot:
      base.tick > 0
        ? { tick: base.tick, file: store.snapshots.find((s) => s.tick === base.tick)!.file }
        : undefined,
    skippedSnapshots: skipped,
    replayedTicks,
    replayedChanges,
    lastTick,
    stateHash: finalEngine.stateHash,
    cut,
    ms: performance.now() - started,
  };
}

/**
 * Slow path after a final hash mismatch: re-applies the records one tick at a time through the
 * engine, checking the hash after each, and throws naming the first tick that differs.
 */
function pinpointDivergence(store: LogStore, engine: Engine<ModuleDef>, base: SnapshotState): void {
  restoreState(engine, base);
  for (const { tick, payload } of store.payloads(base.tick + 1, store.lastTick)) {
    const rec = store.decode(tick, payload, { calls: false });
    applyLogged(engine, rec);
    if (engine.stateHash !== rec.stateHash)
      throw new TickspaceError(
        'CORRUPT_LOG',
        `recovery of tick ${tick} produced state hash ${engine.stateHash}, but the log recorded ${rec.stateHash}; refusing to start on a state that differs from the one that ran`,
        { details: { tick } },
      );
  }
}
