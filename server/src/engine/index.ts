/**
 * The Tickspace engine's module-author face: the schema DSL (`t`, `table`, `createSchema`),
 * `defineModule`, the reducer context and table types, identities, errors, and `createEngine` to
 * run a module. It knows no game, no network and no client. The commit log, subscriptions and the
 * other parts the server and its tools are built from are the tooling face, `./tooling.ts`.
 */
export { t, table } from './schema';
export type {
  Column,
  ColumnKind,
  Columns,
  AnyColumn,
  IndexKind,
  IndexDeclaration,
  SpatialDeclaration,
  DeclaredVisibility,
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
  ReturnOf,
  ModuleDef,
  Schema,
  ScheduledCall,
  ScheduleWhen,
  LifecycleFn,
  ReducerArgs,
  WarmContext,
  WarmFn,
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
export type { TableStore } from './table-store';
export type { TickStats } from './metrics';
export { SERVER_IDENTITY, isIdentity, toIdentity } from './identity';
export type { Identity } from './identity';
export { compareValues } from './values';
export { rowVisibleTo } from './visibility';
export { TickspaceError, ReducerError, ERROR_CODES } from '../protocol/errors';
export type { ErrorCode } from '../protocol/errors';
