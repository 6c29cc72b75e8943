/**
 * The engine's tooling face: what the network layer, the CLI, the bots, the benchmarks and the
 * log tests build on, and a module author never needs. The commit log (open a data directory,
 * time travel, retention, repair, the record and segment formats), the subscription engine and
 * the compiled server schema the sessions share, and the change records a tick commits.
 * A module is written against `./index.ts` (the module-author face) alone.
 */
export { OP } from './change-set';
export type { ChangeOp } from './change-set';
export { openDatabase, readManifest, dataDirPaths, repairDataDir } from './log';
export type { Database, DatabaseOptions, Durability, LoggedTick, LogStorage, RetentionPolicy } from './log';
export { LogStore, LogWriter, EMPTY_HASH, replayRange, captureSnapshot } from './log';
export { planRetention, retentionSteps } from './log';
export { createRecordCodec, logSchemaOf, scanSegment, crc32c } from './log';
export { RECORD_FRAME_BYTES, encodeSegmentHeader, hex } from './log';
export { Subscriptions, createSubscriptions } from './subscriptions';
export type { SubscriptionCharge, SubscriptionCost } from './subscriptions';
export { compileServerSchema, describeSchema } from './server-schema';
export { describeModule, moduleFromDescription, decodeSnapshotHeader } from './log';
export type { SchemaDescription, TableDescription, ColumnDescription } from './log';
export { diffSchemas, planMigration, prepareMigration } from './migration';
export { publishModule } from './log/runtime-publish';
export type { ServerSchema } from './server-schema';
