import { TickspaceError } from '../../protocol/errors';
import { createEngine, type CallResult, type Engine } from '../engine';
import {
  insertConverted,
  MIGRATE_CALL,
  restoreCarried,
  schemaKey,
  type PreparedMigration,
} from '../migration/apply';
import type { SchemaDifference } from '../migration/schema-diff';
import type { ModuleDef } from '../module';
import { describeModule } from './schema-manifest';
import type { SchemaVersion } from './schema-versions';

/** What a schema migration did (at start-up: `db.migration`; at runtime: `db.migrate`'s result). */
export interface MigrationReport {
  readonly fromVersion: number;
  readonly toVersion: number;
  /** The tick the `__migrate` call was logged in. */
  readonly tick: number;
  readonly differences: readonly SchemaDifference[];
  /** Tables whose rows were rewritten, with their row counts. */
  readonly rewritten: Readonly<Record<string, number>>;
  readonly ms: number;
}

/**
 * Engines for a directory's schema versions: the module's own for the newest, an older module
 * version's when the caller passed one declaring that version's tables, else (for reading only) a
 * module rebuilt from the stored description.
 */
export function versionEngines(options: {
  readonly seed: string;
  readonly tickMs: number;
  readonly olderModules: readonly ModuleDef[];
}): {
  code(version: SchemaVersion): Engine<ModuleDef> | undefined;
  read(version: SchemaVersion): Engine<ModuleDef>;
} {
  const keys = options.olderModules.map((m) => ({ m, key: schemaKey(describeModule(m)) }));
  const make = (module: ModuleDef) =>
    createEngine({ module, seed: options.seed, tickMs: options.tickMs }) as unknown as Engine<ModuleDef>;
  const code = (v: SchemaVersion) => {
    const key = schemaKey(v.schema);
    const found = keys.find((k) => k.key === key);
    return found === undefined ? undefined : make(found.m);
  };
  return { code, read: (v) => code(v) ?? make(v.described) };
}

/**
 * Runs a prepared migration as the next tick of `engine` (already restored to the carried state
 * and attached to the log): one `__migrate` system call that inserts the converted rows. Resolves
 * once the tick is committed and durable.
 * @throws TickspaceError MIGRATION_FAILED if the call fails (it passed the same run in a scratch engine)
 */
export async function runMigrationTick(
  engine: Engine<ModuleDef>,
  prepared: PreparedMigration,
  started: number,
): Promise<MigrationReport> {
  let result: CallResult | undefined;
  engine.enqueueSystem(
    MIGRATE_CALL,
    () => insertConverted(engine, prepared.plan, prepared.rows),
    (r) => (result = r),
    { ...prepared.payload },
  );
  const record = engine.runTick();
  await engine.flush();
  if (result === undefined || !result.ok)
    throw new TickspaceError(
      'MIGRATION_FAILED',
      `the migration to schema version ${prepared.plan.toVersion} failed in tick ${record.tick} after passing its dry run: ${result?.ok === false ? result.message : 'no result'}`,
    );
  const rewritten: Record<string, number> = {};
  for (const [name, rows] of prepared.rows) rewritten[name] = rows.length;
  return {
    fromVersion: prepared.plan.fromVersion,
    toVersion: prepared.plan.toVersion,
    tick: record.tick,
    differences: prepared.plan.differences,
    rewritten,
    ms: performance.now() - started,
  };
}

export { restoreCarried };
