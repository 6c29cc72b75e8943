import { createEngine, type CallResult, type Engine } from '../engine';
import {
  insertConverted,
  prepareMigration,
  type PreparedMigration,
  type TableState,
} from '../migration/apply';
import { TickspaceError } from '../../protocol/errors';
import { TickBudget } from '../sandbox/tick-budget';
import { planMigration, type MigrationPlan } from '../migration/plan';
import type { ModuleDef } from '../module';
import type { ModuleVersion } from '../module-swap';
import type { BoundaryMigration } from '../runtime-migration';
import type { Database } from './database';
import { compileSchemaVersion } from './schema-versions';
import { encodeSystemPayloadAhead } from './system-payload';

function planFor(db: Database<ModuleDef>, module: ModuleDef): MigrationPlan | undefined {
  const latest = db.store.versions!.latest;
  const r = planMigration({ version: latest.version, schema: latest.schema }, module, db.paths.dir);
  if (!r.ok) throw r.error;
  return r.plan;
}

/** The refusal of a migration whose module code ran past the migration budget. */
function overBudget(budget: TickBudget, where: string): TickspaceError {
  return new TickspaceError(
    'BUDGET_EXCEEDED',
    `the migration to the next schema version ran past ${budget.label} of ${budget.budgetMs} ms ${where} and was refused; nothing changed and the running version goes on`,
    { details: { budgetMs: budget.budgetMs } },
  );
}

/**
 * Converts and dry-runs the reshaped tables as they are at publish (under the migration budget, in
 * a scratch engine of its own): the boundary reuses the result when those tables still hold the
 * same rows, which a content table (the usual one to gain a column) does. Done at the boundary it
 * cost the migration's tick ~12 ms for Frontier's item_def. Undefined when it failed or ran past
 * the budget: the boundary then does it, and refuses as it always did.
 */
function convertEarly(
  engine: Engine<ModuleDef>,
  plan: MigrationPlan,
  budget: TickBudget,
  newScratch: () => Engine<ModuleDef>,
): { prepared: PreparedMigration; tables: TableState[] } | undefined {
  const reshaped = new Set(plan.reshaped);
  const tables = engine.tableList
    .filter((t) => reshaped.has(t.name))
    .map((t) => ({ name: t.name, autoInc: t.autoInc, rows: t.rowsView().slice() }));
  const out: { prepared?: PreparedMigration } = {};
  try {
    if (!budget.run(() => (out.prepared = prepareMigration(plan, engine.tick, tables, newScratch))))
      return undefined;
  } catch {
    return undefined;
  }
  return out.prepared === undefined ? undefined : { prepared: out.prepared, tables };
}

/**
 * Whether the engine's tables still hold exactly `tables`' rows and counters. Rows are immutable
 * (a write replaces the object), so the same objects at the same positions are the same rows.
 */
function sameRows(engine: Engine<ModuleDef>, tables: readonly TableState[]): boolean {
  for (const t of tables) {
    const store = engine.tables[t.name];
    if (store === undefined || store.autoInc !== t.autoInc) return false;
    const rows = store.rowsView();
    if (rows.length !== t.rows.length) return false;
    for (let i = 0; i < rows.length; i++) if (rows[i] !== t.rows[i]) return false;
  }
  return true;
}

/**
 * The boundary migration of a module whose schema differs from the directory's newest version:
 * planned again at the boundary against that tick's state, converted and dry-run in a scratch
 * engine (a failure refuses the publish and changes nothing), then recorded as the next schema
 * version (from the boundary tick on) before the tick runs its `__migrate` call.
 *
 * What depends on the schemas only (the plan, the new version's log codec, the scratch engine) is built here,
 * at publish time, outside every tick: built at the boundary they made the migration's tick cost
 * several times a normal one. The boundary uses them when its plan is the one made here.
 */
function boundaryMigration(
  db: Database<ModuleDef>,
  module: ModuleDef,
  planned: MigrationPlan,
  budget: TickBudget,
): BoundaryMigration {
  const engine = db.engine;
  const base = db.store.versions!.latest;
  const newScratch = () => createEngine({ module, seed: engine.seed, tickMs: engine.tickMs });
  let scratch: Engine<ModuleDef> | undefined = newScratch();
  const compiled = compileSchemaVersion(
    { version: planned.toVersion, fromTick: 0, schema: planned.after, reshaped: planned.reshaped },
    module,
  );
  const early = convertEarly(engine, planned, budget, newScratch);
  return {
    reshaped: planned.reshaped,
    prepare() {
      // Another version recorded since the publish: what was built ahead is for another base.
      const ahead = db.store.versions!.latest === base;
      const tick = engine.tick;
      // Filled inside the timed run (a stop leaves them unset).
      const out: { plan?: MigrationPlan; prepared?: PreparedMigration } = {};
      // Against the base it was made for, the publish's plan is the boundary's (planning is a
      // function of the base schema and the module: planning again cost the tick ~10 ms), and its
      // conversion and dry run too while the reshaped tables hold the same rows (their input).
      // Then none of the module's code runs here, so no budget is started either (a timed run
      // starts a watchdog thread: one boundary tick on a loaded machine waited 36 ms in it).
      const reused = ahead && early !== undefined && sameRows(engine, early.tables);
      if (reused) {
        out.plan = planned;
        out.prepared = early.prepared;
      }
      // The module's own code (its migration declaration and row conversions) runs in here, under
      // the migration budget; a stop anywhere in it leaves nothing changed but a scratch engine.
      const finished =
        reused ||
        budget.run(() => {
          const plan = (out.plan = ahead ? planned : planFor(db, module));
          // An earlier publish at the same boundary already brought this schema: a plain swap.
          if (plan === undefined) return;
          // Only the reshaped tables are converted and dry-run (see prepareMigration): copying every
          // table's rows here would cost as much as the world.
          const reshaped = new Set(plan.reshaped);
          const tables = engine.tableList
            .filter((t) => reshaped.has(t.name))
            .map((t) => ({ name: t.name, autoInc: t.autoInc, rows: t.rowsView().slice() }));
          out.prepared = prepareMigration(plan, tick, tables, () => {
            const built = ahead ? scratch : undefined;
            scratch = undefined; // a dry run leaves its engine changed: never used twice
            return built ?? newScratch();
          });
        });
      if (!finished) throw overBudget(budget, `at tick ${tick + 1}`);
      const { plan, prepared } = out;
      if (plan === undefined || prepared === undefined) return undefined;
      db.recordSchemaVersion(
        { version: plan.toVersion, fromTick: tick + 1, schema: plan.after, reshaped: plan.reshaped },
        module,
        ahead ? compiled : undefined,
      );
      return {
        reshaped: plan.reshaped,
        payload: { ...prepared.payload },
        insert: () => insertConverted(engine, plan, prepared.rows),
      };
    },
  };
}

/**
 * Publishes a module version to a database's running engine: a version with the same schema
 * swaps its code in at the next tick boundary (`engine.publish`); one whose schema differs
 * migrates there too, additive changes by themselves and breaking ones with the module's
 * migration for the next version, as one logged `__migrate` tick right after its `__publish`
 * (see {@link planMigration}). Sessions stay open; the engine's schema gets a new version.
 * @throws TickspaceError BUDGET_EXCEEDED (the migration declaration ran past `migrationBudgetMs`),
 * SCHEMA_MISMATCH (a change no migration covers, listing every difference
 * and its fix), MIGRATION_FAILED (the module's migration declaration threw); nothing changes
 * @example
 * publishModule(db, { module: v2, payload: { hash, source } }, (r) => console.log(r.ok));
 */
export function publishModule(
  db: Database<ModuleDef>,
  version: ModuleVersion,
  onResult?: (result: CallResult) => void,
): void {
  const engine: Engine<ModuleDef> = db.engine;
  const budget = new TickBudget(db.migrationBudgetMs, 'the migration budget (migrationBudgetMs)');
  // Planning runs the module's migration declaration: its code, so under the budget too.
  const out: { plan?: MigrationPlan } = {};
  if (!budget.run(() => (out.plan = planFor(db, version.module)))) throw overBudget(budget, 'at publish');
  const plan = out.plan;
  // The `__publish` record holds the whole bundled source: encoded and checksummed now, the
  // boundary tick copies its bytes (see encodeSystemPayloadAhead).
  encodeSystemPayloadAhead(version.payload);
  if (plan === undefined) engine.publish(version, onResult);
  else
    engine.publish({ ...version, migration: boundaryMigration(db, version.module, plan, budget) }, onResult);
}
