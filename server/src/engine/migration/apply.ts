import { ReducerError, TickspaceError } from '../../protocol/errors';
import { checkValue, normalizeValue } from '../../protocol/value-rules';
import type { AnyRow } from '../change-set';
import type { CallResult, Engine } from '../engine';
import type { ColumnDescription, SchemaDescription } from '../log/schema-manifest';
import { defaultFromJson } from '../log/schema-manifest';
import type { ModuleDef } from '../module';
import type { MigrationPlan } from './plan';

export { MIGRATE_CALL } from '../runtime-migration';
import { MIGRATE_CALL } from '../runtime-migration';

/** The payload of a logged `__migrate` call: what a reader of the log needs to cross it. */
export interface MigrationPayload {
  readonly from: number;
  readonly to: number;
  /** Tables whose rows the tick rewrites (cleared at the boundary, then inserted in the new shape). */
  readonly reshaped: readonly string[];
  readonly dropped: readonly string[];
  /** Tables the new version adds (they start empty). */
  readonly added: readonly string[];
  /** Whether the module's migration function converted rows (else the engine filled defaults). */
  readonly declared: boolean;
}

/** One table's state as engines, snapshots and the log's state builder hold it. */
export interface TableState {
  readonly name: string;
  readonly autoInc: number;
  readonly rows: readonly AnyRow[];
}

/**
 * The state at a migration boundary, carried into the new version: tables are matched by name
 * (the new version's table list, system tables included, decides order and ids); kept tables keep
 * their rows, reshaped ones start empty but keep their auto-increment counter (ids are never
 * reused), new ones start empty, dropped ones go. The `__migrate` tick then inserts the rewritten
 * rows. One function for the live engine, replay and the log's readers, so they cannot disagree.
 */
export function carryTables(
  tables: readonly TableState[],
  newNames: readonly string[],
  reshaped: readonly string[],
): TableState[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const cleared = new Set(reshaped);
  return newNames.map((name) => {
    const old = byName.get(name);
    if (old === undefined) return { name, autoInc: 1, rows: [] };
    return cleared.has(name) ? { name, autoInc: old.autoInc, rows: [] } : old;
  });
}

/** The payload logged with a plan's `__migrate` call. */
function migrationPayload(plan: MigrationPlan): MigrationPayload {
  const old = new Set(plan.before.tables.map((t) => t.name));
  return {
    from: plan.fromVersion,
    to: plan.toVersion,
    reshaped: plan.reshaped,
    dropped: plan.dropped,
    added: plan.after.tables.filter((t) => !old.has(t.name)).map((t) => t.name),
    declared: plan.declared,
  };
}

function keyText(row: Readonly<Record<string, unknown>>, pk: readonly string[]): string {
  return pk.map((k) => String(row[k])).join(', ');
}

function copyValue(v: unknown): unknown {
  return v instanceof Uint8Array ? v.slice() : v;
}

/**
 * The rows of every reshaped table in the new shape: columns with the same name and type are
 * copied, new ones take their default (optional ones: none), then the module's conversion (if
 * any) has the last word. Runs the conversions: call it once, off the tick, before anything is
 * written.
 * @throws TickspaceError MIGRATION_FAILED naming the table and row key when a conversion throws.
 */
function convertRows(plan: MigrationPlan, tables: readonly TableState[]): Map<string, AnyRow[]> {
  const out = new Map<string, AnyRow[]>();
  const byName = new Map(tables.map((t) => [t.name, t]));
  const before = new Map(plan.before.tables.map((t) => [t.name, t]));
  for (const name of plan.reshaped) {
    const after = plan.after.tables.find((t) => t.name === name)!;
    const old = before.get(name)!;
    const oldCols = new Map(old.columns.map((c) => [c.name, c]));
    const pk = old.primaryKey ?? old.columns.filter((c) => c.primaryKey).map((c) => c.name);
    const copy = after.columns.map((c) => ({
      c,
      prev: oldCols.get(c.name),
      same: sameShape(oldCols.get(c.name), c),
    }));
    const convert = plan.conversions.get(name);
    const rows: AnyRow[] = [];
    for (const row of byName.get(name)?.rows ?? []) {
      const next: Record<string, unknown> = {};
      for (const { c, prev, same } of copy)
        next[c.name] = same
          ? row[c.name]
          : prev !== undefined && checkValue(c, row[c.name]) === undefined
            ? normalizeValue(c, row[c.name]) // a retyped column whose stored value fits the new type
            : c.default !== undefined
              ? copyValue(defaultFromJson(c.default.json))
              : undefined;
      let converted: Record<string, unknown> | undefined = next;
      if (convert !== undefined)
        try {
          converted = convert(row, next);
        } catch (cause) {
          throw new TickspaceError(
            'MIGRATION_FAILED',
            `the migration to schema version ${plan.toVersion} threw converting table '${name}' row (${keyText(row, pk)}): ${(cause as Error).message}`,
            { cause, details: { table: name, key: keyText(row, pk), toVersion: plan.toVersion } },
          );
        }
      if (converted !== undefined) rows.push(converted);
    }
    out.set(name, rows);
  }
  return out;
}

function sameShape(a: ColumnDescription | undefined, b: ColumnDescription): boolean {
  if (a === undefined || a.kind !== b.kind) return false;
  if (a.inner === undefined || b.inner === undefined) return a.inner === b.inner;
  return sameShape(a.inner, b.inner);
}

/**
 * The body of the `__migrate` system call: inserts the converted rows through the tables'
 * transactional API, so they are checked (types, keys, unique constraints), hashed and logged as
 * ordinary inserts. A row that does not fit fails the call naming table, key and reason.
 */
export function insertConverted(
  engine: Engine<ModuleDef>,
  plan: MigrationPlan,
  rows: ReadonlyMap<string, readonly AnyRow[]>,
): void {
  for (const [name, list] of rows) {
    const store = engine.tables[name]!;
    const after = plan.after.tables.find((t) => t.name === name)!;
    const pk = after.primaryKey ?? after.columns.filter((c) => c.primaryKey).map((c) => c.name);
    for (const row of list)
      try {
        store.insert(row as Record<string, unknown>);
      } catch (cause) {
        throw new ReducerError(
          'MIGRATION_FAILED',
          `the migration to schema version ${plan.toVersion} produced a row that does not fit table '${name}' (key ${keyText(row, pk)}): ${(cause as Error).message}`,
          { cause, details: { table: name } },
        );
      }
  }
}

/** Restores `engine` (a new-version engine) from the old version's tables at `tick`, carried by {@link carryTables}. */
export function restoreCarried(
  engine: Engine<ModuleDef>,
  tick: number,
  tables: readonly TableState[],
  reshaped: readonly string[],
): void {
  const carried = carryTables(
    tables,
    engine.tableList.map((s) => s.name),
    reshaped,
  );
  const state: Record<string, { rows: readonly AnyRow[]; autoInc: number }> = {};
  for (const t of carried) state[t.name] = { rows: t.rows, autoInc: t.autoInc };
  engine.restore({ tick, tables: state });
}

/** A migration converted and checked against a scratch engine: ready to run as one logged tick. */
export interface PreparedMigration {
  readonly plan: MigrationPlan;
  readonly payload: MigrationPayload;
  readonly rows: ReadonlyMap<string, readonly AnyRow[]>;
  /** The tick the migration was checked at (the state it was converted from). */
  readonly atTick: number;
}

/**
 * Converts the old state's rows and runs the whole `__migrate` tick in a scratch engine of the new
 * module, so every failure (a throwing conversion, a row that breaks a type, key or unique rule)
 * surfaces before anything is written or swapped.
 * @throws TickspaceError MIGRATION_FAILED with the table, key and reason
 */
export function prepareMigration(
  plan: MigrationPlan,
  tick: number,
  tables: readonly TableState[],
  newEngine: () => Engine<ModuleDef>,
): PreparedMigration {
  const rows = convertRows(plan, tables);
  const scratch = newEngine();
  // The dry run inserts the converted rows into the reshaped tables and touches no other, so only
  // their counters are carried: restoring every table made a live migration cost as much as the
  // whole world (a 500-player Frontier's publish tick took most of a second).
  const reshaped = new Set(plan.reshaped);
  restoreCarried(
    scratch,
    tick,
    tables.filter((t) => reshaped.has(t.name)),
    plan.reshaped,
  );
  let result: CallResult | undefined;
  const payload = migrationPayload(plan);
  scratch.enqueueSystem(
    MIGRATE_CALL,
    () => insertConverted(scratch, plan, rows),
    (r) => (result = r),
    {
      ...payload,
    },
  );
  scratch.runTick();
  if (result === undefined || !result.ok)
    throw new TickspaceError(
      'MIGRATION_FAILED',
      result === undefined ? `the migration to schema version ${plan.toVersion} did not run` : result.message,
      { details: { toVersion: plan.toVersion } },
    );
  return { plan, payload, rows, atTick: tick };
}

/** The schema description of a version as a stable hash input (used to match older module code). */
export function schemaKey(schema: SchemaDescription): string {
  return JSON.stringify(schema.tables);
}
