/**
 * The commit log: segment files of checksummed tick records, background snapshots, crash
 * recovery, and time travel (asOf, history, rewind, replay). See FORMAT.md for the bytes.
 */
export { Database } from './database';
export { openDatabase } from './open-database';
export type { DatabaseOptions } from './database';
export { planRetention, retentionSteps } from './retention';
export type { RetentionPolicy } from './retention';
export { LogWriter } from './log-writer';
export type { Durability } from './log-writer';
export { LogStore, EMPTY_HASH } from './log-store';
export type { LogStorage } from './log-store';
export { createRecordCodec, logSchemaOf } from './record-codec';
export type { LoggedTick } from './record-codec';
export { scanSegment } from './segment-scan';
export { captureSnapshot } from './snapshot-file';
export { replayRange } from './replay';
export { readManifest, dataDirPaths } from './data-dir';
export { repairDataDir } from './repair';
export { crc32c } from './crc32c';
export { RECORD_FRAME_BYTES, encodeSegmentHeader, hex } from './format';
export { describeModule, moduleFromDescription } from './schema-manifest';
export type { SchemaDescription, TableDescription, ColumnDescription } from './schema-manifest';
export { decodeSnapshotHeader } from './snapshot-file';
