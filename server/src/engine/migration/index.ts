/**
 * Schema migrations: a pure diff of two schema descriptions, a plan (additive by itself, breaking
 * with the module's migration for the new version), and the pieces that apply it as one logged
 * `__migrate` tick at a tick boundary (start-up in `openDatabase`; runtime publish builds on the
 * same functions).
 */
export { diffSchemas, formatDifferences, hasDefault, primaryKeyOf, SCHEMA_CHANGE } from './schema-diff';
export type { SchemaChange, SchemaDifference } from './schema-diff';
export { planMigration } from './plan';
export type { MigrationPlan, PlanResult, RowConversion } from './plan';
export {
  MIGRATE_CALL,
  carryTables,
  convertRows,
  insertConverted,
  migrationPayload,
  prepareMigration,
  restoreCarried,
} from './apply';
export type { MigrationPayload, PreparedMigration, TableState } from './apply';
