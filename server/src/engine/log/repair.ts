import fs from 'node:fs';
import path from 'node:path';
import { acquireLock, dataDirPaths, readManifest } from './data-dir';
import {
  SEGMENT_EXT,
  SNAPSHOT_END,
  SNAPSHOT_EXT,
  SNAPSHOT_TRAILER_BYTES,
  decodeSegmentHeader,
  parseTickFileName,
} from './format';
import { scanSegment } from './segment-scan';
import { decodeSnapshotHeader } from './snapshot-file';
import { crc32c } from './crc32c';

/** What {@link repairDataDir} moved aside. */
export interface RepairReport {
  /** Where the removed files went (nothing is deleted). */
  readonly quarantine: string | undefined;
  /** Files moved into the quarantine folder, with the reason. */
  readonly moved: readonly { readonly file: string; readonly reason: string }[];
  /** A segment cut at the first damaged record (its tail is saved in the quarantine folder). */
  readonly truncated: { readonly file: string; readonly offset: number; readonly reason: string } | undefined;
  /** The last tick the log holds after the repair. */
  readonly lastTick: number;
  /** Whether anything needed doing. */
  readonly changed: boolean;
}

function checkSnapshotFile(file: string): string | undefined {
  try {
    const bytes = fs.readFileSync(file);
    decodeSnapshotHeader(file, bytes);
    const end = bytes.length - SNAPSHOT_TRAILER_BYTES;
    for (let i = 0; i < 8; i++)
      if (bytes[end + 4 + i] !== SNAPSHOT_END[i]) return 'the end marker is missing';
    if (new DataView(bytes.buffer, bytes.byteOffset + end, 4).getUint32(0, true) !== crc32c(bytes, 0, 0, end))
      return 'checksum mismatch';
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The documented way out of a corrupt data directory: scans every segment from the first, cuts
 * the log at the first damaged record or missing segment (keeping every tick before it), and moves
 * everything after it, every snapshot newer than the kept log and every damaged snapshot into
 * `quarantine/<timestamp>/`. Nothing is deleted. Torn tails are left for normal recovery to cut.
 * Takes the directory lock, so the server must be stopped.
 *
 * @param options.dryRun report what would change without touching anything. @default false
 * @throws TickspaceError BAD_DATA_DIR, DATA_DIR_LOCKED
 */
export function repairDataDir(dir: string, options: { dryRun?: boolean } = {}): RepairReport {
  readManifest(dir);
  const paths = dataDirPaths(dir);
  const release = options.dryRun ? undefined : acquireLock(dir);
  try {
    // Wall clock on purpose: names the operator's quarantine folder; no reducer or replay sees it.
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const quarantine = path.join(paths.quarantine, stamp);
    const moved: { file: string; reason: string }[] = [];
    let truncated: RepairReport['truncated'];
    const move = (file: string, reason: string) => {
      moved.push({ file, reason });
      if (options.dryRun) return;
      fs.mkdirSync(quarantine, { recursive: true });
      fs.renameSync(file, path.join(quarantine, path.basename(file)));
    };
    const segments = fs.existsSync(paths.log)
      ? fs
          .readdirSync(paths.log)
          .flatMap((n) => {
            const t = parseTickFileName(n, SEGMENT_EXT);
            return t === undefined ? [] : [{ file: path.join(paths.log, n), tick: t }];
          })
          .sort((a, b) => a.tick - b.tick)
      : [];
    let lastTick = 0;
    let expected = segments[0]?.tick ?? 1;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i]!;
      if (seg.tick !== expected && i > 0) {
        const reason = `ticks ${expected}..${seg.tick - 1} are missing before it`;
        for (let k = i; k < segments.length; k++)
          move(segments[k]!.file, k === i ? reason : 'follows a gap in the log');
        break;
      }
      const bytes = fs.readFileSync(seg.file);
      const isLast = i === segments.length - 1;
      const scan = scanSegment(bytes, { nameTick: seg.tick, isLast });
      if (scan.problem !== undefined && scan.problem.kind === 'corrupt') {
        const header = decodeSegmentHeader(bytes);
        if (scan.validEnd === 0 || !header.ok) move(seg.file, scan.problem.reason);
        else {
          truncated = { file: seg.file, offset: scan.problem.offset, reason: scan.problem.reason };
          if (!options.dryRun) {
            fs.mkdirSync(quarantine, { recursive: true });
            fs.writeFileSync(
              path.join(quarantine, `${path.basename(seg.file)}.from-${scan.problem.offset}`),
              bytes.subarray(scan.problem.offset),
            );
            fs.truncateSync(seg.file, scan.problem.offset);
          }
          lastTick = seg.tick + scan.ticks.length - 1;
        }
        for (let k = i + 1; k < segments.length; k++) move(segments[k]!.file, 'follows damage in the log');
        break;
      }
      if (scan.ticks.length > 0) lastTick = scan.ticks[scan.ticks.length - 1]!;
      expected = seg.tick + scan.ticks.length;
    }
    const snapshots = fs.existsSync(paths.snapshots)
      ? fs.readdirSync(paths.snapshots).flatMap((n) => {
          const t = parseTickFileName(n, SNAPSHOT_EXT);
          return t === undefined ? [] : [{ file: path.join(paths.snapshots, n), tick: t }];
        })
      : [];
    for (const s of snapshots) {
      if (s.tick > lastTick) move(s.file, `newer than the log, which ends at tick ${lastTick}`);
      else {
        const problem = checkSnapshotFile(s.file);
        if (problem !== undefined) move(s.file, problem);
      }
    }
    return {
      quarantine: moved.length > 0 || truncated !== undefined ? quarantine : undefined,
      moved,
      truncated,
      lastTick,
      changed: moved.length > 0 || truncated !== undefined,
    };
  } finally {
    release?.();
  }
}
