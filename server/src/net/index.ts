/** The network layer: WebSocket + HTTP server, transport-agnostic sessions, identity tokens, limits. */
export { createServer } from './server';
export type { ServerOptions, TickspaceServer } from './server';
export { SessionHub, createSessionHub } from './session-hub';
export type { CloseReason, SessionHubOptions } from './session-hub';
export { Session } from './session';
export { refusalFault } from './admission-hook';
export type { AdmitHook, Refusal } from './admission-hook';
export { createLoopbackTransport } from './loopback-transport';
export { MIN_TOKEN_SECRET_BYTES, createTokenIssuer } from './identity-tokens';
export type { TokenIssuer } from './identity-tokens';
export { DEFAULT_LIMITS, resolveLimits } from './limits';
export type { NetLimits } from './limits';
export { RateLimiter } from './rate-limiter';
export { ServerMetrics } from './server-metrics';
export type { AdminHandlers } from './http-routes';
export { databaseAdmin } from './database-admin';
export { CLOSE_CODES } from '../protocol';
// Embedding a durable world: the engine with its commit log, recovery and time travel, which
// `createServer` serves. The package's `tickspace/server` is this file.
export { openDatabase } from '../engine/tooling';
export type { Database, DatabaseOptions, Durability, RetentionPolicy } from '../engine/tooling';
