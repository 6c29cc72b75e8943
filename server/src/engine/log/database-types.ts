import type { Logger } from '../engine';
import type { ModuleDef, ReadonlyDb } from '../module';
import type { TableStore } from '../table-store';
import type { Durability, LogWriterStats } from './log-writer';
import type { RetentionPolicy } from './retention';
import type { RewindStats } from './rewind';
import type { SnapshotWriteResult } from './snapshot-file';

/** Options for {@link openDatabase}. */
export interface DatabaseOptions<M extends ModuleDef> {
  /** The data directory (created when missing, unless `create` is false). */
  readonly dir: string;
  /** The module; omit to open read-only with a module rebuilt from the stored schema (no reducer code). */
  readonly module?: M;
  /** World seed for a new directory; must match an existing one. @default the stored seed, or 'tickspace' */
  readonly seed?: string;
  /** Tick period for a new directory; must match an existing one. @default the stored value, or 50 */
  readonly tickMs?: number;
  /** When ticks reach stable storage. @default 'tick' (group commit, one fsync per tick) */
  readonly durability?: Durability;
  /**
   * `'durable'`: call results and fan-out wait until the tick is durable under `durability`.
   * `'immediate'`: they go out as soon as the tick is written (faster, may confirm a tick a power
   * loss then takes back). @default 'durable'
   */
  readonly confirm?: 'durable' | 'immediate';
  /** A new segment file starts beyond this size. @default 64 MiB */
  readonly segmentBytes?: number;
  /** A record length prefix above this is treated as damage. @default 256 MiB */
  readonly maxRecordBytes?: number;
  /** A snapshot is written after this many ticks since the last one (0 = never by ticks). @default 3000 (2.5 min at 20 Hz) */
  readonly snapshotEveryTicks?: number;
  /**
   * A snapshot is written after this many log bytes since the last one (0 = never by size). With
   * `snapshotEveryTicks` this bounds how much log `asOf` and recovery replay. @default 16 MiB
   */
  readonly snapshotEveryBytes?: number;
  /** Longest synchronous slice of snapshot encoding before yielding to the tick loop. @default 4 */
  readonly snapshotSliceMs?: number;
  /**
   * How much history to keep: `{ ticks }` keeps at least the newest N ticks readable, `{ bytes }`
   * at least N bytes of segment files; with both, history goes once either says so. Applied after
   * each snapshot: whole segments and old snapshots are removed once a verified snapshot (never
   * the newest one) covers them. Undefined keeps everything (history is the product). See
   * FORMAT.md, "Retention".
   * @default undefined
   * @throws TickspaceError INVALID_ARGUMENT (from openDatabase) for a negative or fractional limit
   * @example
   * await openDatabase({ dir, module, retention: { ticks: 20 * 60 * 60 * 24 } }); // one day at 20 Hz
   */
  readonly retention?: RetentionPolicy;
  /** Create the directory if it does not exist. @default true */
  readonly create?: boolean;
  /** Read without locking, cutting or writing (next to a live server). @default false */
  readonly readOnly?: boolean;
  /** Recorded (made absolute) in a new directory's manifest as the module the CLI loads by default: `file.ts` or `file.ts#export`. */
  readonly modulePath?: string;
  /**
   * The code of earlier module versions, for `replay` of ticks logged before a schema migration
   * (each is matched to the schema version whose tables it declares). Without one, replaying a
   * tick of an older version reports that its code is missing; `asOf`, `history` and the CLI need
   * no code. @default []
   */
  readonly olderModules?: readonly ModuleDef[];
  readonly logger?: Logger;
  /**
   * The live engine's per-tick CPU budget (see EngineOptions.tickBudgetMs). Replays and time
   * travel run without one: they reproduce logged aborts instead of timing anything.
   * @default undefined (no budget)
   */
  readonly tickBudgetMs?: number;
  /** The live engine's init budget (see EngineOptions.initBudgetMs). @default as EngineOptions */
  readonly initBudgetMs?: number;
  /**
   * CPU budget, ms, of a runtime migration's work at its tick boundary: the module's migration
   * declaration, its row conversions and the dry run (see publishModule). A migration that runs past
   * it is stopped by V8 and the publish refused with BUDGET_EXCEEDED before anything changed: the
   * running version, its tables and its sessions go on as they were.
   * @default 10_000
   */
  readonly migrationBudgetMs?: number;
}

/** The state of every table as of a past tick. Read-only: writes throw READ_ONLY. */
export interface TimeTravelView<M extends ModuleDef> {
  readonly tick: number;
  /** Logical time of the tick, ms. */
  readonly now: number;
  readonly stateHash: string;
  /** Typed read-only tables, the same interface reducers read through. */
  readonly db: ReadonlyDb<M['tables']>;
  /** Table stores by name (including system tables). */
  readonly tables: Readonly<Record<string, TableStore>>;
}

/** The result of {@link Database.rewind}. */
export interface RewindResult extends RewindStats {
  /** The tick whose state was restored. */
  readonly target: number;
  /** The new tick in which the rewind was committed (rewind to `tick - 1` of it to undo it). */
  readonly tick: number;
  /** State hash right after the rewind transaction. */
  readonly stateHash: string;
}

/** What one retention pass did (see {@link Database.applyRetention}). */
export interface RetentionResult {
  /** The snapshot history now starts at; undefined when nothing was removed. */
  readonly anchorTick: number | undefined;
  readonly removedSegments: number;
  readonly removedSnapshots: number;
  readonly freedBytes: number;
  /** The oldest tick still readable afterwards. */
  readonly oldestTick: number;
  readonly ms: number;
}

/** Retention counters since the database opened. */
export interface RetentionStats {
  readonly runs: number;
  readonly removedSegments: number;
  readonly removedSnapshots: number;
  readonly freedBytes: number;
  /** Snapshots that failed verification as an anchor (history before them was kept). */
  readonly rejectedAnchors: number;
}

/** Snapshot and log counters. */
export interface DatabaseStats {
  readonly log: LogWriterStats | undefined;
  /** Time to encode each record (inside the commit hook), total and worst, ms. */
  readonly encodeMsTotal: number;
  readonly encodeMsMax: number;
  readonly snapshots: number;
  readonly lastSnapshot: SnapshotWriteResult | undefined;
  readonly snapshotMaxSliceMs: number;
  readonly retention: RetentionStats;
}
