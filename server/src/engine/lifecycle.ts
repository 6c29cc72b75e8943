import { TickspaceError } from '../protocol/errors';
import { CALL_ORIGIN, LIFECYCLE } from './engine-types';
import { SERVER_IDENTITY } from './identity';
import type { ModuleDef } from './module';
import { QueuedCall } from './queued-call';
import type { ReducerFn } from './server-schema';

/** The body of a lifecycle call whose hook the module leaves out. */
export const noop = () => {};

/** The module's hook for a lifecycle call name (`noop` if it has none); undefined for other names. */
export function lifecycleHook(m: ModuleDef, name: string): ReducerFn | undefined {
  return name === LIFECYCLE.CONNECTED
    ? (m.clientConnected ?? noop)
    : name === LIFECYCLE.DISCONNECTED
      ? (m.clientDisconnected ?? noop)
      : name === LIFECYCLE.STARTED
        ? (m.serverStarted ?? noop)
        : undefined;
}

/** The `__init` call of a first tick: the module's init hook with its arguments (see initArgs). */
export function initCall(
  module: ModuleDef,
  recorded: Readonly<Record<string, unknown>> | undefined,
): QueuedCall {
  return new QueuedCall(
    CALL_ORIGIN.LIFECYCLE,
    LIFECYCLE.INIT,
    module.init ?? noop,
    SERVER_IDENTITY,
    initArgs(recorded, module),
    undefined,
  );
}

/** The init call's arguments: the replayed payload, else the module's init data (a JSON object). */
function initArgs(
  recorded: Readonly<Record<string, unknown>> | undefined,
  module: ModuleDef,
): Record<string, unknown> {
  if (recorded !== undefined) return recorded as Record<string, unknown>;
  const data = module.initData?.();
  if (data === undefined) return {};
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new TickspaceError('INVALID_ARGUMENT', 'initData must return a JSON object');
  // Stored as logged: what init receives live is exactly what a replay will decode.
  return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
}
