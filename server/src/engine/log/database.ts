import { TickspaceError, type AnyErrorCode } from '../../protocol/errors';
import {
  createEngine,
  RESTORE_REASON,
  type CallResult,
  type Engine,
  type Logger,
  type TickRecord,
} from '../engine';
import type { ModuleDef } from '../module';
import { writeManifestAsync, type DataDirPaths, type Manifest } from './data-dir';
import type {
  DatabaseOptions,
  DatabaseStats,
  RetentionResult,
  RewindResult,
  TimeTravelView,
} from './database-types';
import { LogStore, type LogStorage, type RowVersion } from './log-store';
import { LogWriter } from './log-writer';
import type { LoggedTick } from './record-codec';
import type { RecoveryReport } from './recovery';
import { replayRange, type ReplayReport } from './replay';
import { describeRetention, type RetentionPolicy } from './retention';
import { RetentionRunner } from './retention-runner';
import type { SchemaVersion, SchemaVersionEntry } from './schema-versions';
import type { MigrationReport } from './startup-migration';
import { REWIND_CALL, writeRewind, type RewindStats } from './rewind';
import { captureSnapshot, writeSnapshot, type SnapshotWriteResult } from './snapshot-file';

/** DatabaseOptions.migrationBudgetMs' default. */
const DEFAULT_MIGRATION_BUDGET_MS = 10_000;

export type { DatabaseOptions } from './database-types';

/**
 * A module's engine bound to a data directory: every committed tick is appended to the commit log
 * (and confirmed per the durability policy), snapshots are written in the background, and the
 * history can be read (`asOf`, `history`, `ticks`), verified (`replay`) and rewound (`rewind`).
 */
export class Database<M extends ModuleDef> {
  readonly engine: Engine<M>;
  readonly paths: DataDirPaths;
  /** The directory's manifest as last written (a runtime migration appends a schema version). */
  manifest: Manifest;
  readonly store: LogStore;
  readonly recovery: RecoveryReport;
  readonly readOnly: boolean;
  /** See DatabaseOptions.migrationBudgetMs. */
  readonly migrationBudgetMs: number;
  /** The schema migration `openDatabase` ran, if any. */
  readonly migration: MigrationReport | undefined;
  readonly #writer: LogWriter | undefined;
  readonly #newEngine: () => Engine<M>;
  readonly #engineFor: ((version: SchemaVersion) => Engine<ModuleDef> | undefined) | undefined;
  /** Module code of schema versions a runtime migration crossed (by version number). */
  readonly #codeByVersion = new Map<number, ModuleDef>();
  readonly #options: DatabaseOptions<M>;
  readonly #logger: Logger;
  readonly #release: (() => void) | undefined;
  readonly #unhook: (() => void) | undefined;
  #bytesSinceSnapshot = 0;
  #lastSnapshotTick = 0;
  #snapshotting: Promise<SnapshotWriteResult | undefined> | undefined;
  #closed = false;
  /** The last manifest write a runtime migration started (they run one after another). */
  #manifestWrite: Promise<void> = Promise.resolve();
  readonly #retention: RetentionPolicy | undefined;
  readonly #retentionRunner: RetentionRunner;
  #stats = {
    encodeMsTotal: 0,
    encodeMsMax: 0,
    snapshots: 0,
    lastSnapshot: undefined as SnapshotWriteResult | undefined,
    snapshotMaxSliceMs: 0,
  };

  /** @internal Use {@link openDatabase}. */
  constructor(
    parts: {
      engine: Engine<M>;
      newEngine: () => Engine<M>;
      /** An engine of an older schema version (undefined: no code for it; a table-only module is used for reads). */
      engineFor?: (version: SchemaVersion) => Engine<ModuleDef> | undefined;
      migration?: MigrationReport | undefined;
      paths: DataDirPaths;
      manifest: Manifest;
      store: LogStore;
      recovery: RecoveryReport;
      release: (() => void) | undefined;
    },
    options: DatabaseOptions<M>,
  ) {
    this.engine = parts.engine;
    this.#newEngine = parts.newEngine;
    this.#engineFor = parts.engineFor;
    this.migration = parts.migration;
    this.paths = parts.paths;
    this.manifest = parts.manifest;
    this.store = parts.store;
    this.recovery = parts.recovery;
    this.#release = parts.release;
    this.#options = options;
    this.#logger = options.logger ?? console;
    this.readOnly = options.readOnly === true;
    this.migrationBudgetMs = options.migrationBudgetMs ?? DEFAULT_MIGRATION_BUDGET_MS;
    this.#retention = options.retention;
    this.#retentionRunner = new RetentionRunner({
      store: this.store,
      paths: this.paths,
      policy: options.retention,
      sliceMs: options.snapshotSliceMs,
      logger: this.#logger,
      isClosed: () => this.#closed,
    });
    if (options.retention !== undefined) this.store.retentionNote = describeRetention(options.retention);
    this.#lastSnapshotTick = this.store.snapshots[this.store.snapshots.length - 1]?.tick ?? 0;
    if (this.readOnly) return;
    const last = this.store.segments[this.store.segments.length - 1];
    this.#writer = new LogWriter(
      this.paths.log,
      {
        segment:
          last === undefined
            ? undefined
            : { file: last.file, firstTick: last.firstTick, size: last.validEnd },
        nextTick: this.engine.tick + 1,
      },
      { durability: options.durability, segmentBytes: options.segmentBytes },
      this.store,
    );
    this.#unhook = this.engine.onCommit((record) => this.#commit(record));
  }

  #commit(record: TickRecord): Promise<void> | undefined {
    const started = performance.now();
    const framed = this.store.codec.encodeFramed(record);
    const ms = performance.now() - started;
    this.#stats.encodeMsTotal += ms;
    if (ms > this.#stats.encodeMsMax) this.#stats.encodeMsMax = ms;
    const writer = this.#writer!;
    writer.append(record.tick, framed);
    this.#bytesSinceSnapshot += framed.length;
    this.#maybeSnapshot(record.tick);
    const durable = writer.whenDurable();
    if (this.#options.confirm === 'immediate') {
      durable?.catch((error: unknown) =>
        this.#logger.error(`commit log sync failed after tick ${record.tick}`, error),
      );
      // A tick held behind a manifest write is not in the OS yet: even an immediate confirm waits.
      return writer.whenWritten();
    }
    return durable;
  }

  #maybeSnapshot(tick: number): void {
    if (this.#snapshotting !== undefined) return;
    const everyTicks = this.#options.snapshotEveryTicks ?? 3000;
    const everyBytes = this.#options.snapshotEveryBytes ?? 16 * 1024 * 1024;
    const due =
      (everyTicks > 0 && tick - this.#lastSnapshotTick >= everyTicks) ||
      (everyBytes > 0 && this.#bytesSinceSnapshot >= everyBytes);
    if (!due) return;
    this.#startSnapshot().catch((error: unknown) =>
      this.#logger.error(`snapshot after tick ${tick} failed`, error),
    );
  }

  #startSnapshot(): Promise<SnapshotWriteResult | undefined> {
    const state = captureSnapshot(this.engine as unknown as Engine<ModuleDef>);
    this.#bytesSinceSnapshot = 0;
    this.#lastSnapshotTick = state.tick;
    const writer = this.#writer;
    const run = async () => {
      // The snapshot must never be newer than the durable log, or recovery would find a gap.
      const at = { ...state, schemaVersion: this.store.versionAt(state.tick) };
      const result = await writeSnapshot(this.paths.snapshots, at, this.store.schemaAt(state.tick), {
        sliceMs: this.#options.snapshotSliceMs,
        beforeRename: writer === undefined ? undefined : () => writer.sync(),
      });
      this.store.addSnapshot({ file: result.file, tick: result.tick, bytes: result.bytes });
      this.#stats.snapshots++;
      this.#stats.lastSnapshot = result;
      if (result.maxSliceMs > this.#stats.snapshotMaxSliceMs)
        this.#stats.snapshotMaxSliceMs = result.maxSliceMs;
      if (this.#retention !== undefined)
        await this.#retentionRunner
          .run()
          .catch((error: unknown) =>
            this.#logger.error(`retention after the snapshot at tick ${result.tick} failed`, error),
          );
      return result;
    };
    const promise = run().finally(() => {
      if (this.#snapshotting === promise) this.#snapshotting = undefined;
    });
    this.#snapshotting = promise;
    return promise;
  }

  /**
   * Applies the retention policy now (it also runs after every snapshot) and reports what it
   * removed; without a policy it removes nothing.
   * @throws TickspaceError READ_ONLY; LOG_FAILED if a file cannot be removed
   * @example
   * const r = await db.applyRetention(); // -> { removedSegments: 3, oldestTick: 6000, ... }
   */
  async applyRetention(): Promise<RetentionResult> {
    if (this.readOnly)
      throw new TickspaceError('READ_ONLY', 'applyRetention: the database is open read-only');
    return this.#retentionRunner.run();
  }

  /** Disk use (segments and snapshots, tracked as files change) and the retained range; cheap enough for every scrape. */
  get storage(): LogStorage {
    return this.store.storage;
  }

  /** The last tick known to be on stable storage (see {@link LogWriter.durableTick}). */
  get durableTick(): number {
    return this.#writer?.durableTick ?? this.store.lastTick;
  }

  /** The writer, for tests and benchmarks (undefined read-only). */
  get writer(): LogWriter | undefined {
    return this.#writer;
  }

  /** Resolves once no snapshot is being written (an automatic one may be in flight after any tick). */
  async snapshotsSettled(): Promise<void> {
    while (this.#snapshotting !== undefined) await this.#snapshotting.catch(() => undefined);
  }

  /** Log, encode and snapshot counters. */
  get stats(): DatabaseStats {
    return { log: this.#writer?.stats, ...this.#stats, retention: this.#retentionRunner.stats };
  }

  /**
   * Writes a snapshot of the current state now (waits for one already running first).
   * @throws TickspaceError LOG_FAILED
   */
  async snapshot(): Promise<SnapshotWriteResult> {
    if (this.readOnly) throw new TickspaceError('READ_ONLY', 'snapshot: the database is open read-only');
    while (this.#snapshotting !== undefined) await this.#snapshotting.catch(() => undefined);
    const last = this.#stats.lastSnapshot;
    if (last !== undefined && last.tick === this.engine.tick) return last;
    return (await this.#startSnapshot())!;
  }

  /**
   * A read-only view of every table as of `tick`: the newest snapshot at or before it plus the
   * logged changes since. Does not disturb the live engine (it yields while rebuilding).
   * @throws TickspaceError HISTORY_PRUNED before the retained history, TICK_OUT_OF_RANGE after it; CORRUPT_LOG
   * @example
   * const then = await db.asOf(1200);
   * then.db.player.find(7); // -> the row as it was at tick 1200
   */
  async asOf(tick: number): Promise<TimeTravelView<M>> {
    const engine = this.#readerAt(tick);
    await this.store.materialize(tick, engine as unknown as Engine<ModuleDef>);
    return {
      tick: engine.tick,
      now: engine.now,
      stateHash: engine.stateHash,
      db: engine.db,
      tables: engine.tables,
    };
  }

  /**
   * Every version of one row, oldest first, with the tick, call and sender that produced it; with
   * `from`, only the changes after that tick.
   * @throws TickspaceError UNKNOWN_TABLE, HISTORY_PRUNED (`from` before the retained history), TICK_OUT_OF_RANGE, CORRUPT_LOG
   * @example
   * for (const v of await db.history('player', 7)) console.log(v.tick, v.kind, v.call?.reducer, v.call?.sender);
   */
  async history(table: string, key: unknown, options: { from?: number } = {}): Promise<RowVersion[]> {
    return this.store.history(table, key, options);
  }

  /**
   * Logged ticks `from..to`, decoded.
   * @throws TickspaceError TICK_OUT_OF_RANGE, CORRUPT_LOG
   */
  ticks(from: number, to: number, options?: { calls?: boolean; changes?: boolean }): Generator<LoggedTick> {
    return this.store.ticks(from, to, options);
  }

  /**
   * Sets the live world back to its state at `tick`, as a new transaction (logged as `__rewind`
   * with ordinary row changes): history after `tick` is kept, and the rewind can itself be undone
   * by rewinding to the tick before it. Scheduled calls keep their remaining delay unless
   * `shiftSchedules` is false. Resolves once the rewind tick is committed (and durable, if confirm
   * is 'durable'); the tick loop must be running or driven by `runTick`.
   * @throws TickspaceError HISTORY_PRUNED, TICK_OUT_OF_RANGE, READ_ONLY, or the rewind's own failure
   * @example
   * const r = await db.rewind(1200);   // the world is back at tick 1200, in a new tick r.tick
   * await db.rewind(r.tick - 1);       // ...and undone
   */
  async rewind(tick: number, options: { shiftSchedules?: boolean } = {}): Promise<RewindResult> {
    return (await this.prepareRewind(tick, options)).enqueue();
  }

  /**
   * The two halves of {@link rewind}: rebuilds the past state now (the slow part, off the tick
   * loop), and returns `enqueue`, which queues the rewind transaction for the next tick and
   * resolves when it is committed. Lets a caller that drives ticks itself know when to tick.
   * @throws TickspaceError HISTORY_PRUNED, TICK_OUT_OF_RANGE, READ_ONLY
   */
  async prepareRewind(
    tick: number,
    options: { shiftSchedules?: boolean } = {},
  ): Promise<{ readonly target: number; enqueue(): Promise<RewindResult> }> {
    if (this.readOnly) throw new TickspaceError('READ_ONLY', 'rewind: the database is open read-only');
    if (Number.isSafeInteger(tick) && this.store.versionAt(tick) !== this.store.versionAt(this.engine.tick))
      throw new TickspaceError(
        'TICK_OUT_OF_RANGE',
        `rewind to tick ${tick}: that tick is schema version ${this.store.versionAt(tick)} and the live world is version ${this.store.versionAt(this.engine.tick)}; a rewind cannot cross a schema migration (read it with asOf)`,
        { details: { tick } },
      );
    const past = this.#newEngine();
    await this.store.materialize(tick, past as unknown as Engine<ModuleDef>);
    const enqueue = () =>
      new Promise<RewindResult>((resolve, reject) => {
        let stats: RewindStats | undefined;
        let at = 0;
        let hash = '';
        this.engine.enqueueSystem(
          REWIND_CALL,
          (ctx) => {
            at = ctx.tick;
            stats = writeRewind(
              this.engine as unknown as Engine<ModuleDef>,
              past as unknown as Engine<ModuleDef>,
              options.shiftSchedules === false ? 0 : ctx.tick - tick,
            );
            hash = this.engine.stateHash;
          },
          (result: CallResult) => {
            if (!result.ok)
              reject(
                new TickspaceError<AnyErrorCode>(
                  result.code,
                  `rewind to tick ${tick} failed: ${result.message}`,
                  {
                    details: { tick },
                  },
                ),
              );
            else {
              // Fan-out of the rewind tick is done: whoever mirrors the tables resyncs now.
              this.engine.restored(RESTORE_REASON.REWIND, tick);
              resolve({ ...stats!, target: tick, tick: at, stateHash: hash });
            }
          },
        );
      });
    return { target: tick, enqueue };
  }

  /**
   * Re-executes ticks `from..to` in a fresh engine and checks each against the log (calls, row
   * changes byte for byte, state hash); reports the first divergence. Needs the module's code.
   * @default from the tick after the oldest retained one (1 for a whole log), to the last tick
   * @throws TickspaceError HISTORY_PRUNED, TICK_OUT_OF_RANGE, CORRUPT_LOG
   */
  async replay(from = this.store.firstTick + 1, to = this.store.lastTick): Promise<ReplayReport> {
    return replayRange(this.store, this.#newEngine() as unknown as Engine<ModuleDef>, from, to, {
      engineFor: (v) =>
        this.#codeEngine(v) ??
        (v === this.store.versions?.latest
          ? (this.#newEngine() as unknown as Engine<ModuleDef>)
          : this.#engineFor?.(v)),
      stateEngineFor: (v) =>
        createEngine({ module: v.described, seed: this.manifest.seed, tickMs: this.manifest.tickMs }),
    });
  }

  /** An engine of a version whose code a runtime migration recorded. */
  #codeEngine(v: SchemaVersion): Engine<ModuleDef> | undefined {
    const module = this.#codeByVersion.get(v.version);
    if (module === undefined) return undefined;
    return createEngine({ module, seed: this.manifest.seed, tickMs: this.manifest.tickMs });
  }

  /**
   * A runtime migration's new schema version, recorded before its tick runs: appended to the
   * schema history now (the tick's record is encoded with it) and to the manifest off the tick
   * (written and fsynced on the libuv pool: written in the boundary tick it cost that tick a
   * synchronous fsync). The log writer holds the tick's record, and every one after it, until the
   * manifest is in place, so no reader, and no recovery after a crash at any point, finds a record
   * whose schema version the manifest lacks; a crash before the tick is written leaves, at most, a
   * version that start-up forgets.
   * @internal Called by `publishModule`'s boundary migration.
   */
  recordSchemaVersion(entry: SchemaVersionEntry, module: ModuleDef, compiled?: SchemaVersion): void {
    const history = this.store.versions!;
    this.#codeByVersion.set(history.latest.version, this.engine.module);
    history.push(entry, module, compiled);
    this.#codeByVersion.set(entry.version, module);
    this.manifest = { ...this.manifest, schema: entry.schema, schemaVersions: history.entries() };
    const manifest = this.manifest;
    const write = this.#manifestWrite.then(() => writeManifestAsync(this.paths.dir, manifest));
    this.#manifestWrite = write.catch(() => undefined);
    this.#writer!.holdUntil(write, `writing the manifest of schema version ${entry.version}`);
  }

  /** An engine to read the state after `tick` into: its schema version's (the module's own for the newest). */
  #readerAt(tick: number): Engine<M> {
    const versions = this.store.versions;
    if (versions === undefined || !Number.isSafeInteger(tick)) return this.#newEngine();
    const v = versions.at(tick);
    const code = this.#codeEngine(v) as unknown as Engine<M> | undefined;
    if (code !== undefined) return code;
    if (v === versions.latest) return this.#newEngine();
    return (this.#engineFor?.(v) ??
      createEngine({
        module: v.described,
        seed: this.manifest.seed,
        tickMs: this.manifest.tickMs,
      })) as unknown as Engine<M>;
  }

  /**
   * Stops the tick loop if running, waits for the last tick to be confirmed and for a running
   * snapshot, syncs and closes the log, and releases the directory lock.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.engine.stop();
      await this.engine.flush();
      if (this.#snapshotting !== undefined) await this.#snapshotting.catch(() => undefined);
      await this.#retentionRunner.settled();
      await this.#writer?.close();
    } finally {
      this.#unhook?.();
      this.#release?.();
    }
  }
}
