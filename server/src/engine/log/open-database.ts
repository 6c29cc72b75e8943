import fs from 'node:fs';
import path from 'node:path';
import { TickspaceError } from '../../protocol/errors';
import { createEngine, type Engine } from '../engine';
import { prepareMigration } from '../migration/apply';
import { planMigration, type MigrationPlan } from '../migration/plan';
import type { ModuleDef } from '../module';
import {
  acquireLock,
  createDataDir,
  dataDirPaths,
  readManifest,
  writeManifest,
  type Manifest,
} from './data-dir';
import { Database, type DatabaseOptions } from './database';
import { LogStore, restoreState } from './log-store';
import { recover } from './recovery';
import { checkRetention } from './retention';
import { describeModule } from './schema-manifest';
import { SchemaHistory, manifestVersions, type SchemaVersion } from './schema-versions';
import { captureSnapshot } from './snapshot-file';
import { restoreCarried, runMigrationTick, versionEngines, type MigrationReport } from './startup-migration';

/** `file.ts#export` with the file made absolute, so the manifest means the same from any directory. */
function absoluteModulePath(spec: string): string {
  const at = spec.indexOf('#');
  const file = at < 0 ? spec : spec.slice(0, at);
  return path.resolve(file) + (at < 0 ? '' : spec.slice(at));
}

function plan(history: SchemaHistory, module: ModuleDef | undefined, dir: string): MigrationPlan | undefined {
  if (module === undefined) return undefined;
  const r = planMigration({ version: history.latest.version, schema: history.latest.schema }, module, dir);
  if (!r.ok) throw r.error;
  return r.plan;
}

/**
 * Opens (or creates) a data directory for a module: checks the manifest, takes the directory lock,
 * recovers the newest durable state (snapshot + log replay across every schema version, cutting a
 * torn tail and reporting it in `db.recovery`), migrates the schema when the module's differs
 * (additive changes by themselves, breaking ones with the module's migration for the new version;
 * one logged `__migrate` tick, reported in `db.migration`), and attaches the commit log to a new
 * engine. Start the tick loop with `db.engine.start()`; stop everything with `db.close()`.
 *
 * @throws TickspaceError BAD_DATA_DIR (missing or foreign directory, seed or tickMs mismatch),
 * SCHEMA_MISMATCH (a change no migration covers, listing every difference and its fix; or a
 * migration needed read-only), MIGRATION_FAILED (nothing written), DATA_DIR_LOCKED, CORRUPT_LOG
 * (with the way out), LOG_FAILED, INVALID_ARGUMENT (a bad `retention` limit)
 * @example
 * const db = await openDatabase({ dir: './data', module: game, durability: 'tick' });
 * console.log(`recovered to tick ${db.recovery.lastTick}`, db.recovery.cut ?? 'clean');
 * db.engine.start();
 */
export async function openDatabase<M extends ModuleDef>(options: DatabaseOptions<M>): Promise<Database<M>> {
  const started = performance.now();
  checkRetention(options.retention);
  const paths = dataDirPaths(options.dir);
  const readOnly = options.readOnly === true;
  let manifest: Manifest;
  const exists = fs.existsSync(paths.manifest);
  if (!exists) {
    if (options.create === false || readOnly || options.module === undefined) {
      readManifest(paths.dir); // throws the precise BAD_DATA_DIR
      throw new TickspaceError('BAD_DATA_DIR', `no data directory at ${paths.dir}`, {
        details: { dir: paths.dir },
      });
    }
    manifest = createDataDir(paths.dir, {
      seed: options.seed ?? 'tickspace',
      tickMs: options.tickMs ?? 50,
      modulePath: options.modulePath === undefined ? undefined : absoluteModulePath(options.modulePath),
      schema: describeModule(options.module),
    });
  } else manifest = readManifest(paths.dir);
  if (options.seed !== undefined && options.seed !== manifest.seed)
    throw new TickspaceError(
      'BAD_DATA_DIR',
      `${paths.dir} was created with seed ${JSON.stringify(manifest.seed)}, not ${JSON.stringify(options.seed)}: replays would diverge`,
      { details: { dir: paths.dir } },
    );
  if (options.tickMs !== undefined && options.tickMs !== manifest.tickMs)
    throw new TickspaceError(
      'BAD_DATA_DIR',
      `${paths.dir} was created with tickMs ${manifest.tickMs}, not ${options.tickMs}: logical time would change meaning`,
      { details: { dir: paths.dir } },
    );
  const module = options.module;
  const history = new SchemaHistory(manifestVersions(manifest));
  // Planned before recovery to pick the engine to recover into; a refusal waits until recovery
  // has shown that the newest version is real (its migration tick may never have been logged).
  let migration: MigrationPlan | undefined;
  let refusal: unknown;
  try {
    migration = plan(history, module, paths.dir);
  } catch (error) {
    refusal = error;
  }
  const needsMigration = () => migration !== undefined || refusal !== undefined;
  fs.mkdirSync(paths.log, { recursive: true });
  if (!readOnly) fs.mkdirSync(paths.snapshots, { recursive: true });
  const release = readOnly ? undefined : acquireLock(paths.dir);
  try {
    // Half-written snapshots of a crashed writer: never renamed into place, so never used; tidy up.
    if (!readOnly)
      for (const name of fs.readdirSync(paths.snapshots))
        if (name.endsWith('.tmp')) fs.rmSync(`${paths.snapshots}/${name}`, { force: true });
    const engines = versionEngines({
      seed: manifest.seed,
      tickMs: manifest.tickMs,
      olderModules: options.olderModules ?? [],
    });
    // Replays and time travel run without a budget (they reproduce logged aborts); the live engine
    // gets the caller's.
    const newEngine = (budgets?: { tickBudgetMs?: number; initBudgetMs?: number }) =>
      createEngine({
        module: module ?? history.latest.described,
        seed: manifest.seed,
        tickMs: manifest.tickMs,
        logger: options.logger,
        ...(budgets?.tickBudgetMs === undefined ? {} : { tickBudgetMs: budgets.tickBudgetMs }),
        ...(budgets?.initBudgetMs === undefined ? {} : { initBudgetMs: budgets.initBudgetMs }),
      }) as unknown as Engine<M>;
    const liveEngine = () =>
      newEngine({ tickBudgetMs: options.tickBudgetMs, initBudgetMs: options.initBudgetMs });
    const store = new LogStore(paths, history, options.maxRecordBytes);
    let recovered: Engine<ModuleDef> | undefined;
    const report = recover(store, undefined as unknown as Engine<ModuleDef>, {
      readOnly,
      engineFor: (v: SchemaVersion) =>
        (recovered =
          v === history.latest && !needsMigration()
            ? (liveEngine() as unknown as Engine<ModuleDef>)
            : engines.read(v)),
    });
    // Recovery may have cut or removed a torn tail: measure the files as they now are.
    store.refresh();
    // Versions whose migration tick never became durable (a crash after the manifest was written
    // and before the tick was: runtime migrations at consecutive ticks can leave two, their records
    // held behind the second manifest write): forget them, and plan again from the version before.
    if (history.versions.length > 1 && history.latest.fromTick > report.lastTick) {
      while (history.versions.length > 1 && history.latest.fromTick > report.lastTick) history.pop();
      manifest = { ...manifest, schema: history.latest.schema, schemaVersions: history.entries() };
      if (!readOnly) writeManifest(paths.dir, manifest);
      refusal = undefined;
      migration = plan(history, module, paths.dir);
    }
    if (refusal !== undefined) throw refusal;
    if (migration !== undefined && readOnly)
      throw new TickspaceError(
        'SCHEMA_MISMATCH',
        `the module's schema differs from ${paths.dir} (schema version ${history.latest.version}) and a read-only open cannot migrate it: open it for writing to migrate, or read it without the module`,
        { details: { dir: paths.dir, differences: migration.differences } },
      );
    let engine = recovered as unknown as Engine<M>;
    let report2: MigrationReport | undefined;
    const finish = () =>
      new Database<M>(
        {
          engine,
          newEngine,
          engineFor: engines.code,
          migration: report2,
          paths,
          manifest,
          store,
          recovery: report,
          release,
        },
        { ...options, readOnly },
      );
    if (migration === undefined) {
      if (module !== undefined && engine.module !== module) {
        // Rare: the newest version was forgotten above and the module matches the one before.
        const live = liveEngine();
        restoreState(
          live as unknown as Engine<ModuleDef>,
          captureSnapshot(engine as unknown as Engine<ModuleDef>),
        );
        engine = live;
      }
      return finish();
    }
    const tables = captureSnapshot(recovered!).tables;
    if (report.lastTick === 0) {
      // Nothing logged yet: the new schema simply replaces the old one.
      history.pop();
      const only = { version: migration.toVersion, fromTick: 0, schema: migration.after, reshaped: [] };
      manifest = { ...manifest, schema: migration.after, schemaVersions: [only] };
      writeManifest(paths.dir, manifest);
      return await reopen(options, release);
    }
    // Convert and check everything first: a failing migration leaves the directory untouched.
    const prepared = prepareMigration(migration, report.lastTick, tables, () =>
      createEngine({ module: module!, seed: manifest.seed, tickMs: manifest.tickMs, logger: options.logger }),
    );
    history.push(
      {
        version: migration.toVersion,
        fromTick: report.lastTick + 1,
        schema: migration.after,
        reshaped: migration.reshaped,
      },
      module,
    );
    manifest = { ...manifest, schema: migration.after, schemaVersions: history.entries() };
    writeManifest(paths.dir, manifest);
    engine = liveEngine();
    restoreCarried(engine as unknown as Engine<ModuleDef>, report.lastTick, tables, migration.reshaped);
    const db = finish();
    try {
      report2 = await runMigrationTick(engine as unknown as Engine<ModuleDef>, prepared, started);
    } catch (error) {
      await db.close();
      throw error;
    }
    (db as { migration: MigrationReport | undefined }).migration = report2;
    return db;
  } catch (error) {
    release?.();
    throw error;
  }
}

/** Opens again after the manifest was rewritten (the lock is released first and retaken). */
async function reopen<M extends ModuleDef>(
  options: DatabaseOptions<M>,
  release: (() => void) | undefined,
): Promise<Database<M>> {
  release?.();
  return openDatabase(options);
}
