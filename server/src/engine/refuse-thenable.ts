import { TickspaceError } from '../protocol/errors';

/**
 * Fails a call whose reducer returned a promise or another thenable (an async reducer the schema
 * check could not see, such as a plain function returning one): reducers are synchronous
 * transactions, so the call rolls back with SANDBOX_VIOLATION. A native promise also gets a
 * rejection handler, so the work it still runs after the call (outside the transaction: its writes
 * are refused with READ_ONLY) is logged rather than crashing the process as an unhandled rejection.
 * A foreign thenable is never called: its `then` would run module code outside the call.
 *
 * @throws TickspaceError SANDBOX_VIOLATION when `returned` is a thenable.
 */
export function refuseThenable(
  returned: unknown,
  reducer: string,
  logger: { warn(message: string): void },
): void {
  if (typeof returned !== 'object' && typeof returned !== 'function') return;
  if (returned === null || typeof (returned as { then?: unknown }).then !== 'function') return;
  if (returned instanceof Promise)
    returned.then(undefined, (error: unknown) =>
      logger.warn(
        `reducer '${reducer}': the promise it returned failed after its call had ended: ${(error as Error)?.message ?? String(error)}`,
      ),
    );
  throw new TickspaceError(
    'SANDBOX_VIOLATION',
    'a reducer returned a promise (or another thenable): reducers are synchronous transactions, so the call is rolled back; drop async/await and do the work in the call itself',
    { details: { reducer } },
  );
}
