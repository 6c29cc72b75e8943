/**
 * Schema migrations: a pure diff of two schema descriptions, a plan (additive by itself, breaking
 * with the module's migration for the new version), and the dry run that applies it as one logged
 * `__migrate` tick at a tick boundary (start-up in `openDatabase`; a runtime publish builds on the
 * same functions).
 */
export { diffSchemas } from './schema-diff';
export { planMigration } from './plan';
export { prepareMigration } from './apply';
