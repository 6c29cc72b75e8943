/**
 * The Tickspace client SDK: typed client cache, reducer calls, subscriptions, reconnection.
 * Runs in browsers and in Node; imports only the protocol at runtime.
 */
export { connect, Connection } from './connection';
export type { ConnectOptions } from './connection';
export { CONNECTION_STATUS } from './connection-status';
export type { ConnectionStatus, CloseReason, HistoryChange } from './connection-status';
export type { SubscriptionHandle } from './subscription-handle';
export type { SchemaChangedEvent } from './schema-swap';
export type { ClientTable } from './client-table';
export { createWebSocketTransport } from './websocket-transport';
export { createSharedRows } from './shared-rows';
export type { SharedRows, SharedRowsOptions } from './shared-rows';
export type { WebSocketLike, WebSocketConstructor, WebSocketTransportOptions } from './websocket-transport';
export { backoffDelayMs } from './backoff';
export type { BackoffOptions } from './backoff';
export type { HeartbeatOptions } from './heartbeat';
export type {
  ClientDb,
  ClientReducers,
  ClientQuery,
  TableNames,
  ReducerName,
  ReducerCallArgs,
  ReducerCall,
} from './types';
export { TickspaceError, ERROR_CODES, CLOSE_CODES } from '../protocol';
export type { ErrorCode, AnyErrorCode } from '../protocol';
export type { Query, TransportFactory } from '../protocol';
