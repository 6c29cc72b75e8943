/**
 * The Tickspace engine: schema, tables, indexes, transactional reducers and the tick scheduler.
 * It knows no game, no network and no client.
 */
export { t, table, COLUMN_KINDS, columnShapes } from './schema';
export type {
  Column,
  ColumnKind,
  Columns,
  AnyColumn,
  IndexKind,
  IndexDeclaration,
  SpatialDeclaration,
  TableOptions,
  TableDef,
  Tables,
  Row,
  RowOf,
  Insert,
  InsertOf,
  KeyOf,
  ColumnValue,
} from './schema';
export { createSchema, defineModule } from './module';
export type {
  Db,
  ReadonlyDb,
  Table,
  ReadonlyTable,
  ReducerContext,
  ReducerDef,
  ReducerOptions,
  ModuleDef,
  Migrator,
  MigrationFn,
  Schema,
  ScheduleWhen,
  LifecycleFn,
  InitData,
  InitFn,
  ReducerArgs,
} from './module';
export { Engine, createEngine, CALL_ORIGIN, LIFECYCLE, RESTORE_REASON } from './engine';
export type {
  EngineOptions,
  CallResult,
  CallRecord,
  CallOrigin,
  TickRecord,
  CommitHook,
  FanoutHook,
  FatalListener,
  RestoreEvent,
  RestoreListener,
  RestoreReason,
  Logger,
} from './engine';
export { OP } from './change-set';
export type { ChangeOp, OpKind, AnyRow } from './change-set';
export { TableStore } from './table-store';
export type { RangeBounds, StoreContext } from './table-store';
export { SpatialGrid, packCell, cellX, cellY } from './spatial-grid';
export { SortedList } from './sorted-list';
export { TickMetrics } from './metrics';
export type { TickStats } from './metrics';
export { SERVER_IDENTITY, isIdentity, toIdentity } from './identity';
export type { Identity } from './identity';
export { SCHEDULE_TABLE } from './system-tables';
export { compareValues, compareTuples, checkValue, mapKey } from './values';
export { compileArgsValidator, encodeArgsJson, decodeArgsJson } from './args';
export type { ArgsValidator } from './args';
export { hashRow } from './row-hash';
export { TickspaceError, ReducerError, ERROR_CODES } from '../protocol/errors';
export type { ErrorCode } from '../protocol/errors';
export * from './log';
export * from './subscriptions';
export * from './server-schema';
export * from './migration';
