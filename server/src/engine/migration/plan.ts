import { TickspaceError } from '../../protocol/errors';
import { describeModule, type SchemaDescription, type TableDescription } from '../log/schema-manifest';
import type { ModuleDef } from '../module';
import { diffSchemas, formatDifferences, primaryKeyOf, type SchemaDifference } from './schema-diff';

/** A row conversion a migration function declared for one table. */
export type RowConversion = (
  old: Readonly<Record<string, unknown>>,
  row: Record<string, unknown>,
) => Record<string, unknown> | undefined;

/** A checked migration from one schema version to the next, ready to apply at a tick boundary. */
export interface MigrationPlan {
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly before: SchemaDescription;
  /** The new version's schema (the module's tables; reducers the stored schema knew are kept). */
  readonly after: SchemaDescription;
  readonly differences: readonly SchemaDifference[];
  /**
   * Tables whose rows are rewritten in the `__migrate` tick: kept tables whose row shape, key or
   * unique constraints changed, or that the migration converts. Every other kept table keeps its
   * rows untouched; new tables start empty; dropped tables go.
   */
  readonly reshaped: readonly string[];
  readonly dropped: readonly string[];
  /** Conversions by table, from the module's migration function (empty for an additive migration). */
  readonly conversions: ReadonlyMap<string, RowConversion>;
  /** Whether a module migration function is part of the plan. */
  readonly declared: boolean;
}

/** The outcome of {@link planMigration}. */
export type PlanResult =
  | { readonly ok: true; readonly plan: MigrationPlan | undefined }
  | { readonly ok: false; readonly error: TickspaceError; readonly differences: readonly SchemaDifference[] };

/** Columns (names, kinds, order), key and auto-increment: what stored rows depend on. */
function rowShape(t: TableDescription): string {
  const cols = t.columns.map((c) => `${c.name}:${JSON.stringify([c.kind, c.inner?.kind ?? null])}`).join(',');
  const auto = t.columns.filter((c) => c.autoInc).map((c) => c.name);
  return `${cols}|${primaryKeyOf(t).join(',')}|${auto.join(',')}`;
}

function uniques(t: TableDescription): string[] {
  return [
    ...t.columns.filter((c) => c.unique === true).map((c) => c.name),
    ...(t.indexes ?? []).filter((i) => i.unique === true).map((i) => [...i.columns].sort().join('+')),
  ];
}

/** Whether stored rows must be rewritten (and so re-checked) to fit the new table. */
function needsRewrite(before: TableDescription, after: TableDescription): boolean {
  if (rowShape(before) !== rowShape(after)) return true;
  const old = new Set(uniques(before));
  return uniques(after).some((u) => !old.has(u));
}

/** The schema the new version stores: the module's tables, and every reducer either side knows. */
function mergedAfter(before: SchemaDescription, module: ModuleDef): SchemaDescription {
  const current = describeModule(module);
  const names = new Set(current.reducers.map((r) => r.name));
  return {
    tables: current.tables,
    reducers: [...current.reducers, ...before.reducers.filter((r) => !names.has(r.name))],
  };
}

/**
 * Plans the migration of a data directory at schema `current.version` (schema `current.schema`) to
 * a module. Pure: runs only the module's migration declaration (which records conversions), never
 * a conversion itself. Returns `plan: undefined` when nothing differs.
 *
 * Additive differences migrate by themselves; any breaking one needs `module.migrations[version + 1]`.
 * Without it the result is a refusal: SCHEMA_MISMATCH listing every difference with what would make
 * it work. A declared `module.version` must be the version the directory is at (no differences) or
 * will reach.
 *
 * @example
 * const r = planMigration({ version: 1, schema: manifest.schema }, moduleV2);
 * if (!r.ok) throw r.error; // lists table, column, what changed, how to fix
 */
export function planMigration(
  current: { readonly version: number; readonly schema: SchemaDescription },
  module: ModuleDef,
  where = 'the data directory',
): PlanResult {
  const before = current.schema;
  const after = mergedAfter(before, module);
  const toVersion = current.version + 1;
  const differences = diffSchemas(before, after, toVersion);
  const refuse = (message: string): PlanResult => ({
    ok: false,
    differences,
    error: new TickspaceError('SCHEMA_MISMATCH', message, {
      details: { fromVersion: current.version, toVersion, differences },
    }),
  });
  if (differences.length === 0) {
    if (module.version !== undefined && module.version !== current.version)
      return refuse(
        `the module declares schema version ${module.version}, ${where} is at version ${current.version} with the same schema`,
      );
    return { ok: true, plan: undefined };
  }
  if (module.version !== undefined && module.version !== toVersion)
    return refuse(
      `the module declares schema version ${module.version}, but ${where} is at version ${current.version}: a module migrates a directory one version at a time (declare version ${toVersion}, or open a directory at version ${module.version - 1})\n${formatDifferences(differences)}`,
    );
  const fn = module.migrations?.[toVersion];
  const conversions = new Map<string, RowConversion>();
  const drops = new Set<string>();
  if (fn !== undefined) {
    const tables = new Set(after.tables.map((t) => t.name));
    try {
      fn({
        fromVersion: current.version,
        toVersion,
        table: (name, convert) => {
          if (!tables.has(name))
            throw new TickspaceError(
              'MIGRATION_FAILED',
              `m.table('${name}'): the module declares no such table`,
            );
          if (!before.tables.some((t) => t.name === name))
            throw new TickspaceError(
              'MIGRATION_FAILED',
              `m.table('${name}'): the table is new, it has no stored rows to convert`,
            );
          conversions.set(name, convert as unknown as RowConversion);
        },
        dropTable: (name) => {
          if (tables.has(name))
            throw new TickspaceError(
              'MIGRATION_FAILED',
              `m.dropTable('${name}'): the module still declares that table`,
            );
          drops.add(name);
        },
      });
    } catch (cause) {
      return {
        ok: false,
        differences,
        error: new TickspaceError(
          'MIGRATION_FAILED',
          `the migration to schema version ${toVersion} failed while declaring its steps: ${(cause as Error).message}`,
          { cause, details: { toVersion } },
        ),
      };
    }
  }
  const breaking = differences.filter((d) => !d.additive);
  const undropped = before.tables.filter(
    (t) => !after.tables.some((x) => x.name === t.name) && !drops.has(t.name),
  );
  if (breaking.length > 0 && fn === undefined)
    return refuse(
      `the module's schema differs from ${where} (schema version ${current.version}) by ${breaking.length} breaking change(s) and there is no migration for version ${toVersion}:\n${formatDifferences(differences)}`,
    );
  if (undropped.length > 0)
    return refuse(
      `the migration to version ${toVersion} does not say what happens to table(s) ${undropped.map((t) => `'${t.name}'`).join(', ')}: call m.dropTable(name) for each\n${formatDifferences(differences)}`,
    );
  const old = new Map(before.tables.map((t) => [t.name, t]));
  const reshaped = after.tables
    .filter((t) => {
      const prev = old.get(t.name);
      return prev !== undefined && (conversions.has(t.name) || needsRewrite(prev, t));
    })
    .map((t) => t.name);
  return {
    ok: true,
    plan: {
      fromVersion: current.version,
      toVersion,
      before,
      after,
      differences,
      reshaped,
      dropped: [...drops],
      conversions,
      declared: fn !== undefined,
    },
  };
}
