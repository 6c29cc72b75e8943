/**
 * The commit log: segment files of checksummed tick records, background snapshots, crash
 * recovery, and time travel (asOf, history, rewind, replay). See FORMAT.md for the bytes.
 */
export { Database } from './database';
export { openDatabase } from './open-database';
export { SchemaHistory, manifestVersions } from './schema-versions';
export type { SchemaVersion, SchemaVersionEntry } from './schema-versions';
export type { MigrationReport } from './startup-migration';
export type {
  DatabaseOptions,
  TimeTravelView,
  RewindResult,
  DatabaseStats,
  RetentionResult,
  RetentionStats,
} from './database';
export { checkRetention, describeRetention, planRetention, retentionSteps } from './retention';
export type { RetentionPolicy, RetentionPlan, RetentionSegment, RetentionSnapshot } from './retention';
export { LogWriter } from './log-writer';
export type { Durability, LogWriterOptions, LogWriterStats, WriterStart, AppendListener } from './log-writer';
export { LogStore, EMPTY_HASH, restoreState, applyLogged, corruptionError } from './log-store';
export type { SegmentEntry, SnapshotEntry, RowVersion, LogStorage } from './log-store';
export { createRecordCodec, logSchemaOf, recordChecksumOk } from './record-codec';
export type {
  RecordCodec,
  LogSchema,
  LogTableShape,
  LoggedCall,
  LoggedChange,
  LoggedTick,
  ChangeLike,
  DecodeOptions,
} from './record-codec';
export { scanSegment, DEFAULT_MAX_RECORD_BYTES } from './segment-scan';
export type { SegmentScan, SegmentProblem, ScanOptions } from './segment-scan';
export {
  captureSnapshot,
  writeSnapshot,
  readSnapshot,
  decodeSnapshotHeader,
  verifySnapshotFile,
} from './snapshot-file';
export type {
  SnapshotState,
  SnapshotWriteResult,
  SnapshotWriteOptions,
  SnapshotHeader,
} from './snapshot-file';
export { recover } from './recovery';
export type { RecoveryReport, RecoverOptions } from './recovery';
export { replayRange, isSystemCall, writeLoggedChanges } from './replay';
export type { ReplayReport, Divergence } from './replay';
export { writeRewind, rowsEqual, REWIND_CALL } from './rewind';
export type { RewindStats } from './rewind';
export { describeModule, moduleFromDescription, defaultToJson, defaultFromJson } from './schema-manifest';
export type {
  SchemaDescription,
  TableDescription,
  ColumnDescription,
  ReducerDescription,
} from './schema-manifest';
export {
  readManifest,
  writeManifest,
  createDataDir,
  acquireLock,
  dataDirPaths,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  LOCK_FILE,
} from './data-dir';
export type { Manifest, DataDirPaths } from './data-dir';
export { repairDataDir } from './repair';
export type { RepairReport } from './repair';
export { crc32c } from './crc32c';
export {
  LOG_FORMAT_VERSION,
  SNAPSHOT_FORMAT_VERSION,
  SEGMENT_MAGIC,
  SNAPSHOT_MAGIC,
  SEGMENT_HEADER_BYTES,
  RECORD_FRAME_BYTES,
  SNAPSHOT_HEADER_BYTES,
  SEGMENT_EXT,
  SNAPSHOT_EXT,
  encodeSegmentHeader,
  decodeSegmentHeader,
  tickFileName,
  parseTickFileName,
  hex,
} from './format';
