import fs from 'node:fs';
import { TickspaceError } from '../../protocol/errors';
import type { Logger } from '../engine';
import type { DataDirPaths } from './data-dir';
import type { RetentionResult, RetentionStats } from './database-types';
import type { LogStore } from './log-store';
import { syncDir } from './log-writer';
import { planRetention, retentionSteps, type RetentionPolicy } from './retention';
import { verifySnapshotFile } from './snapshot-file';

/**
 * Applies a database's retention policy, one pass at a time and in order: removes the segments
 * and snapshots an older verified snapshot makes unnecessary, and counts what it removed.
 */
export class RetentionRunner {
  readonly #store: LogStore;
  readonly #paths: DataDirPaths;
  readonly #policy: RetentionPolicy | undefined;
  readonly #sliceMs: number | undefined;
  readonly #logger: Logger;
  readonly #isClosed: () => boolean;
  /** Retention passes run one at a time, in order. */
  #retaining: Promise<unknown> = Promise.resolve();
  #stats = { runs: 0, removedSegments: 0, removedSnapshots: 0, freedBytes: 0, rejectedAnchors: 0 };

  constructor(parts: {
    store: LogStore;
    paths: DataDirPaths;
    policy: RetentionPolicy | undefined;
    sliceMs: number | undefined;
    logger: Logger;
    isClosed: () => boolean;
  }) {
    this.#store = parts.store;
    this.#paths = parts.paths;
    this.#policy = parts.policy;
    this.#sliceMs = parts.sliceMs;
    this.#logger = parts.logger;
    this.#isClosed = parts.isClosed;
  }

  /** Counters since the database opened (a copy). */
  get stats(): RetentionStats {
    return { ...this.#stats };
  }

  /** Resolves once every queued pass has finished (failed ones included). */
  settled(): Promise<unknown> {
    return this.#retaining;
  }

  /** Queues a pass after those already queued; resolves with what it removed. */
  run(): Promise<RetentionResult> {
    const run = this.#retaining.then(() => this.#retain());
    this.#retaining = run.catch(() => undefined);
    return run;
  }

  /**
   * One retention pass: plans from the store's file lists, verifies the anchor snapshot (a damaged
   * one is passed over for an older one, keeping the history before it), forgets the files in the
   * store, then removes them in the crash-safe order of {@link retentionSteps}, syncing each
   * directory. Runs off the tick loop (after a snapshot); only verification reads, in slices.
   */
  async #retain(): Promise<RetentionResult> {
    const started = performance.now();
    const policy = this.#policy;
    const result = {
      anchorTick: undefined as number | undefined,
      removedSegments: 0,
      removedSnapshots: 0,
      freedBytes: 0,
    };
    while (policy !== undefined && !this.#isClosed()) {
      const plan = planRetention({
        segments: this.#store.segments,
        snapshots: this.#store.snapshots,
        lastTick: this.#store.lastTick,
        policy,
        usable: (s) => !this.#store.isDamaged(s.file),
      });
      const anchor = plan.anchor;
      if (anchor === undefined) break;
      try {
        const header = await verifySnapshotFile(anchor.file, { sliceMs: this.#sliceMs });
        if (header.tick !== anchor.tick)
          throw new TickspaceError(
            'CORRUPT_LOG',
            `snapshot ${anchor.file} holds tick ${header.tick}, its name says ${anchor.tick}`,
            { details: { file: anchor.file } },
          );
      } catch (error) {
        if (!(error instanceof TickspaceError) || error.code !== 'CORRUPT_LOG') throw error;
        this.#store.markDamaged(anchor.file, error.message);
        this.#stats.rejectedAnchors++;
        this.#logger.warn(`retention: ${error.message}; the history before it is kept`);
        continue;
      }
      // Forget first, so that readers in this process see the new, consistent range at once.
      for (const s of plan.snapshots) this.#store.dropSnapshot(s);
      for (const s of plan.segments) this.#store.dropSegment(s);
      try {
        for (const step of retentionSteps(plan)) {
          if (step.kind === 'sync')
            await syncDir(step.dir === 'log' ? this.#paths.log : this.#paths.snapshots);
          else await fs.promises.rm(step.file, { force: true });
        }
      } catch (cause) {
        this.#store.refresh();
        throw new TickspaceError(
          'LOG_FAILED',
          `retention could not remove old history in ${this.#paths.dir}: ${(cause as Error).message}`,
          { cause, details: { dir: this.#paths.dir } },
        );
      }
      result.anchorTick = anchor.tick;
      result.removedSnapshots = plan.snapshots.length;
      result.removedSegments = plan.segments.length;
      result.freedBytes =
        plan.snapshots.reduce((n, s) => n + s.bytes, 0) + plan.segments.reduce((n, s) => n + s.bytes, 0);
      const r = this.#stats;
      r.removedSegments += result.removedSegments;
      r.removedSnapshots += result.removedSnapshots;
      r.freedBytes += result.freedBytes;
      break;
    }
    this.#stats.runs++;
    return { ...result, oldestTick: this.#store.firstTick, ms: performance.now() - started };
  }
}
